#!/usr/bin/env python3
"""Regenerates data/secret for Flaky Stages (deterministic, fixed seed).

Run from anywhere:  python3 generators/generate.py
Reference answers are computed independently of the submissions, with 60-digit
decimal arithmetic (prefix products of Decimals, stages with p = 1 counted apart).
"""
import os
import random
from decimal import Decimal, getcontext

getcontext().prec = 60
getcontext().Emin = -999999999
random.seed(424242)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "secret")


def fmt_p(micro):
    """micro = p * 10^6 as an integer; print with at most 6 decimals, varied style."""
    if micro == 0:
        return random.choice(["0", "0.0", "0.000000"])
    if micro == 10**6:
        return random.choice(["1", "1.0", "1.000000"])
    s = f"0.{micro:06d}"
    return s.rstrip("0") if random.random() < 0.5 else s


def write(name, micros, queries):
    n, q = len(micros), len(queries)
    assert 1 <= n <= 100000 and 1 <= q <= 100000
    assert all(0 <= x <= 10**6 for x in micros)
    assert all(1 <= l <= r <= n for l, r in queries)
    with open(os.path.join(OUT, name + ".in"), "w") as f:
        f.write(f"{n} {q}\n")
        f.write(" ".join(fmt_p(x) for x in micros) + "\n")
        f.write("".join(f"{l} {r}\n" for l, r in queries))
    pre = [Decimal(1)]
    ones = [0]
    for x in micros:
        if x == 10**6:
            pre.append(pre[-1])
            ones.append(ones[-1] + 1)
        else:
            pre.append(pre[-1] * (Decimal(10**6 - x) / Decimal(10**6)))
            ones.append(ones[-1])
    out = []
    for l, r in queries:
        if ones[r] - ones[l - 1] > 0:
            ans = Decimal(1)
        else:
            ans = 1 - pre[r] / pre[l - 1]
        out.append(f"{ans:.10f}\n")
    with open(os.path.join(OUT, name + ".ans"), "w") as f:
        f.write("".join(out))


def rand_queries(n, q):
    res = []
    for _ in range(q):
        l, r = sorted((random.randint(1, n), random.randint(1, n)))
        res.append((l, r))
    return res


os.makedirs(OUT, exist_ok=True)
# 01: one stage that never fails
write("01-single", [0], [(1, 1)])
# 02: stages that always fail (p = 1) mixed with safe ones; every kind of range
m = [0, 10**6, 500000, 0, 10**6, 0, 250000, 0]
write("02-certain-failures", m, [(l, r) for l in range(1, 9) for r in range(l, 9)])
# 03: all p = 0.5: the success probability of long prefixes underflows doubles
write("03-halves", [500000] * 5000,
      [(4990, 5000), (1, 5000), (2500, 2501), (4000, 4000), (1, 1074), (1, 1100)] + rand_queries(5000, 300))
# 04: tiny failure probabilities, answers close to 0
write("04-tiny", [1] * 3000 + [random.randint(1, 5) for _ in range(3000)], rand_queries(6000, 500) + [(1, 1), (1, 6000)])
# 05: random probabilities, random ranges
write("05-random", [random.randint(0, 10**6) for _ in range(2000)], rand_queries(2000, 2000))
# 06: single-stage queries with extreme values
m = [1, 999999, 10**6, 0, 500000, 123456, 999998, 2]
write("06-single-stage", m, [(i, i) for i in range(1, 9)] + [(2, 2), (1, 2), (7, 8)])
# 07: a long near-certain failure prefix, then mild stages: the interesting ranges
#     lie deep inside the array, where naive prefix products are exactly zero
m = [999999] * 20000 + [random.randint(1, 30) for _ in range(20000)]
write("07-deep-ranges", m, [(20001, 40000), (20001 + random.randint(0, 9999), 40000 - random.randint(0, 9999))]
      + [tuple(sorted((random.randint(20001, 40000), random.randint(20001, 40000)))) for _ in range(2000)]
      + [(19990, 20010), (1, 40000)])
# 08: every stage always fails
write("08-all-certain", [10**6] * 100, rand_queries(100, 100))
# 09: maximum size, small probabilities, mostly long ranges (kills O(n*q))
n = 100000
m = [random.randint(0, 100) for _ in range(n)]
qs = []
for i in range(n):
    if i % 2 == 0:
        qs.append((random.randint(1, 50), random.randint(n - 50, n)))
    else:
        l, r = sorted((random.randint(1, n), random.randint(1, n)))
        qs.append((l, r))
write("09-max", m, qs)
