"""Benchmark: the same no-op load through our Redis engine, our embedded engine and Dramatiq's
RedisBroker, in one run; then editor request → first progress event, and the built-in `explain`
of a function in a 500-line file, end to end through `Bridge.embedded()`.

Usage: python bench/swarm.py [--tasks N] [--threads N] [--no-write]

- throughput: N no-op tasks submitted one by one by one producer while `--threads` worker threads
  in this process (for all three) consume them; tasks/s = N / (first submit → last finish).
  The producer is arranged as each system is used. For the Redis engine and Dramatiq it is a
  separate process, as an editor or `hcvm ask` is a separate process from the agents it sends
  work to (until 2026-12-02 01:30 UTC it was a thread beside the workers, sharing their
  interpreter lock; that row is kept as "producer in the workers' process"). The embedded engine
  runs inside the editor's process, agents and all (`Bridge.embedded()`), so its producer is a
  thread beside the workers: the row shows what an editor gets.
- submit_many: the same, the producer handing the engine 100 tasks per call (an extra row for
  batch clients; not a substitute for the one-by-one row).
- drain: N tasks queued first, then the workers started: tasks/s = N / (start → last finish).
- enqueue→start: a separate paced run (one task every 2 ms, so the queue stays short), producer
  arranged as above: the time from submit to the handler starting, p50/p99.
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


REDIS_PIDS: list[int] = []          # the redis-server of this run, whose CPU time counts too


def process_cpu(pid: int) -> float:
    """User + system CPU seconds another process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time of this process, its producer process and the redis-server, over one run: a
    figure that other work on the machine disturbs far less than wall time."""

    def __init__(self, producer: "Producer | None" = None):
        self.producer = producer
        self.here, self.server = time.process_time(), sum(process_cpu(pid) for pid in REDIS_PIDS)

    def per_task_us(self, count: int) -> float:
        used = time.process_time() - self.here + sum(process_cpu(pid) for pid in REDIS_PIDS) - self.server
        if self.producer is not None:
            used += self.producer.last_cpu
        return used / count * 1e6


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
    REDIS_PIDS[:] = [proc.pid]
    return proc, f"redis://127.0.0.1:{port}/0"


class Producer:
    """Submits tasks from another process (`python bench/swarm.py --produce …`): it starts,
    connects and says "ready"; then each request line ("count pace batch") is answered, once the
    tasks are sent, with when the first submit began and the CPU time the sending took."""

    def __init__(self, system: str, target: str):
        self.proc = subprocess.Popen([sys.executable, __file__, "--produce", system, "--target", target],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the {system} producer did not start")
        self.last_cpu = 0.0

    def run(self, count: int, pace: float = 0.0, batch: int = 1) -> float:
        """Submit `count` tasks (one every `pace` s, `batch` per call); → when the first submit began."""
        self.proc.stdin.write(f"{count} {pace} {batch}\n")
        reply = self.proc.stdout.readline().split()
        if not reply or reply[0] != "sent":
            raise RuntimeError(f"the producer failed: {reply}")
        self.last_cpu = float(reply[2])
        return float(reply[1])

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def produce(system: str, target: str) -> int:
    """The producer process: submit what the parent asks, one task per call unless told a batch."""
    if system == "dramatiq":
        send = _dramatiq_sender(target)
        send_many = None
    else:
        engine = RedisEngine(target, prefix="bench:") if system == "redis" else EmbeddedEngine(target)
        delivery = Delivery(engine, DeliveryPolicy())
        send = lambda i: delivery.submit("noop", {"n": i})                         # noqa: E731
        send_many = lambda first, n: delivery.submit_many(                          # noqa: E731
            [("noop", {"n": first + k}) for k in range(n)])
    print("ready", flush=True)
    for line in sys.stdin:
        count, pace, batch = line.split()
        count, pace, batch = int(count), float(pace), int(batch)
        first, cpu = time.time(), time.process_time()
        if batch > 1 and send_many is not None:
            for i in range(0, count, batch):
                send_many(i, min(batch, count - i))
        else:
            for i in range(count):
                send(i)
                if pace:
                    time.sleep(pace)
        print("sent", repr(first), repr(time.process_time() - cpu), flush=True)
    return 0


def _settled(engine, target: int, deadline: float) -> None:
    while engine.counts()["done"] < target and time.time() < deadline:
        time.sleep(0.005)


def our_engine(make_engine, tasks: int, threads: int, producer_target: str | None,
               in_process_row: bool = False) -> dict:
    """`producer_target`: the engine address for a producer process; None: a producer thread here."""
    engine = make_engine()
    swarm = Swarm(engine, DeliveryPolicy())
    recorder = Recorder()
    worker = Worker(LocalSource(swarm), recorder, concurrency=threads, name="bench").start()
    producer = Producer(engine.name, producer_target) if producer_target else None

    def submit(count: int, pace: float = 0.0, batch: int = 1) -> float:
        if producer is not None:
            return producer.run(count, pace, batch)
        first = time.time()
        if batch > 1:
            for i in range(0, count, batch):
                swarm.delivery.submit_many([("noop", {"n": i + k}) for k in range(min(batch, count - i))])
        for i in range(count if batch == 1 else 0):
            swarm.delivery.submit("noop", {"n": i})
            if pace:
                time.sleep(pace)
        return first

    def timed(count: int, batch: int = 1, here: bool = False) -> tuple[float, float]:
        """→ (tasks/s from the first submit to the last settle, CPU µs per task in all processes)."""
        recorder.starts.clear()
        recorder.done.clear()
        recorder.expected = count
        target = engine.counts()["done"] + count
        meter = CpuMeter(None if here else producer)
        if here:                                    # a producer thread beside the workers
            first = time.time()
            for i in range(count):
                swarm.delivery.submit("noop", {"n": i})
        else:
            first = submit(count, batch=batch)
        recorder.done.wait(300)
        _settled(engine, target, time.time() + 300)
        return count / (time.time() - first), meter.per_task_us(count)

    row = {}
    try:
        row["tasks_s"], row["cpu_us"] = timed(tasks)
        row["batch_s"], _ = timed(tasks, batch=100)
        if in_process_row:
            row["here_s"], _ = timed(tasks, here=True)
        # paced latency
        paced = min(1000, tasks)
        recorder.starts.clear()
        recorder.done.clear()
        recorder.expected = paced
        submit(paced, pace=0.002)
        recorder.done.wait(60)
        latencies = [v * 1000 for v in recorder.starts.values()]
        # backlog drain: the queue is filled first, then the same workers start on it
        worker.stop()
        finished = engine.counts()["done"]
        submit(tasks, batch=100)
        recorder.starts.clear()
        recorder.done.clear()
        recorder.expected = tasks
        started = time.time()
        worker = Worker(LocalSource(swarm), recorder, concurrency=threads, name="bench-drain").start()
        _settled(engine, finished + tasks, started + 300)
        row["drain_s"] = tasks / (time.time() - started)
    finally:
        worker.stop()
        if producer is not None:
            producer.close()
        engine.close()
    row.update(p50=percentile(latencies, 50), p99=percentile(latencies, 99))
    return row


def _dramatiq_broker(url: str):
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker
    broker = RedisBroker(url=url, namespace="bench-dramatiq")
    dramatiq.set_broker(broker)
    return dramatiq, broker


def _dramatiq_sender(url: str):
    dramatiq, broker = _dramatiq_broker(url)

    @dramatiq.actor(broker=broker, max_retries=0, actor_name="noop")
    def noop(sent_at):
        pass

    return lambda i: noop.send(time.time())


def dramatiq_peer(url: str, tasks: int, threads: int, in_process_row: bool = False) -> dict:
    dramatiq, broker = _dramatiq_broker(url)
    starts, lock, done = [], threading.Lock(), threading.Event()
    expected = [tasks]

    @dramatiq.actor(broker=broker, max_retries=0, actor_name="noop")
    def noop(sent_at):
        with lock:
            starts.append(time.time() - sent_at)
            if len(starts) >= expected[0]:
                done.set()

    def timed(count: int, here: bool = False) -> tuple[float, float]:
        starts.clear()
        done.clear()
        expected[0] = count
        meter = CpuMeter(None if here else producer)
        if here:
            first = time.time()
            for _ in range(count):
                noop.send(time.time())
        else:
            first = producer.run(count)
        done.wait(600)
        return count / (time.time() - first), meter.per_task_us(count)

    producer = Producer("dramatiq", url)
    worker = dramatiq.Worker(broker, worker_threads=threads)
    worker.start()
    row = {}
    try:
        row["tasks_s"], row["cpu_us"] = timed(tasks)
        if in_process_row:
            row["here_s"], _ = timed(tasks, here=True)
        paced = min(1000, tasks)
        starts.clear()
        done.clear()
        expected[0] = paced
        producer.run(paced, pace=0.002)
        done.wait(120)
        latencies = [v * 1000 for v in starts]
        worker.stop()
        producer.run(tasks)                 # backlog drain
        starts.clear()
        done.clear()
        expected[0] = tasks
        started = time.time()
        worker = dramatiq.Worker(broker, worker_threads=threads)
        worker.start()
        done.wait(600)
        row["drain_s"] = tasks / (time.time() - started)
    finally:
        worker.stop()
        producer.close()
        broker.close()
    row.update(p50=percentile(latencies, 50), p99=percentile(latencies, 99))
    return row


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
    parser.add_argument("--produce", choices=("redis", "embedded", "dramatiq"), help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.produce:                       # this is the producer process of a run
        return produce(args.produce, args.target)
    load_before = os.getloadavg()[0]
    redis_proc, url = start_redis()
    rows = {}
    folder = tempfile.mkdtemp()
    try:
        print("Redis engine…", flush=True)
        rows["our Redis engine (Streams)"] = our_engine(lambda: RedisEngine(url, prefix="bench:"), args.tasks,
                                                        args.threads, url, in_process_row=True)
        print("embedded engine…", flush=True)
        rows["our embedded engine (SQLite WAL)"] = our_engine(
            lambda: EmbeddedEngine(Path(folder) / "bench.sqlite3"), args.tasks, args.threads, None)
        print("Dramatiq…", flush=True)
        rows["Dramatiq 2.2 RedisBroker"] = dramatiq_peer(url, args.tasks, args.threads, in_process_row=True)
    finally:
        os.kill(redis_proc.pid, signal.SIGKILL)
        redis_proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
    print("editor request → first progress…", flush=True)
    progress = first_progress()
    print("explain in a 500-line file…", flush=True)
    explain = explain_500()

    table = ["| engine | producer | tasks/s no-op, end to end, one by one | CPU per task, all processes "
             "| submit_many, 100 per call | draining a backlog | enqueue→start p50 | p99 |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    producers = {"our embedded engine (SQLite WAL)": "a thread beside the workers (as in an editor)"}
    for name, row in rows.items():
        batch = f"{row['batch_s']:,.0f}" if "batch_s" in row else "—"
        table.append(f"| {name} | {producers.get(name, 'another process')} | {row['tasks_s']:,.0f} | "
                     f"{row['cpu_us']:.0f} µs | {batch} | {row['drain_s']:,.0f} | {row['p50']:.2f} ms | "
                     f"{row['p99']:.2f} ms |")
        if "here_s" in row:
            table.append(f"| {name} | a thread beside the workers (before 2026-12-02) | {row['here_s']:,.0f} "
                         f"| — | — | — | — | — |")
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
        "", "Same no-op load, same worker-thread count (the workers in one process), a real redis-server on "
        "loopback. The producer submits one task per call unless the column says otherwise; for the Redis engine "
        "and Dramatiq it is a separate process, as editors are; the embedded engine runs in the editor's process, "
        "so its producer is a thread beside its agents.",
        "Targets (AGENTS.md §5): Redis ≥ 2,000 tasks/s, p50 ≤ 1 ms, p99 ≤ 5 ms; embedded ≥ 2,000 tasks/s, "
        "p50 ≤ 2 ms.", "", *table, "", "| request path | measured | target |", "| --- | --- | --- |", *extra, "",
        "Throughput is end to end: submit → claim → handler → completion and its events (queued, leased, done);"
        " each engine writes a task's events in the same step as the change they report, so a task is at most"
        " three engine round trips (submit, claim, settle) and two when its agent gets it with the previous"
        " answer (the embedded engine: one commit to submit, one to settle and claim the next). A producer"
        " thread beside the workers shares their interpreter lock, which is what bound the old one-process"
        " rows; draining a backlog (the queue filled first, then the workers started) shows what the consumers"
        " alone sustain."
        " CPU per task adds up this process, the producer process and redis-server over the one-by-one run;"
        " with 2 cores there are 2 CPU-seconds a second, so it bounds tasks/s (2 s ÷ CPU per task) however"
        " the run is disturbed by other work, while wall-time rates fall when other work shares the cores."
        " enqueue→start is measured in a separate paced run (one task every 2 ms), so it shows the engine's own"
        " delay rather than a backlog.", ""])
    print()
    print(text)
    if not args.no_write:
        (ROOT / "bench" / "SWARM_RESULTS.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
