import sys


def main():
    events = read_events(sys.stdin.read())
    print_answer(max_overlap(events))


def print_answer(answer):
    sys.stdout.write(str(answer) + "\n")


def max_overlap(events):
    # Starts are -1 so that they sort before ends at the same point: intervals are closed.
    events.sort()
    open_count = 0
    best = 0
    for _, kind in events:
        if kind == -1:
            open_count += 1
            best = max(best, open_count)
        else:
            open_count -= 1
    return best


def read_events(text):
    numbers = list(map(int, text.split()))
    n = numbers[0]
    events = []
    for i in range(n):
        start, end = numbers[1 + 2 * i], numbers[2 + 2 * i]
        events.append((start, -1))
        events.append((end, 1))
    return events


if __name__ == "__main__":
    main()
