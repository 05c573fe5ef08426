#!/usr/bin/env python3
# WRONG: binary search with the invariant "lo is good, hi is bad", but it starts with
# lo = 1 although commit 1 may itself be bad. It never answers 1 (unless n = 1).
n = int(input())
lo, hi = 1, n
while hi - lo > 1:
    mid = (lo + hi) // 2
    print("?", mid, flush=True)
    if input().strip() == "bad":
        hi = mid
    else:
        lo = mid
print("!", hi, flush=True)
