#!/usr/bin/env python3
"""Input validator for First Bad Commit: accepts (exit 42) exactly the inputs the statement allows,
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
if len(lines) != 1:
    fail("expected one line: n and the first bad commit b")
n, b = integers(lines[0], 2, 1, 10**9)
if b > n:
    fail("b must be at most n")
sys.exit(42)
