#!/usr/bin/env python3
"""Input validator for Interview Rooms: accepts (exit 42) exactly the inputs the statement allows,
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
(n,) = integers(lines[0], 1, 1, 100_000)
if len(lines) != n + 1:
    fail(f"expected {n} interviews")
for line in lines[1:]:
    start, end = integers(line, 2, 0, 10**9)
    if start >= end:
        fail(f"an interview must end after it starts: {line!r}")
sys.exit(42)
