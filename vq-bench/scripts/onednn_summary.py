#!/usr/bin/python3
"""Compares two programs' oneDNN primitive executions, from their verbose logs.

    ONEDNN_VERBOSE=1 bin/vqlc bench train ... > ours.log
    DNNL_VERBOSE=1 /usr/bin/python3 vq-bench/scripts/pytorch/vqgan_step.py ... > pytorch.log
    /usr/bin/python3 vq-bench/scripts/onednn_summary.py ours.log pytorch.log [--steps S] [--top N]

Reads the `onednn_verbose,...,exec,...` lines of both logs (oneDNN 2.x and 3.x layouts) and prints,
per primitive kind and propagation kind, the calls and the milliseconds spent in each program, then
the N heaviest (kind, implementation, propagation, problem) rows. With --steps S (the steps each
log covers), the totals are also given per step. The time of a primitive includes what oneDNN does
inside it, not the framework around it: the difference between a step's wall time and the total
here is everything else (element-wise ops, normalization, the optimizer, the host).
"""
import argparse
import sys
from collections import defaultdict


def executions(path):
    """(kind, implementation, propagation, problem, ms) per exec line of a verbose log."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith("onednn_verbose,") and not line.startswith("dnnl_verbose,"):
                continue
            fields = line.rstrip("\n").split(",")
            if "exec" not in fields:
                continue
            i = fields.index("exec")
            try:
                ms = float(fields[-1])
            except ValueError:
                continue
            kind, impl, prop = fields[i + 2], fields[i + 3], fields[i + 4]
            out.append((kind, impl, prop, fields[-2], ms))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("ours")
    p.add_argument("theirs")
    p.add_argument("--steps", type=int, default=0, help="steps each log covers (for per-step figures)")
    p.add_argument("--top", type=int, default=15)
    a = p.parse_args()
    logs = [executions(a.ours), executions(a.theirs)]
    if not logs[0] or not logs[1]:
        sys.exit("onednn_summary.py: no oneDNN exec lines in "
                 + " and ".join(n for n, l in zip((a.ours, a.theirs), logs) if not l)
                 + " (was ONEDNN_VERBOSE=1 / DNNL_VERBOSE=1 set?)")
    per = lambda ms: f" ({ms / a.steps:.1f}/step)" if a.steps else ""
    by_kind = defaultdict(lambda: [[0, 0.0], [0, 0.0]])
    by_row = defaultdict(lambda: [[0, 0.0], [0, 0.0]])
    for side, log in enumerate(logs):
        for kind, impl, prop, problem, ms in log:
            for table, key in ((by_kind, (kind, prop)), (by_row, (kind, impl, prop, problem))):
                table[key][side][0] += 1
                table[key][side][1] += ms
    print("kind / propagation: ours calls, ms | theirs calls, ms")
    totals = [0.0, 0.0]
    for key, (o, t) in sorted(by_kind.items(), key=lambda kv: -(kv[1][0][1] + kv[1][1][1])):
        print(f"{key[0]} {key[1]}: {o[0]}, {o[1]:.1f}{per(o[1])} | {t[0]}, {t[1]:.1f}{per(t[1])}")
        totals[0] += o[1]
        totals[1] += t[1]
    print(f"total: {totals[0]:.1f}{per(totals[0])} | {totals[1]:.1f}{per(totals[1])}")
    print(f"\nheaviest {a.top} (kind, implementation, propagation, problem): ours calls, ms | theirs calls, ms")
    rows = sorted(by_row.items(), key=lambda kv: -(kv[1][0][1] + kv[1][1][1]))
    for (kind, impl, prop, problem), (o, t) in rows[: a.top]:
        print(f"{kind} {impl} {prop} {problem}: {o[0]}, {o[1]:.1f} | {t[0]}, {t[1]:.1f}")


if __name__ == "__main__":
    main()
