from collections import Counter
from itertools import accumulate
import sys


class Timeline:
    def __init__(self):
        self.changes = Counter()

    def add(self, first, last):
        self.changes[first] += 1
        self.changes[last + 1] -= 1

    def peak(self):
        points = sorted(self.changes)
        running = accumulate(self.changes[p] for p in points)
        return max(running, default=0)


def load(stream):
    data = stream.read().split()
    n = int(data[0])
    pairs = zip(data[1:2 * n + 1:2], data[2:2 * n + 1:2])
    return [(int(a), int(b)) for a, b in pairs]


def main():
    timeline = Timeline()
    for first, last in load(sys.stdin):
        timeline.add(first, last)
    print(timeline.peak())


main()
