#!/usr/bin/env python3
# Speedups: for each day j, count earlier days with strictly larger latency using a
# Fenwick tree over compressed values. O(n log n).
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    a = list(map(int, data[1:n + 1]))
    rank = {v: i + 1 for i, v in enumerate(sorted(set(a)))}
    m = len(rank)
    bit = [0] * (m + 1)
    ans = 0
    for j in range(n):
        r = rank[a[j]]
        i = r
        le = 0
        while i > 0:
            le += bit[i]
            i &= i - 1
        ans += j - le
        i = r
        while i <= m:
            bit[i] += 1
            i += i & -i
    print(ans)


main()
