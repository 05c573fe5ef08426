import sys


def load(data):
    vals = list(map(int, data.split()))
    cnt = vals[0]
    pts = []
    for k in range(cnt):
        lo, hi = vals[1 + 2 * k], vals[2 + 2 * k]
        pts.append((lo, -1))
        pts.append((hi, 1))
    return pts


def solve(pts):
    pts.sort()
    cur = 0
    ans = 0
    for _, t in pts:
        if t == -1:
            cur += 1
            ans = max(ans, cur)
        else:
            cur -= 1
    return ans


def out(res):
    sys.stdout.write(str(res) + "\n")


def run():
    pts = load(sys.stdin.read())
    out(solve(pts))


if __name__ == "__main__":
    run()
