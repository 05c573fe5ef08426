# Credit Window: read the input from standard input, write the answer to standard output.
import sys


def main():
    data = sys.stdin.buffer.read().split()


main()
