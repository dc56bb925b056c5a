#!/usr/bin/env python3
"""Benchmark-side cross-check for WohnlotseBench: times scipy.optimize.linear_sum_assignment
on an instance written by `WohnlotseBench assignment`.

Instance file (little endian): int64 rows, int64 columns, int64 pairs, then int64 row_start[rows + 1],
int32 columns[pairs], float64 scores[pairs] (CSR).

scipy needs a dense matrix; infeasible pairs get score 0, which leaves the maximum unchanged because an
assignment to a score-0 pair contributes exactly what leaving the row unassigned contributes.
Prints one JSON object: best/median seconds over --runs, the total and the number of positive pairs used.
"""
import argparse
import json
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("instance")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    try:
        import numpy as np
        from scipy.optimize import linear_sum_assignment
        import scipy
    except ImportError as error:
        print(json.dumps({"error": f"scipy/numpy missing: {error}"}))
        return 2

    with open(args.instance, "rb") as handle:
        rows, columns, pairs = np.frombuffer(handle.read(24), dtype="<i8")
        row_start = np.frombuffer(handle.read(8 * (rows + 1)), dtype="<i8")
        cols = np.frombuffer(handle.read(4 * pairs), dtype="<i4")
        scores = np.frombuffer(handle.read(8 * pairs), dtype="<f8")
    dense = np.zeros((rows, columns), dtype=np.float64)
    row_of_pair = np.repeat(np.arange(rows), np.diff(row_start))
    dense[row_of_pair, cols] = scores

    times = []
    total = 0.0
    used = 0
    for _ in range(max(1, args.runs)):
        began = time.perf_counter()
        r, c = linear_sum_assignment(dense, maximize=True)
        times.append(time.perf_counter() - began)
        chosen = dense[r, c]
        total = float(chosen.sum())
        used = int((chosen > 0).sum())
    times.sort()
    print(json.dumps({
        "best_seconds": times[0],
        "median_seconds": times[len(times) // 2],
        "total": total,
        "assigned_positive": used,
        "scipy": scipy.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
