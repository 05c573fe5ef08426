#!/usr/bin/env python3
# CRASHES: misreads the statement as "submission times are strictly increasing"
# and asserts it; the assertion fails (exit code 1) on any input with two jobs
# submitted at the same time.
import sys
import heapq


def main():
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    idle = [0] * min(n, m)
    waiting = last = prev = 0
    prev_a = -1
    for i in range(n):
        a = int(data[2 + 2 * i])
        d = int(data[3 + 2 * i])
        assert a > prev_a, "submission times must be strictly increasing"
        prev_a = a
        s = max(idle[0], a, prev)
        heapq.heapreplace(idle, s + d)
        waiting += s - a
        last = max(last, s + d)
        prev = s
    print(waiting, last)


main()
