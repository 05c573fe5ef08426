#!/usr/bin/env python3
# CRASHES: stores the prefix sums in a compact array('i') of C ints to save memory.
# Correct while every prefix sum fits in 32 bits; otherwise appending raises
# "OverflowError: signed integer is greater than maximum" (or "less than minimum").
import sys
from array import array


def main():
    data = sys.stdin.buffer.read().split()
    n, L = int(data[0]), int(data[1])
    P = array("i", [0])
    s = 0
    for tok in data[2:2 + n]:
        s += int(tok)
        P.append(s)
    low = P[0]
    best = P[L] - P[0]
    for j in range(L, n + 1):
        if P[j - L] < low:
            low = P[j - L]
        if P[j] - low > best:
            best = P[j] - low
    print(best)


main()
