#!/usr/bin/env python3
# Flaky Stages: prefix products of (1 - p_i) kept as mantissa * 2^exponent (frexp),
# so they never underflow; stages with p_i = 1 are counted separately.
import sys
from math import frexp, ldexp


def main():
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    mant = [0.5] * (n + 1)
    expo = [1] * (n + 1)
    certain = [0] * (n + 1)
    m, e, c = 0.5, 1, 0
    for i in range(1, n + 1):
        f = 1.0 - float(data[1 + i])
        if f == 0.0:
            c += 1
        else:
            m, de = frexp(m * f)
            e += de
        mant[i] = m
        expo[i] = e
        certain[i] = c
    out = []
    pos = 2 + n
    for _ in range(q):
        l = int(data[pos]) - 1
        r = int(data[pos + 1])
        pos += 2
        if certain[r] != certain[l]:
            out.append("1.0000000000")
        else:
            de = expo[r] - expo[l]
            ratio = 0.0 if de < -2000 else ldexp(mant[r] / mant[l], de)
            out.append("%.10f" % (1.0 - ratio))
    sys.stdout.write("\n".join(out) + "\n")


main()
