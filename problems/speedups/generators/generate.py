#!/usr/bin/env python3
"""Regenerates data/secret/group{1,2,3} for Speedups (deterministic, fixed seed).

Run from anywhere:  python3 generators/generate.py
Answers are computed with a merge-sort count below (independent of the submissions).
"""
import os
import random

random.seed(31337)
SECRET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "secret")


def count(a):
    """Number of pairs i < j with a[j] < a[i] (merge sort)."""
    def rec(lo, hi):
        if hi - lo <= 1:
            return a[lo:hi], 0
        mid = (lo + hi) // 2
        left, x = rec(lo, mid)
        right, y = rec(mid, hi)
        merged, c, i = [], x + y, 0
        for v in right:
            # every left element strictly greater than v forms a speedup with v
            while i < len(left) and left[i] <= v:
                merged.append(left[i])
                i += 1
            c += len(left) - i
            merged.append(v)
        merged.extend(left[i:])
        return merged, c
    return rec(0, len(a))[1]


def write(group, name, a, distinct=False, small=False):
    assert 1 <= len(a) <= 100000 and all(1 <= x <= 10**9 for x in a)
    if distinct:
        assert len(set(a)) == len(a)
    if small:
        assert len(a) <= 1000
    d = os.path.join(SECRET, group)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".in"), "w") as f:
        f.write(f"{len(a)}\n{' '.join(map(str, a))}\n")
    c = count(a)
    with open(os.path.join(d, name + ".ans"), "w") as f:
        f.write(f"{c}\n")
    print(group, name, "n =", len(a), "answer =", c)


# Group 1 (20 points): n <= 1000
write("group1", "01-single", [7], small=True)
write("group1", "02-equal-pair", [5, 5], small=True)
write("group1", "03-small-ties", [random.randint(1, 6) for _ in range(12)], small=True)
write("group1", "04-many-ties", [random.randint(1, 10) for _ in range(1000)], small=True)
write("group1", "05-descending", list(range(10**9, 10**9 - 1000, -1)), small=True)
write("group1", "06-random", [random.randint(1, 10**9) for _ in range(1000)], small=True)

# Group 2 (30 points): all values distinct
write("group2", "01-two-days", [3, 9], distinct=True)
write("group2", "02-small", random.sample(range(1, 50), 20), distinct=True)
write("group2", "03-max-random", random.sample(range(1, 10**9 + 1), 100000), distinct=True)
write("group2", "04-max-decreasing", list(range(100000, 0, -1)), distinct=True)  # answer 4999950000

# Group 3 (50 points): no additional constraints
write("group3", "01-all-equal", [42] * 100000)
write("group3", "02-few-values", [random.randint(1, 100) for _ in range(100000)])
write("group3", "03-random", [random.randint(1, 10**9) for _ in range(50000)])
write("group3", "04-non-increasing", sorted((random.randint(1, 30000) for _ in range(100000)), reverse=True))
write("group3", "05-small-ties", [2, 1, 2, 1, 2, 1])
