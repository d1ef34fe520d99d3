"""Every kind of edit bench/lsp_latency.py times takes the incremental path, and gives exactly
what a fresh check gives (issue 8 B5).

The edits are the bench's own (`round_of_edits`), made on the bench's generated file, through
`build_document` with the document's `IncrementalDocument`, as the server makes them. The
counters say which path ran: without them this test would pass just as well if every edit fell
back to scanning and checking the whole file."""

import importlib.util
from pathlib import Path

import hypercode_lang
from hypercode_lang.analysis.incremental import IncrementalDocument
from lsp_server.documents import build_document

BENCH = Path(__file__).resolve().parents[2] / "bench" / "lsp_latency.py"
FILENAME = "/nonexistent/big.hc"
LINES = 1500
ROUNDS = 3


def load_bench():
    spec = importlib.util.spec_from_file_location("lsp_latency", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def key(d):
    return (d.code, d.span, d.message, d.severity, tuple(f.title for f in d.fixes))


def counters(state: IncrementalDocument) -> dict:
    checker = state._checker
    return {"full scans": state.full_scans, "window scans": state.window_scans,
            "full checks": checker.full_checks, "chunk checks": checker.chunk_checks}


def test_every_bench_edit_is_incremental_and_exact():
    bench = load_bench()
    lines = bench.generate(LINES).split("\n")
    state = IncrementalDocument(FILENAME)
    build_document("\n".join(lines), FILENAME, state)
    seen = set()
    for i in range(ROUNDS):
        for kind, *edit in bench.round_of_edits(lines, bench.round_base(LINES, i), i):
            bench.apply_edit(lines, *edit)
            text = "\n".join(lines)
            before = counters(state)
            document = build_document(text, FILENAME, state)
            ran = {name: value - before[name] for name, value in counters(state).items()}
            assert ran["full scans"] == 0 and ran["window scans"] == 1, (kind, ran)
            assert ran["full checks"] == 0 and ran["chunk checks"] <= 4, (kind, ran)
            assert [key(d) for d in document.diagnostics] == \
                [key(d) for d in hypercode_lang.check(text, FILENAME)], kind
            if kind == "introduce a mistake":
                assert "HC1001" in [d.code for d in document.diagnostics]
            seen.add(kind)
    assert seen == set(bench.EDIT_KINDS)
