#!/usr/bin/env python3
"""Regenerates data/sample and data/secret for Credit Window (deterministic, fixed seed).

Run from anywhere:  python3 generators/generate.py
The largest test (secret/10-huge) has 1,000,000 values and is larger than 10 MiB.
Answers are computed with the prefix-sum algorithm below.
"""
import os
import random
from itertools import accumulate

random.seed(20270615)
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
LIM = 10**9


def solve(a, L):
    """max over windows of length >= L: P[j] - min(P[0..j-L])."""
    best = None
    P = [0] + list(accumulate(a))
    low = None
    for j in range(L, len(a) + 1):
        low = P[j - L] if low is None else min(low, P[j - L])
        cand = P[j] - low
        if best is None or cand > best:
            best = cand
    return best


def write(group, name, a, L):
    n = len(a)
    assert 1 <= L <= n <= 1000000 and all(-LIM <= x <= LIM for x in a)
    d = os.path.join(DATA, group)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".in"), "w") as f:
        f.write(f"{n} {L}\n")
        f.write(" ".join(map(str, a)))
        f.write("\n")
    with open(os.path.join(d, name + ".ans"), "w") as f:
        f.write(f"{solve(a, L)}\n")
    print(group, name, "n =", n, "L =", L, "bytes =", os.path.getsize(os.path.join(d, name + ".in")))


write("sample", "1", [4, -10, 3, -1, 5, -20, 6, 6], 3)
write("sample", "2", [-5, -2, -9], 1)

# 01: a single minute
write("secret", "01-single", [-LIM], 1)
# 02: all negative, the best window is the least bad one of length exactly L
write("secret", "02-all-negative", [-random.randint(1, 100) for _ in range(10)], 3)
# 03: L = n: the whole log is the only window
write("secret", "03-whole", [random.randint(-LIM, LIM) for _ in range(50)], 50)
# 04: small random
write("secret", "04-small", [random.randint(-20, 20) for _ in range(20)], 5)
# 05: L = 1 (maximum subarray), mixed signs
write("secret", "05-any-length", [random.randint(-1000, 1000) for _ in range(2000)], 1)
# 06: a great short burst that is shorter than L, surrounded by losses
a = [-5] * 500 + [LIM] * 5 + [-5] * 500
write("secret", "06-short-burst", a, 50)
# 07: all values maximal: the answer (2 * 10^13) needs 64 bits
write("secret", "07-all-max", [LIM] * 20000, 7)
# 08: all values minimal: the answer is the least negative window, -L * 10^9
write("secret", "08-all-min", [-LIM] * 20000, 1000)
# 09: random walk with slowly changing drift: the best window is long
a = []
drift = 0
for i in range(30000):
    if i % 1000 == 0:
        drift = random.randint(-300, 300)
    a.append(max(-LIM, min(LIM, drift + random.randint(-10**6, 10**6))))
write("secret", "09-drift", a, 2500)
# 10: huge (> 10 MiB): one million values of large magnitude, mostly negative
a = []
for _ in range(1000000):
    if random.random() < 0.6:
        a.append(-random.randint(10**8, LIM))
    else:
        a.append(random.randint(10**8, LIM))
write("secret", "10-huge", a, 100)
