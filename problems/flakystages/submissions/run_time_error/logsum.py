#!/usr/bin/env python3
# CRASHES: prefix sums of log(1 - p_i). math.log(0.0) raises
# "ValueError: math domain error" as soon as a stage has p_i = 1.
import sys
import math


def main():
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    pre = [0.0] * (n + 1)
    for i in range(1, n + 1):
        pre[i] = pre[i - 1] + math.log(1.0 - float(data[1 + i]))
    out = []
    pos = 2 + n
    for _ in range(q):
        l, r = int(data[pos]), int(data[pos + 1])
        pos += 2
        out.append("%.10f" % (1.0 - math.exp(pre[r] - pre[l - 1])))
    print("\n".join(out))


main()
