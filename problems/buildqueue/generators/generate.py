#!/usr/bin/env python3
"""Regenerates data/secret for Build Queue (deterministic, fixed seed).

Run from the package directory:  python3 generators/generate.py
Answers are computed with the reference algorithm below (heap of idle times).
"""
import heapq
import os
import random

random.seed(20270601)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "secret")


def solve(m, jobs):
    idle = [0] * min(len(jobs), m)
    waiting = last = prev = 0
    for a, d in jobs:
        s = max(idle[0], a, prev)
        heapq.heapreplace(idle, s + d)
        waiting += s - a
        last = max(last, s + d)
        prev = s
    return waiting, last


def write(name, m, jobs):
    assert 1 <= len(jobs) <= 200000 and 1 <= m <= 200000
    assert all(0 <= a <= 10**9 and 1 <= d <= 10**6 for a, d in jobs)
    assert all(jobs[i][0] <= jobs[i + 1][0] for i in range(len(jobs) - 1))
    lines = [f"{len(jobs)} {m}"] + [f"{a} {d}" for a, d in jobs]
    with open(os.path.join(OUT, name + ".in"), "w") as f:
        f.write("\n".join(lines) + "\n")
    w, l = solve(m, jobs)
    with open(os.path.join(OUT, name + ".ans"), "w") as f:
        f.write(f"{w} {l}\n")


def random_jobs(n, max_gap, max_d, start=0):
    t = start
    jobs = []
    for _ in range(n):
        t += random.randint(0, max_gap)
        jobs.append((min(t, 10**9), random.randint(1, max_d)))
    return jobs


os.makedirs(OUT, exist_ok=True)
# 01: a single job on a single runner, submitted at the latest possible time
write("01-single", 1, [(10**9, 10**6)])
# 02: more runners than jobs, everything submitted at once: nobody waits
write("02-enough-runners", 10, [(7, d) for d in (3, 1, 4, 1, 5, 9, 2, 6)])
# 03: one runner, strictly serial with back-to-back boundaries and idle gaps
write("03-one-runner", 1, [(0, 3), (3, 2), (4, 1), (10, 5), (10, 5), (30, 1)])
# 04: jobs submitted exactly when a runner becomes idle (no waiting at the boundary)
write("04-boundaries", 2, [(0, 5), (0, 5), (5, 5), (5, 5), (10, 1), (10, 1), (11, 1)])
# 05: FIFO matters: a long job blocks the head of the queue, short ones wait behind it
write("05-fifo", 2, [(0, 10), (0, 100), (1, 50), (2, 1), (2, 1), (3, 1)])
# 06: random, small
write("06-random-small", 3, random_jobs(30, 5, 20))
# 07: random medium with bursts and idle periods
jobs = []
t = 0
for burst in range(40):
    t += random.randint(0, 2000)
    for _ in range(random.randint(1, 60)):
        t += random.randint(0, 3)
        jobs.append((t, random.randint(1, 400)))
write("07-bursts", 7, jobs)
# 08: one runner, heavy load: waiting total ~1.25e13 and makespan 5e9 exceed 32 bits
write("08-one-runner-overflow", 1, [(i, 10**6) for i in range(5000)])
# 09: congested, many runners, late submission times near 1e9
write("09-congested", 1000, random_jobs(20000, 2, 10**6, start=10**9 - 100000))
# 10: maximal burst: n = m = 200000, all at time 0 (kills O(n*m) scans)
write("10-max-burst", 200000, [(0, random.randint(1, 99)) for _ in range(200000)])
# 11: n = 50000, m = 400, mixed load
write("11-mixed", 400, random_jobs(50000, 3, 5000))
