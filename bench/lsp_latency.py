"""Language-server latency on a generated 5,000-line HyperCode file, client ⇄ server over stdio.

    .venv/bin/python bench/lsp_latency.py [--lines 5000] [--edits 60]

Measures open → first diagnostics, edit → published diagnostics (typing inside a function,
and Enter, which moves every later line), hover and completion, and the server's memory.
Prints a markdown table and writes it to bench/LSP_RESULTS.md. Not a test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
TARGETS = {"open → first diagnostics": "≤ 500 ms", "edit → diagnostics": "p50 ≤ 50 ms, p95 ≤ 150 ms",
           "hover": "p95 ≤ 50 ms", "completion": "p95 ≤ 50 ms"}


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


async def main(n_lines: int, n_edits: int) -> str:
    bench = Bench()
    await bench.client.start_io(sys.executable, "-m", "lsp_server")
    try:
        return await measure(bench, n_lines, n_edits)
    finally:
        if bench.client._server is not None and bench.client._server.returncode is None:
            bench.client._server.kill()      # never leave a server behind, even after a failure


async def measure(bench: Bench, n_lines: int, n_edits: int) -> str:
    client = bench.client
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(
        general=t.GeneralClientCapabilities(position_encodings=[t.PositionEncodingKind.Utf16]))))
    client.initialized(t.InitializedParams())
    folder = Path(tempfile.mkdtemp(prefix="hc-bench-"))
    uri = (folder / "big.hc").as_uri()
    text = generate(n_lines)
    lines = text.split("\n")
    results: dict[str, list[float]] = {"edit → diagnostics": [], "hover": [], "completion": []}

    started = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id="hypercode", version=1, text=text)))
    await bench.wait_version(1, timeout=60)
    results["open → first diagnostics"] = [bench.published[1] - started]

    version = 1
    doc = t.TextDocumentIdentifier(uri=uri)
    for i in range(n_edits):
        line = n_lines // 5 + (i * 97) % (n_lines * 3 // 5)
        while not lines[line].startswith("    total = 0"):
            line += 1
        # alternate: type a character inside a function, then undo it; every 5th edit is Enter
        if i % 5 == 4:
            change = t.TextDocumentContentChangePartial(range=t.Range(start=t.Position(line=line, character=0),
                                                                      end=t.Position(line=line, character=0)),
                                                        text="\n")
            lines.insert(line, "")
        elif i % 2 == 0:
            change = t.TextDocumentContentChangePartial(range=t.Range(start=t.Position(line=line, character=11),
                                                                      end=t.Position(line=line, character=12)),
                                                        text="1")
        else:
            change = t.TextDocumentContentChangePartial(range=t.Range(start=t.Position(line=line, character=11),
                                                                      end=t.Position(line=line, character=12)),
                                                        text="0")
        version += 1
        sent = time.perf_counter()
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))
        await bench.wait_version(version)
        results["edit → diagnostics"].append(bench.published[version] - sent)

        target = line + 6   # `total += k * factor` a few lines below
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

    rows = ["| request | n | p50 (ms) | p95 (ms) | max (ms) | target |", "| --- | --- | --- | --- | --- | --- |"]
    for name in ("open → first diagnostics", "edit → diagnostics", "hover", "completion"):
        values = [v * 1000 for v in results[name]]
        rows.append(f"| {name} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} "
                    f"| {max(values):.1f} | {TARGETS[name]} |")
    rows.append(f"| server memory (RSS) | | now {current:.0f} MB | peak {peak:.0f} MB | | ≤ 150 MB |")
    header = (f"{n_lines:,}-line generated file, {n_edits} edits (every 5th inserts a line), stdio, "
              f"Python {platform.python_version()} on {platform.machine()}.")
    return header + "\n\n" + "\n".join(rows) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--no-write", action="store_true", help="print only; don't update LSP_RESULTS.md")
    args = parser.parse_args()
    table = asyncio.run(main(args.lines, args.edits))
    print(table)
    if not args.no_write:
        (HERE / "LSP_RESULTS.md").write_text("# Language server latency\n\n"
                                             "Measured with `.venv/bin/python bench/lsp_latency.py`.\n\n" + table,
                                             encoding="utf-8")
