#!/usr/bin/env python3
# TOO SLOW: binary search that finds the middle of [lo, hi] by walking to it one step
# at a time. The number of tests is fine, but the first step alone takes about
# n / 2 = 5 * 10^8 iterations when n = 10^9.
n = int(input())
lo, hi = 1, n
while lo < hi:
    mid = lo
    while (mid - lo) < (hi - mid):
        mid += 1
    if (mid - lo) > (hi - mid):
        mid -= 1
    print("?", mid, flush=True)
    if input().strip() == "bad":
        hi = mid
    else:
        lo = mid + 1
print("!", lo, flush=True)
