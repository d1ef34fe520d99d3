"""Crew start-up: how long until a new agent is serving, cold (a new process imports and warms
up everything) against warm (a pooled process, already started, is given its role).

    python bench/crew.py [--runs 7] [--write]

Both are measured the same way, from the moment the crew asks for an agent to the member's
`serving` line (registered in the embedded engine, claiming work). Target (AGENTS.md §6): warm
≤ 200 ms to serving.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("CREW_RESULTS.md")


def member(db: str, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "agent_bridge.crew.member", "--db", db, "--name", "bench", *extra]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def until(process: subprocess.Popen, state: str) -> None:
    for line in process.stdout:
        if json.loads(line).get("state") == state:
            return
    raise RuntimeError(f"the member ended before '{state}'")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def cold(db: str) -> float:
    started = time.perf_counter()
    process = member(db, "--role", "explainer")
    until(process, "serving")
    took = time.perf_counter() - started
    stop(process)
    return took


def warm(db: str) -> float:
    process = member(db, "--pool")
    until(process, "warm")
    started = time.perf_counter()
    process.stdin.write(json.dumps({"role": "explainer"}) + "\n")
    process.stdin.flush()
    until(process, "serving")
    took = time.perf_counter() - started
    stop(process)
    return took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("HYPERCODE_DATA", folder)
        os.environ.setdefault("HYPERCODE_CONFIG", folder)
        db = str(Path(folder) / "bench.sqlite3")
        cold_runs, warm_runs = [], []
        for _ in range(args.runs):           # interleaved, so both see the same machine
            cold_runs.append(cold(db))
            warm_runs.append(warm(db))
    load = os.getloadavg()[0]
    c, w = statistics.median(cold_runs) * 1000, statistics.median(warm_runs) * 1000
    table = ("| start | median to serving | best | runs |\n| --- | --- | --- | --- |\n"
             f"| cold (new process) | {c:.0f} ms | {min(cold_runs) * 1000:.0f} ms | {args.runs} |\n"
             f"| warm (pooled process) | {w:.0f} ms | {min(warm_runs) * 1000:.0f} ms | {args.runs} |\n\n"
             f"Warm is {c / w:.0f}× faster than cold. Load average during the run: {load:.1f} on {os.cpu_count()} cores.\n")
    print(table)
    if args.write:
        RESULTS.write_text("# Crew start-up (bench/crew.py)\n\n" + table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
