#!/usr/bin/python3
"""Summarizes an operator profile by self time per operator, heaviest first.

    /usr/bin/python3 vq-bench/scripts/profile_ops.py TRACE.json [--top N] [--steps S]

TRACE.json is the Chrome trace `vqlc bench train --profile TRACE.json` writes (libtorch's
profiler). Self time of an event = its duration minus that of the events nested directly in it on
the same thread. With --steps S (the timed steps profiled), times are also given per step.
Prints: operator, calls, self ms total (and per step), share of all self time.
"""
import argparse
import json
import sys
from collections import defaultdict


def self_times(events):
    """(name, self_us) per complete event, nesting by start/end on each thread."""
    by_thread = defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    out = []
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, name, self]
        for e in evs:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= ts:
                end, name, own = stack.pop()
                out.append((name, own))
            if stack:
                stack[-1][2] -= dur
            stack.append([ts + dur, e["name"], dur])
        while stack:
            end, name, own = stack.pop()
            out.append((name, own))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--steps", type=int, default=0)
    a = ap.parse_args()
    with open(a.trace) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    totals = defaultdict(float)
    calls = defaultdict(int)
    for name, own in self_times(events):
        totals[name] += own
        calls[name] += 1
    all_us = sum(totals.values())
    if all_us == 0:
        sys.exit("profile_ops.py: no complete events in " + a.trace)
    per = " ms/step" if a.steps else ""
    print("%-40s %8s %10s %10s %7s" % ("operator", "calls", "self ms", per.strip() or "", "share"))
    for name, us in sorted(totals.items(), key=lambda kv: -kv[1])[: a.top]:
        step = "%10.2f" % (us / 1000 / a.steps) if a.steps else " " * 10
        print("%-40s %8d %10.1f %s %6.1f%%" % (name[:40], calls[name], us / 1000, step, 100 * us / all_us))
    total_calls = sum(calls.values())
    print("all operators: %d calls, %.1f ms self time%s" % (total_calls, all_us / 1000,
          (", %.1f ms and %d calls per step" % (all_us / 1000 / a.steps, total_calls // a.steps)) if a.steps else ""))


if __name__ == "__main__":
    main()
