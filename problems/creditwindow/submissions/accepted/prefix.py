#!/usr/bin/env python3
# Credit Window: answer = max over j >= L of P[j] - min(P[0..j-L]) with prefix sums P.
# All loops run inside C (itertools.accumulate, map, max), so a million values take
# well under a second. Input is read in one go from sys.stdin.buffer.
import sys
from itertools import accumulate, islice
from operator import sub


def main():
    data = sys.stdin.buffer.read().split()
    n, L = int(data[0]), int(data[1])
    P = list(accumulate(map(int, islice(data, 2, 2 + n)), initial=0))
    del data
    # running minimum of P[0], P[1], ..., P[n-L], paired with P[L], ..., P[n]
    lows = accumulate(islice(P, 0, n - L + 1), min)
    print(max(map(sub, islice(P, L, None), lows)))


main()
