#!/usr/bin/env python3
# TOO SLOW: sorts by start time, then scans all rooms opened so far for a free one
# (first fit). Correct, but O(n * k): about 5 * 10^9 steps when all interviews overlap.
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    s = [int(x) for x in data[1:2 * n + 1:2]]
    e = [int(x) for x in data[2:2 * n + 2:2]]
    order = sorted(range(n), key=lambda i: s[i])
    free_at = []  # free_at[r] = time at which room r + 1 becomes free
    room = [0] * n
    for i in order:
        for r in range(len(free_at)):
            if free_at[r] <= s[i]:
                break
        else:
            free_at.append(0)
            r = len(free_at) - 1
        free_at[r] = e[i]
        room[i] = r + 1
    print(len(free_at))
    print(" ".join(map(str, room)))


main()
