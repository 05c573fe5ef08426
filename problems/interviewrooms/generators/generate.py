#!/usr/bin/env python3
"""Regenerates data/secret for Interview Rooms (deterministic, fixed seed).

Run from anywhere:  python3 generators/generate.py
Each .ans holds one optimal assignment (the reference greedy); the output validator
accepts any valid assignment with the optimal number of rooms.
"""
import heapq
import os
import random

random.seed(777001)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "secret")


def solve(iv):
    order = sorted(range(len(iv)), key=lambda i: iv[i][0])
    busy, room, k = [], [0] * len(iv), 0
    for i in order:
        s, e = iv[i]
        if busy and busy[0][0] <= s:
            _, r = heapq.heappop(busy)
        else:
            k += 1
            r = k
        room[i] = r
        heapq.heappush(busy, (e, r))
    return k, room


def write(name, iv):
    assert 1 <= len(iv) <= 100000
    assert all(0 <= s < e <= 10**9 for s, e in iv)
    with open(os.path.join(OUT, name + ".in"), "w") as f:
        f.write(f"{len(iv)}\n" + "".join(f"{s} {e}\n" for s, e in iv))
    k, room = solve(iv)
    with open(os.path.join(OUT, name + ".ans"), "w") as f:
        f.write(f"{k}\n{' '.join(map(str, room))}\n")
    print(name, "n =", len(iv), "k =", k)


def shuffled(iv):
    iv = list(iv)
    random.shuffle(iv)
    return iv


os.makedirs(OUT, exist_ok=True)
# 01: one interview at the extreme times
write("01-single", [(0, 10**9)])
# 02: back-to-back interviews: one room suffices
write("02-back-to-back", shuffled([(10 * i, 10 * i + 10) for i in range(100)]))
# 03: identical slots: every interview needs its own room
write("03-identical", [(540, 600)] * 50)
# 04: nested slots: 2000 rooms needed (more than 1000)
write("04-nested", shuffled([(i, 4000 - i) for i in range(2000)]))
# 05: random small
write("05-random-small", [tuple(sorted(random.sample(range(0, 40), 2))) for _ in range(20)])
# 06: random medium, unsorted
iv = []
for _ in range(1000):
    s = random.randint(0, 10**6)
    iv.append((s, s + random.randint(1, 20000)))
write("06-random-medium", iv)
# 07: many interviews touching at common boundaries (half-hour grid)
iv = []
for _ in range(3000):
    a = random.randint(0, 47)
    b = random.randint(a + 1, min(48, a + 4))
    iv.append((a * 1800, b * 1800))
write("07-grid", iv)
# 08: staircase in decreasing start order: processing in input order wastes rooms
write("08-staircase", [(100 * i, 100 * i + 150) for i in range(500, 0, -1)])
# 09: large, short random interviews over the whole range
iv = []
for _ in range(20000):
    s = random.randint(0, 10**9 - 1)
    iv.append((s, min(10**9, s + random.randint(1, 30000))))
write("09-large-random", iv)
# 10: maximum size, heavy overlap: about 50000 rooms (kills O(n * k) scans)
iv = [(i, 200000 - i) for i in range(50000)] + [(100000 + i, 100000 + i + 1) for i in range(50000)]
write("10-max-overlap", shuffled(iv))
