def depth_at(point, intervals):
    depth = 0
    for lo, hi in intervals:
        if lo <= point <= hi:
            depth += 1
    return depth


def deepest(intervals):
    # Some interval's left end is always among the deepest points.
    return max((depth_at(lo, intervals) for lo, _ in intervals), default=0)


def read():
    n = int(input())
    intervals = []
    while len(intervals) < n:
        line = input().strip()
        if not line:
            continue
        lo, hi = map(int, line.split())
        intervals.append((lo, hi))
    return intervals


if __name__ == '__main__':
    print(deepest(read()))
