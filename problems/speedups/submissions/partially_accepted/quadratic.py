#!/usr/bin/env python3
# PARTIAL (group 1 only, 20 points): checks every pair of days. O(n^2) is fine for
# n <= 1000 but exceeds the time limit on the large tests of groups 2 and 3.
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    a = list(map(int, data[1:n + 1]))
    ans = 0
    for j in range(n):
        aj = a[j]
        for i in range(j):
            if a[i] > aj:
                ans += 1
    print(ans)


main()
