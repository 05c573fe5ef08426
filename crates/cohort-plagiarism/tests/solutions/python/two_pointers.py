import sys
input = sys.stdin.readline


def solve(starts, ends):
    starts.sort()
    ends.sort()
    active = answer = 0
    j = 0
    for s in starts:
        # close everything that ended before s
        while j < len(ends) and ends[j] < s:
            active -= 1
            j += 1
        active += 1
        answer = max(answer, active)
    return answer


def main():
    n = int(input())
    starts, ends = [], []
    for _ in range(n):
        a, b = map(int, input().split())
        starts.append(a)
        ends.append(b)
    print(solve(starts, ends))


main()
