"""Benchmark: how fast a Run starts through the sandboxed runner.

Usage: python bench/runner.py [--runs N]

"Run start" is from the call to `runner.execute` to the first output of `print("hello")`
reaching the parent — what an editor's Run button waits for before text appears. Measured for
the warm fork server (editors, `hypercode/run`) and for the CLI's own fork (`hcvm run`), with
the program already checked (the check is the editor's live diagnostics, done before Run).
Also shown: the whole run until the result is built, and the child's peak memory.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypercode_lang.api import checked_program  # noqa: E402
from hypercode_lang.runner import execute, warm_up  # noqa: E402

TARGET_MS = 10.0


def measure(inline: bool, runs: int) -> dict:
    program, _ = checked_program('print("hello")\n', "<bench>")
    first, whole, peak = [], [], []
    for _ in range(runs + 2):  # two warm-ups
        arrived = []
        started = time.perf_counter()
        result = execute(program, filename="<bench>", inline=inline,
                         on_output=lambda text: arrived.append(time.perf_counter()))
        done = time.perf_counter()
        assert result.exit_code == 0 and result.stdout == "hello\n", result
        first.append((arrived[0] - started) * 1000)
        whole.append((done - started) * 1000)
        peak.append(result.usage["maxrss_kb"] / 1024)
    first, whole = first[2:], whole[2:]
    return {"first": statistics.median(first), "first_p90": sorted(first)[int(0.9 * (len(first) - 1))],
            "whole": statistics.median(whole), "peak_mb": max(peak)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    warm_up()
    rows = []
    for label, inline in (("warm fork server (editors)", False), ("CLI fork (hcvm run)", True)):
        r = measure(inline, args.runs)
        rows.append(f"| {label} | {r['first']:.1f} | {r['first_p90']:.1f} | {r['whole']:.1f} | {r['peak_mb']:.0f} |")
    print(f"Run start, median of {args.runs} (target ≤ {TARGET_MS:g} ms for the fork server)\n")
    print("| path | first output (ms) | p90 (ms) | whole run (ms) | child peak memory (MB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
