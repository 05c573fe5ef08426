import sys


def events_of(data):
    it = iter(data)
    n = next(it)
    for _ in range(n):
        a, b = next(it), next(it)
        yield a, 0
        yield b, 1


def sweep(events):
    cur = mx = 0
    for _, is_end in sorted(events):
        if is_end:
            cur -= 1
        else:
            cur += 1
            if cur > mx:
                mx = cur
    return mx


def main():
    data = map(int, sys.stdin.buffer.read().split())
    print(sweep(events_of(data)))


main()
