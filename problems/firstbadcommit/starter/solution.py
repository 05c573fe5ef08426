# First Bad Commit: this is an interactive problem. Flush after every line you print.
import sys


def main():
    n = int(sys.stdin.readline())
    # Ask a question with: print("?", k, flush=True)
    # Answer with:         print("!", k, flush=True)


main()
