import heapq
import sys
from typing import List, Tuple

Interval = Tuple[int, int]


def parse(lines: List[str]) -> List[Interval]:
    count = int(lines[0])
    intervals = []
    for line in lines[1:count + 1]:
        left, right = line.split()
        intervals.append((int(left), int(right)))
    return intervals


def rooms_needed(intervals: List[Interval]) -> int:
    """The most intervals open at once, as the number of rooms a schedule needs."""
    endings: List[int] = []
    most = 0
    for left, right in sorted(intervals):
        while endings and endings[0] < left:
            heapq.heappop(endings)
        heapq.heappush(endings, right)
        most = max(most, len(endings))
    return most


if __name__ == "__main__":
    print(rooms_needed(parse(sys.stdin.read().splitlines())))
