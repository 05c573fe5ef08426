#!/usr/bin/env python3
# First Bad Commit: binary search on [1, n]; at most ceil(log2 n) <= 30 tests.
n = int(input())
lo, hi = 1, n  # b is in [lo, hi]
while lo < hi:
    mid = (lo + hi) // 2
    print("?", mid, flush=True)
    if input().strip() == "bad":
        hi = mid
    else:
        lo = mid + 1
print("!", lo, flush=True)
