"""Benchmark: the same no-op load through our Redis engine, our embedded engine and Dramatiq's
RedisBroker, in one run; then editor request → first progress event, and the built-in `explain`
of a function in a 500-line file, end to end through `Bridge.embedded()`.

Usage: python bench/swarm.py [--tasks N] [--threads N] [--no-write]

- throughput: N no-op tasks submitted by one producer thread while `--threads` worker threads
  (in this process, for all three) consume them; tasks/s = N / (first submit → last finish).
- drain: N tasks queued first, then the workers started: tasks/s = N / (start → last finish).
- enqueue→start: a separate paced run (one task every 2 ms, so the queue stays short): the time
  from submit to the handler starting, p50/p99.
A real redis-server is started on a random loopback port (no persistence) and killed after.
Results are printed and written to bench/SWARM_RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent_bridge.delivery import Delivery, DeliveryPolicy   # noqa: E402
from agent_bridge.engines.redis import RedisEngine           # noqa: E402
from agent_bridge.engines.sqlite import EmbeddedEngine       # noqa: E402
from agent_bridge.swarm import Swarm                         # noqa: E402
from agent_bridge.worker import LocalSource, Worker          # noqa: E402


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


class Recorder:
    """A no-op specialist that notes when each task started, relative to its submit time."""
    role = "explainer"
    kinds = frozenset({"noop"})

    def __init__(self):
        self.starts, self.lock, self.done = {}, threading.Lock(), threading.Event()
        self.expected = 0

    def handle(self, task, ctx):
        with self.lock:
            self.starts[task["id"]] = time.time() - task["created"]
            if len(self.starts) >= self.expected:
                self.done.set()
        return {}


def start_redis():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    client = redis.Redis(port=port)
    for _ in range(500):
        try:
            client.ping()
            break
        except redis.RedisError:
            time.sleep(0.01)
    return proc, f"redis://127.0.0.1:{port}/0"


def our_engine(make_engine, tasks: int, threads: int) -> dict:
    engine = make_engine()
    swarm = Swarm(engine, DeliveryPolicy())
    recorder = Recorder()
    worker = Worker(LocalSource(swarm), recorder, concurrency=threads, name="bench").start()
    try:
        # throughput
        recorder.expected = tasks
        started = time.time()
        for i in range(tasks):
            swarm.delivery.submit("noop", {"n": i})
        recorder.done.wait(300)
        while engine.counts()["done"] < tasks and time.time() - started < 300:
            time.sleep(0.005)
        elapsed = time.time() - started
        # paced latency
        paced = min(1000, tasks)
        recorder.starts.clear()
        recorder.done.clear()
        recorder.expected = paced
        for i in range(paced):
            swarm.delivery.submit("noop", {"n": i})
            time.sleep(0.002)
        recorder.done.wait(60)
        latencies = [v * 1000 for v in recorder.starts.values()]
        # backlog drain: the queue is filled first, then the same workers start on it
        worker.stop()
        finished = engine.counts()["done"]
        for i in range(tasks):
            swarm.delivery.submit("noop", {"n": i})
        recorder.starts.clear()
        recorder.done.clear()
        recorder.expected = tasks
        started = time.time()
        worker = Worker(LocalSource(swarm), recorder, concurrency=threads, name="bench-drain").start()
        while engine.counts()["done"] < finished + tasks and time.time() - started < 300:
            time.sleep(0.005)
        drain = tasks / (time.time() - started)
    finally:
        worker.stop()
        engine.close()
    return {"tasks_s": tasks / elapsed, "drain_s": drain, "p50": percentile(latencies, 50),
            "p99": percentile(latencies, 99)}


def dramatiq_peer(url: str, tasks: int, threads: int) -> dict:
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker
    broker = RedisBroker(url=url, namespace="bench-dramatiq")
    dramatiq.set_broker(broker)
    starts, lock, done = [], threading.Lock(), threading.Event()
    expected = [tasks]

    @dramatiq.actor(broker=broker, max_retries=0)
    def noop(sent_at):
        with lock:
            starts.append(time.time() - sent_at)
            if len(starts) >= expected[0]:
                done.set()

    worker = dramatiq.Worker(broker, worker_threads=threads)
    worker.start()
    try:
        started = time.time()
        for _ in range(tasks):
            noop.send(time.time())
        done.wait(600)
        elapsed = time.time() - started
        paced = min(1000, tasks)
        starts.clear()
        done.clear()
        expected[0] = paced
        for _ in range(paced):
            noop.send(time.time())
            time.sleep(0.002)
        done.wait(120)
        latencies = [v * 1000 for v in starts]
        worker.stop()
        for _ in range(tasks):                 # backlog drain
            noop.send(time.time())
        starts.clear()
        done.clear()
        expected[0] = tasks
        started = time.time()
        worker = dramatiq.Worker(broker, worker_threads=threads)
        worker.start()
        done.wait(600)
        drain = tasks / (time.time() - started)
    finally:
        worker.stop()
        broker.close()
    return {"tasks_s": tasks / elapsed, "drain_s": drain, "p50": percentile(latencies, 50),
            "p99": percentile(latencies, 99)}


class Progressive:
    role = "explainer"
    kinds = frozenset({"explain"})

    def handle(self, task, ctx):
        ctx.progress("reading the code")
        return {"markdown": "ok"}


def first_progress(rounds: int = 100) -> dict:
    from agent_bridge.client import Bridge
    folder = tempfile.mkdtemp()
    bridge = Bridge.embedded(path=Path(folder) / "swarm.sqlite3", specialists={"explainer": Progressive})
    times = []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            task_id = bridge.submit("explain", {"uri": "file:///a.hc", "text": "x = 1\n"})
            for event in bridge.events(task_id, timeout=10):
                if event["type"] == "progress":
                    times.append((time.perf_counter() - started) * 1000)
                    break
    finally:
        bridge.close()
        shutil.rmtree(folder, ignore_errors=True)
    return {"p50": percentile(times, 50), "p99": percentile(times, 99)}


def five_hundred_lines() -> tuple[str, int]:
    lines, target = [], 0
    for i in range(60):
        if i == 30:
            target = len(lines)
        lines += [f"def step_{i}(n):", f"    total = 0", f"    for k in range(n):",
                  f"        if k % 3 == 0:", f"            total = total + k * {i}", f"    return total", ""]
    while len(lines) < 499:
        lines.append(f"print(step_{len(lines) % 60}({len(lines) % 7}))")
    return "\n".join(lines) + "\n", target


def explain_500(rounds: int = 10) -> dict | None:
    try:
        from agent_bridge.client import Bridge
        from agent_bridge.specialists import SPECIALISTS
    except ImportError:
        return None
    text, line = five_hundred_lines()
    folder = tempfile.mkdtemp()
    bridge = Bridge.embedded(path=Path(folder) / "swarm.sqlite3", specialists={"explainer": SPECIALISTS["explainer"]})
    times, answer = [], ""
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            task_id = bridge.submit("explain", {"uri": "file:///bench/long.hc", "text": text,
                                                "range": {"start": {"line": line, "character": 0},
                                                          "end": {"line": line + 5, "character": 0}}})
            view = bridge.result(task_id, timeout=30)
            times.append((time.perf_counter() - started) * 1000)
            answer = (view.get("result") or {}).get("markdown", "")[:80]
    finally:
        bridge.close()
        shutil.rmtree(folder, ignore_errors=True)
    return {"p50": percentile(times, 50), "max": max(times), "state": view["state"], "answer": answer}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    redis_proc, url = start_redis()
    rows = {}
    folder = tempfile.mkdtemp()
    try:
        print("Redis engine…", flush=True)
        rows["our Redis engine (Streams)"] = our_engine(lambda: RedisEngine(url, prefix="bench:"), args.tasks,
                                                        args.threads)
        print("embedded engine…", flush=True)
        rows["our embedded engine (SQLite WAL)"] = our_engine(
            lambda: EmbeddedEngine(Path(folder) / "bench.sqlite3"), args.tasks, args.threads)
        print("Dramatiq…", flush=True)
        rows["Dramatiq 2.2 RedisBroker"] = dramatiq_peer(url, args.tasks, args.threads)
    finally:
        os.kill(redis_proc.pid, signal.SIGKILL)
        redis_proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
    print("editor request → first progress…", flush=True)
    progress = first_progress()
    print("explain in a 500-line file…", flush=True)
    explain = explain_500()

    table = ["| engine | tasks/s no-op, end to end | tasks/s, draining a backlog | enqueue→start p50 | p99 |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for name, row in rows.items():
        table.append(f"| {name} | {row['tasks_s']:,.0f} | {row['drain_s']:,.0f} | {row['p50']:.2f} ms | "
                     f"{row['p99']:.2f} ms |")
    extra = [f"| editor request → first progress event (embedded) | p50 {progress['p50']:.2f} ms, "
             f"p99 {progress['p99']:.2f} ms | ≤ 50 ms |"]
    if explain:
        extra.append(f"| built-in `explain` of a function in a 500-line file | p50 {explain['p50']:.0f} ms, "
                     f"max {explain['max']:.0f} ms ({explain['state']}) | ≤ 300 ms |")
    else:
        extra.append("| built-in `explain` of a function in a 500-line file | specialists not available | ≤ 300 ms |")
    text = "\n".join([
        "# Swarm benchmark", "",
        f"`python bench/swarm.py --tasks {args.tasks} --threads {args.threads}` on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end: other work shared the "
        f"cores).",
        "", "Same no-op load, same worker-thread count, one process, a real redis-server on loopback.",
        "Targets (AGENTS.md §5): Redis ≥ 2,000 tasks/s, p50 ≤ 1 ms, p99 ≤ 5 ms; embedded ≥ 2,000 tasks/s, "
        "p50 ≤ 2 ms.", "", *table, "", "| request path | measured | target |", "| --- | --- | --- |", *extra, "",
        "Throughput is end to end: submit → claim → handler → completion and its events (queued, leased, done);"
        " each engine writes a task's events in the same step as the change they report, so a task is at most"
        " three engine round trips (submit, claim, settle) and two when its agent gets it with the previous"
        " answer. The end-to-end run is bound by its one producer thread, which shares the interpreter lock"
        " with the workers; draining a backlog (the queue filled first, then the workers started) shows what"
        " the consumers alone sustain."
        " enqueue→start is measured in a separate paced run (one task every 2 ms), so it shows the engine's own"
        " delay rather than a backlog.", ""])
    print()
    print(text)
    if not args.no_write:
        (ROOT / "bench" / "SWARM_RESULTS.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
