"""Language-server latency on a generated 5,000-line HyperCode file, client ⇄ server over stdio.

    .venv/bin/python bench/lsp_latency.py [--lines 5000] [--rounds 12] [--large-mb 5] [--large-rounds 3]

Edits are the ones people make while typing, each sent as one incremental change and timed
until the server publishes diagnostics for that version:

- introduce a mistake inside a function (`print(label` → `print(lable`: HC1001 appears) and fix it;
- change a function's result type (`return total` → `return "done"`) and change it back;
- add a top-level name (a new line `extra_3 = 3` between functions) and remove it;
- Enter inside a function (every later line moves).

Also: open → first diagnostics, hover and completion after an edit, the server's memory, and
(with --large-mb) open → diagnostics and peak memory for a file of that many megabytes, each
round in a fresh server, beside python3's own `ast.parse` and `compile` of the same text (this
shared machine's speed drifts by a third from run to run and more between days: the table gives
the median and the range, and the ratio to the peer, which carries over).
Prints a markdown table per edit kind and writes it to bench/LSP_RESULTS.md. Not a test:
numbers vary by machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
EDIT_TARGET = "p50 ≤ 50 ms, p95 ≤ 150 ms"
EDIT_KINDS = ["introduce a mistake", "fix the mistake", "change a result type", "change it back",
              "add a top-level name", "remove a top-level name", "Enter (lines move)"]
TARGETS = {"open → first diagnostics": "≤ 500 ms", **{kind: EDIT_TARGET for kind in EDIT_KINDS},
           "all edits": EDIT_TARGET, "hover": "p95 ≤ 50 ms", "completion": "p95 ≤ 50 ms"}
#: Large files: open → diagnostics and the server's peak memory, per MB of code.
LARGE_TARGET = {"time": "≤ 2 s per MB", "memory": "≤ 100 MB per MB"}


def generate(n_lines: int) -> str:
    out = ["import math", ""]
    i = 0
    while len(out) < n_lines:
        i += 1
        out += [f"# Add things up for step {i}.",
                f"def step_{i}(count, factor=2):",
                "    total = 0",
                '    words = "a b c".split()',
                "    for k in range(count):",
                "        if k % 3 == 0:",
                "            total += k * factor",
                "        else:",
                "            total -= math.sqrt(k)",
                '    label = f"step {count}"',
                "    print(label, len(words))",
                "    return total",
                "",
                f"value_{i} = step_{i}({i % 7}, factor=3)",
                ""]
    return "\n".join(out[:n_lines]) + "\n"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


class Bench:
    def __init__(self):
        self.client = LanguageClient("lsp-latency", "1")
        self.published: dict[int, float] = {}
        self.waiters: dict[int, asyncio.Future] = {}

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(ls, params: t.PublishDiagnosticsParams):
            version = params.version if params.version is not None else -1
            self.published[version] = time.perf_counter()
            waiter = self.waiters.pop(version, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(len(params.diagnostics))

        for method in (t.WINDOW_LOG_MESSAGE, t.WINDOW_SHOW_MESSAGE):
            self.client.feature(method)(lambda ls, params: None)

        @self.client.feature(t.WORKSPACE_CONFIGURATION)
        def configuration(ls, params):
            return [{"diagnostics": {"style": "friendly", "maxPerFile": 100}} for _ in params.items]

    async def wait_version(self, version: int, timeout: float = 30) -> None:
        if version in self.published:
            return
        future = asyncio.get_running_loop().create_future()
        self.waiters[version] = future
        await asyncio.wait_for(future, timeout)


def cpu_seconds(pid: int) -> float:
    """CPU time the process's threads have run so far (nanosecond counters in /proc, Linux).
    On a shared machine wall time includes waiting for a core; this does not."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as handle:
                total += int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return total / 1e9


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB (Linux)."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return float("nan"), float("nan")


async def main(n_lines: int, rounds: int, large_mb: float, large_rounds: int) -> str:
    table = await run_server(lambda bench: measure(bench, n_lines, rounds))
    if large_mb:
        opens = [await run_server(lambda bench: measure_large(bench, large_mb)) for _ in range(large_rounds)]
        table += "\n" + large_table(opens)
    return table


async def run_server(work) -> str:
    bench = Bench()
    await bench.client.start_io(sys.executable, "-m", "lsp_server", cwd=str(HERE.parent))
    try:
        return await work(bench)
    finally:
        if bench.client._server is not None and bench.client._server.returncode is None:
            bench.client._server.kill()      # never leave a server behind, even after a failure


async def start_session(bench: Bench, folder: Path) -> None:
    await bench.client.initialize_async(t.InitializeParams(
        root_uri=folder.as_uri(), workspace_folders=[t.WorkspaceFolder(uri=folder.as_uri(), name="bench")],
        capabilities=t.ClientCapabilities(general=t.GeneralClientCapabilities(
            position_encodings=[t.PositionEncodingKind.Utf16]))))
    bench.client.initialized(t.InitializedParams())


def find(lines: list[str], prefix: str, after: int) -> int:
    line = after
    while not lines[line].startswith(prefix):
        line += 1
    return line


def round_of_edits(lines: list[str], base: int, i: int):
    """The edits of round `i`, near line `base`: (kind, line, col, end line, end col, new text),
    0-based, in the order they are made. `lines` is the text as the edits before left it: apply
    each edit (`apply_edit`) before asking for the next. tests/lsp/test_bench_edits.py runs these
    same edits and checks that each one took the incremental path."""
    # a mistake inside a function, then its fix
    line = find(lines, "    print(label", base)
    yield "introduce a mistake", line, 10, line, 15, "lable"
    yield "fix the mistake", line, 10, line, 15, "label"
    # a function's result type (callers' inferred types change with it)
    line = find(lines, "    return total", base)
    yield "change a result type", line, 11, line, 16, '"done"'
    yield "change it back", line, 11, line, 17, "total"
    # a new top-level name between two functions, then remove it
    line = find(lines, "value_", base) + 1
    yield "add a top-level name", line, 0, line, 0, f"extra_{i} = {i}\n"
    yield "remove a top-level name", line, 0, line + 1, 0, ""
    # Enter inside a function: every later line moves down
    line = find(lines, "    total = 0", base)
    yield "Enter (lines move)", line, 0, line, 0, "\n"


def round_base(n_lines: int, i: int) -> int:
    return n_lines // 5 + (i * 997) % (n_lines * 3 // 5)


def apply_edit(lines: list[str], line: int, start: int, end_line: int, end: int, text: str) -> None:
    """Replace the range (0-based, as LSP sends it) in `lines`, in place."""
    before = lines[line][:start]
    after = lines[end_line][end:]
    lines[line:end_line + 1] = (before + text + after).split("\n")


class Editor:
    """The client's copy of the text, and one timed incremental change at a time."""

    def __init__(self, bench: Bench, uri: str, text: str):
        self.bench, self.uri, self.lines, self.version = bench, uri, text.split("\n"), 1
        self.cpu: dict[str, list[float]] = {}
        self.kind = ""

    def find(self, prefix: str, after: int) -> int:
        return find(self.lines, prefix, after)

    async def change(self, line: int, start: int, end_line: int, end: int, text: str) -> float:
        apply_edit(self.lines, line, start, end_line, end, text)
        self.version += 1
        change = t.TextDocumentContentChangePartial(
            range=t.Range(start=t.Position(line=line, character=start), end=t.Position(line=end_line, character=end)),
            text=text)
        pid = self.bench.client._server.pid
        cpu_before = cpu_seconds(pid)
        sent = time.perf_counter()
        self.bench.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[change]))
        await self.bench.wait_version(self.version)
        self.cpu.setdefault(self.kind, []).append(cpu_seconds(pid) - cpu_before)
        return self.bench.published[self.version] - sent

    async def timed(self, kind: str, results: dict, *change) -> None:
        self.kind = kind
        results[kind].append(await self.change(*change))


async def measure(bench: Bench, n_lines: int, rounds: int) -> str:
    client = bench.client
    folder = Path(tempfile.mkdtemp(prefix="hc-bench-"))
    await start_session(bench, folder)
    uri = (folder / "big.hc").as_uri()
    text = generate(n_lines)
    results: dict[str, list[float]] = {name: [] for name in [*EDIT_KINDS, "hover", "completion"]}

    started = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id="hypercode", version=1, text=text)))
    await bench.wait_version(1, timeout=120)
    results["open → first diagnostics"] = [bench.published[1] - started]

    editor = Editor(bench, uri, text)
    doc = t.TextDocumentIdentifier(uri=uri)
    for i in range(rounds):
        for kind, *edit in round_of_edits(editor.lines, round_base(n_lines, i), i):
            await editor.timed(kind, results, *edit)
            line = edit[0]

        target = editor.find("            total += k", line)
        sent = time.perf_counter()
        await client.text_document_hover_async(t.HoverParams(text_document=doc, position=t.Position(
            line=target, character=14)))
        results["hover"].append(time.perf_counter() - sent)
        sent = time.perf_counter()
        await client.text_document_completion_async(t.CompletionParams(text_document=doc, position=t.Position(
            line=target, character=14)))
        results["completion"].append(time.perf_counter() - sent)

    current, peak = rss_mb(client._server.pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    results["all edits"] = [v for kind in EDIT_KINDS for v in results[kind]]
    editor.cpu["all edits"] = [v for kind in EDIT_KINDS for v in editor.cpu[kind]]
    rows = ["| request | n | p50 (ms) | p95 (ms) | max (ms) | server CPU p50 / p95 (ms) | target |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for name in ("open → first diagnostics", *EDIT_KINDS, "all edits", "hover", "completion"):
        values = [v * 1000 for v in results[name]]
        label = f"edit: {name}" if name in EDIT_KINDS else f"**{name}**" if name == "all edits" else name
        cpu = [v * 1000 for v in editor.cpu.get(name, [])]
        cpu_text = f"{statistics.median(cpu):.1f} / {percentile(cpu, 95):.1f}" if cpu else ""
        rows.append(f"| {label} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} "
                    f"| {max(values):.1f} | {cpu_text} | {TARGETS[name]} |")
    rows.append(f"| server memory (RSS) | | now {current:.0f} MB | peak {peak:.0f} MB | | | ≤ 150 MB |")
    header = (f"{n_lines:,}-line generated file, {rounds} rounds of {len(EDIT_KINDS)} edits, stdio, "
              f"Python {platform.python_version()} on {platform.machine()} ({os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f} at the end).")
    return header + "\n\n" + "\n".join(rows) + "\n"


async def measure_large(bench: Bench, megabytes: float) -> dict:
    """Open a file of `megabytes` MB of valid code: time to its (correct) diagnostics, and memory."""
    client = bench.client
    folder = Path(tempfile.mkdtemp(prefix="hc-bench-large-"))
    await start_session(bench, folder)
    uri = (folder / "large.hc").as_uri()
    lines = 5000
    text = generate(lines)
    while len(text) < megabytes * 1_000_000:
        lines = int(lines * megabytes * 1_000_000 / len(text)) + 15
        lines += -(lines - 2) % 15        # whole steps only: valid code, for python3 too
        text = generate(lines)
    count = {}
    await asyncio.sleep(2)                  # the server's start-up warm-up is not the file's cost
    base, _ = rss_mb(client._server.pid)
    cpu_before = cpu_seconds(client._server.pid)
    started = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id="hypercode", version=1, text=text)))
    future = asyncio.get_running_loop().create_future()
    bench.waiters[1] = future
    count["diagnostics"] = await asyncio.wait_for(future, 1800)
    elapsed = bench.published[1] - started
    cpu = cpu_seconds(client._server.pid) - cpu_before
    current, peak = rss_mb(client._server.pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"size": len(text.encode()) / 1_000_000, "lines": lines, "wall": elapsed, "cpu": cpu,
            "diagnostics": count["diagnostics"], "grown": peak - base, "base": base, "load": os.getloadavg()[0],
            **python_peer(text, folder)}


#: The peer, in a fresh process of the same interpreter: CPU seconds for CPython's own parser
#: (`ast.parse`, a tree of Python objects like our IR) and compiler (`compile`, parse and bytecode,
#: no Python tree) on the same text, which is valid Python too. Start-up and reading the file are
#: outside the timing, as the server's are, and the cyclic collector is paused, as the server
#: pauses it for its builds.
_PEER = """
import ast, gc, sys, time
source = open(sys.argv[1], encoding="utf-8").read()
gc.disable()
started = time.process_time(); ast.parse(source); parsed = time.process_time() - started
started = time.process_time(); compile(source, sys.argv[1], "exec"); compiled = time.process_time() - started
print(parsed, compiled)
"""


def python_peer(text: str, folder: Path) -> dict:
    path = folder / "large.py"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", "-c", _PEER, str(path)], capture_output=True, text=True,
                          check=True, timeout=600)
    parsed, compiled = (float(word) for word in done.stdout.split())
    return {"python_ast": parsed, "python_compile": compiled}


def large_table(opens: list[dict]) -> str:
    """Median (and range) over rounds of `measure_large`, per MB."""
    first = opens[0]
    size = first["size"]

    def median_range(values, digits, unit):
        values = sorted(values)
        spread = f" ({values[0]:.{digits}f}–{values[-1]:.{digits}f})" if len(values) > 1 else ""
        return f"{statistics.median(values):.{digits}f}{unit}{spread}"

    def per_mb(key, digits=2, unit=" s"):
        return median_range([o[key] / o["size"] for o in opens], digits, unit)

    def times_peer(key):
        return median_range([o["cpu"] / o[key] for o in opens], 1, "×")

    loads = ", ".join(f"{o['load']:.1f}" for o in opens)
    return (f"Large file: {size:.1f} MB ({first['lines']:,} lines) of valid code, nothing cut off; "
            f"{len(opens)} opens, each in a fresh server (load average {loads} at their ends).\n\n"
            "| measure | per MB: median (range) | target |\n| --- | --- | --- |\n"
            f"| open → diagnostics (wall) | {per_mb('wall')} | |\n"
            f"| open → diagnostics (server CPU) | {per_mb('cpu')} | {LARGE_TARGET['time']} |\n"
            f"| server peak memory (RSS) above its {first['base']:.0f} MB before the open "
            f"| {per_mb('grown', 0, ' MB')} | {LARGE_TARGET['memory']} |\n"
            f"| diagnostics published | {', '.join(str(o['diagnostics']) for o in opens)} "
            "| 0 |\n"
            f"| peer: python3 `ast.parse` of the same text (CPU) | {per_mb('python_ast')} | |\n"
            f"| peer: python3 `compile` of the same text (CPU) | {per_mb('python_compile')} | |\n"
            f"| open → diagnostics ÷ `ast.parse`, same round | {times_peer('python_ast')} | |\n"
            f"| open → diagnostics ÷ `compile`, same round | {times_peer('python_compile')} | |\n"
            "\nThe peers parse (and compile) in C; the server parses, resolves every name and checks in "
            "Python. Their ratio holds when this shared machine's speed drifts; the seconds do not.\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=12, help=f"each round makes {len(EDIT_KINDS)} edits")
    parser.add_argument("--large-mb", type=float, default=0, help="also open a file of this many MB")
    parser.add_argument("--large-rounds", type=int, default=3, help="opens of the large file (each in a fresh server)")
    parser.add_argument("--no-write", action="store_true", help="print only; don't update LSP_RESULTS.md")
    args = parser.parse_args()
    table = asyncio.run(main(args.lines, args.rounds, args.large_mb, args.large_rounds))
    print(table)
    if not args.no_write:
        (HERE / "LSP_RESULTS.md").write_text("# Language server latency\n\n"
                                             "Measured with `.venv/bin/python bench/lsp_latency.py`.\n\n" + table,
                                             encoding="utf-8")
