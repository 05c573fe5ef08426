#!/usr/bin/env python3
# Interview Rooms: sweep interviews by start time; reuse the room that becomes free
# earliest if it is free by then, otherwise open a new room. O(n log n).
import sys
import heapq


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    s = list(map(int, data[1:2 * n + 1:2]))
    e = list(map(int, data[2:2 * n + 2:2]))
    order = sorted(range(n), key=s.__getitem__)
    busy = []  # (end, room)
    room = [0] * n
    k = 0
    for i in order:
        if busy and busy[0][0] <= s[i]:
            r = busy[0][1]
            heapq.heapreplace(busy, (e[i], r))
        else:
            k += 1
            r = k
            heapq.heappush(busy, (e[i], r))
        room[i] = r
    sys.stdout.write(f"{k}\n{' '.join(map(str, room))}\n")


main()
