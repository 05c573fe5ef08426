#!/usr/bin/env python3
"""Input validator for Flaky Stages: accepts (exit 42) exactly the inputs the statement allows,
written exactly as it says (single spaces, one line each, a final newline), else exits 43."""
import re
import sys

INTEGER = re.compile(r"0|-?[1-9][0-9]*")


def fail(why):
    print(why, file=sys.stderr)
    sys.exit(43)


def integers(line, count, low, high):
    words = line.split(" ")
    if len(words) != count or not all(INTEGER.fullmatch(w) for w in words):
        fail(f"expected {count} integers: {line[:60]!r}")
    values = [int(w) for w in words]
    if not all(low <= v <= high for v in values):
        fail(f"an integer outside [{low}, {high}]: {line[:60]!r}")
    return values


text = sys.stdin.read()
if not text.endswith("\n"):
    fail("the input must end with a newline")
lines = text[:-1].split("\n")
REAL = re.compile(r"(0|1)(\.[0-9]{1,6})?")
n, q = integers(lines[0], 2, 1, 100_000)
if len(lines) != q + 2:
    fail(f"expected {q} queries")
probabilities = lines[1].split(" ")
if len(probabilities) != n or not all(REAL.fullmatch(p) and float(p) <= 1 for p in probabilities):
    fail("expected n probabilities between 0 and 1 with at most 6 decimals")
for line in lines[2:]:
    left, right = integers(line, 2, 1, n)
    if left > right:
        fail(f"l > r: {line!r}")
sys.exit(42)
