#!/usr/bin/env python3
"""Where a training run's time goes, from libtorch profiler traces (Chrome trace JSON).

Writes one Markdown table: for each op, its self CPU time per iteration (time inside the op minus the ops it
called), for one or more traces side by side, largest first; the rest below a share is summed as "other".

  ./sdclr bench pretrain --method sdclr --iters 30 --epochs 1 --profile djl.json
  /usr/bin/python3 pytorch_reference.py --method sdclr --iters 30 --epochs 1 --data ... --profile pt.json
  infra/bench/profile_table.py --iters 30 djl=djl.json pytorch=pt.json

Both traces come from libtorch's own profiler (DJL's JniUtils.startProfile, torch.autograd.profiler), which
times every ATen op on the calling thread, backward included.
"""
import argparse
import collections
import json
import sys


def self_times(path):
    with open(path) as f:
        text = f.read().rstrip()
    # DJL's writer can leave a trailing comma before the closing bracket.
    if text.endswith(",]"):
        text = text[:-2] + "]"
    events = json.loads(text)
    if isinstance(events, dict):
        events = events.get("traceEvents", [])
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[e.get("tid")].append((float(e["ts"]), float(e["dur"]), e["name"]))
    totals = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda t: (t[0], -t[1]))
        stack = []  # [end, name, self]
        for ts, dur, name in evs:
            while stack and stack[-1][0] <= ts:
                end, n, own = stack.pop()
                totals[n] += own
            if stack:
                stack[-1][2] -= dur
            stack.append([ts + dur, name, dur])
        while stack:
            end, n, own = stack.pop()
            totals[n] += own
    return totals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iters", type=int, required=True, help="iterations the traced runs made (same for all)")
    ap.add_argument("--min-share", type=float, default=0.01, help="ops under this share of every trace: other")
    ap.add_argument("traces", nargs="+", help="LABEL=FILE")
    a = ap.parse_args()
    labels, tables = [], []
    for t in a.traces:
        label, _, path = t.partition("=")
        if not path:
            sys.exit(f"{t}: expected LABEL=FILE")
        labels.append(label)
        tables.append(self_times(path))
    totals = [sum(t.values()) for t in tables]
    names = sorted({n for t in tables for n in t}, key=lambda n: -max(t[n] / tot for t, tot in zip(tables, totals)))
    shown = [n for n in names if any(t[n] / tot >= a.min_share for t, tot in zip(tables, totals))]
    head = "| op (self time) | " + " | ".join(f"{l} ms/iter | {l} share" for l in labels) + " |"
    print(head)
    print("|---|" + "---:|---:|" * len(labels))
    for n in shown:
        cells = " | ".join(f"{t[n] / 1000 / a.iters:.1f} | {100 * t[n] / tot:.1f}%" for t, tot in zip(tables, totals))
        print(f"| `{n}` | {cells} |")
    other = [tot - sum(t[n] for n in shown) for t, tot in zip(tables, totals)]
    print("| other | " + " | ".join(f"{o / 1000 / a.iters:.1f} | {100 * o / tot:.1f}%" for o, tot in zip(other, totals)) + " |")
    print("| **all ops** | " + " | ".join(f"**{tot / 1000 / a.iters:.1f}** | 100%" for tot in totals) + " |")


if __name__ == "__main__":
    main()
