#!/usr/bin/env python3
# Build Queue: min-heap of the times at which the runners become idle.
import sys
import heapq


def main():
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    idle = [0] * min(n, m)
    waiting = 0
    last = 0
    prev = 0
    replace = heapq.heapreplace
    for i in range(n):
        a = int(data[2 + 2 * i])
        d = int(data[3 + 2 * i])
        s = idle[0]
        if s < a:
            s = a
        if s < prev:
            s = prev
        replace(idle, s + d)
        waiting += s - a
        if s + d > last:
            last = s + d
        prev = s
    sys.stdout.write(f"{waiting} {last}\n")


main()
