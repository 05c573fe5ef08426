#!/usr/bin/env python3
"""Reference solvers for the matching bench (cohort-bench --suite matching).

  matching.py mincostflow FILE   OR-tools' min-cost flow on a sparse instance
  matching.py lsa FILE ROWS COLS scipy's linear_sum_assignment on a dense matrix

Sparse instance file (text): first line "interns mentors edges", then one line of mentor
capacities, then one line per edge "intern mentor score". Dense file: ROWS * COLS little-endian
int64 scores, row-major. Prints one JSON line: the time of the solve call alone (reading the file
is not timed), the number matched and the total score.
"""
import json
import sys
import time

import numpy as np


def mincostflow(path):
    from ortools.graph.python import min_cost_flow

    with open(path) as handle:
        interns, mentors, edges = map(int, handle.readline().split())
        capacity = list(map(int, handle.readline().split()))
        data = np.loadtxt(handle, dtype=np.int64, ndmin=2)
    source, sink = interns + mentors, interns + mentors + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([
        np.full(interns, source), data[:, 0], interns + np.arange(mentors)])
    heads = np.concatenate([
        np.arange(interns), interns + data[:, 1], np.full(mentors, sink)])
    capacities = np.concatenate([
        np.ones(interns, dtype=np.int64), np.ones(edges, dtype=np.int64), np.array(capacity)])
    # Maximum flow first (as many interns as possible), then minimum cost (highest score).
    costs = np.concatenate([
        np.zeros(interns, dtype=np.int64), -data[:, 2], np.zeros(mentors, dtype=np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    # The source may send one unit per intern; maximum flow decides how many arrive.
    flow.set_node_supply(source, interns)
    flow.set_node_supply(sink, -interns)
    started = time.perf_counter()
    status = flow.solve_max_flow_with_min_cost()
    seconds = time.perf_counter() - started
    if status != flow.OPTIMAL:
        raise SystemExit(f"min-cost flow status {status}")
    return {"seconds": seconds, "matched": flow.maximum_flow(), "total_score": -flow.optimal_cost()}


def lsa(path, rows, cols):
    from scipy.optimize import linear_sum_assignment

    scores = np.fromfile(path, dtype="<i8").reshape(rows, cols)
    started = time.perf_counter()
    row_index, col_index = linear_sum_assignment(scores, maximize=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "matched": int(len(row_index)),
            "total_score": int(scores[row_index, col_index].sum())}


if __name__ == "__main__":
    if sys.argv[1] == "mincostflow":
        result = mincostflow(sys.argv[2])
    elif sys.argv[1] == "lsa":
        result = lsa(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit("usage: matching.py mincostflow FILE | lsa FILE ROWS COLS")
    print(json.dumps(result))
