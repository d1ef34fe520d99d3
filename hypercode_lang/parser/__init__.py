"""Source text → IR, with recovery: `parse(source, filename)` always returns a whole program.

The file is split into top-level chunks (parser/scanner.py). Each chunk is parsed on its own
and cached by (text, first line), so re-parsing an edited file only parses the chunks that
changed. A syntax error becomes one diagnostic and a repair (parser/recovery.py); the chunk is
parsed again until it goes through, so every independent mistake is reported once.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from lark.exceptions import UnexpectedInput
from lark.indenter import DedentError

from ..diagnostics import Diagnostic
from .engine import engine, shift_locs
from .scanner import scan

MAX_REPAIRS_PER_CHUNK = 12
CACHE_SIZE = 20_000


@dataclass
class ParseResult:
    program: dict
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


# (chunk text, first line) -> (statements, diagnostics). Values are shared: treat as read-only.
_chunk_cache: "OrderedDict[tuple[str, int], tuple[list, list]]" = OrderedDict()


def parse(source: str, filename: str | None = None) -> ParseResult:
    source = normalise_newlines(source)
    scanned = scan(source)
    lines = scanned.text_lines
    body: list = []
    diagnostics: list[Diagnostic] = list(scanned.problems)
    scanner_lines = {d.span.line for d in scanned.problems}
    for chunk in scanned.chunks:
        text = "\n".join(lines[chunk.start - 1:chunk.end]) + "\n"
        statements, chunk_diagnostics = parse_chunk(text, chunk.start)
        body.extend(statements)
        # A scanner repair (bracket, string) can leave a cascade on its own line: keep the first.
        diagnostics.extend(d for d in chunk_diagnostics
                           if not (d.code == "HC0001" and d.span.line in scanner_lines))
    diagnostics.sort(key=lambda d: (d.span.line, d.span.col))
    if filename:
        for d in diagnostics:
            d.filename = filename
    program = {"hypercode": 2, "body": body}
    if scanned.comments:
        program["comments"] = [list(c) for c in scanned.comments]
    return ParseResult(program, diagnostics)


def parse_chunk(text: str, first_line: int) -> tuple[list, list]:
    key = (text, first_line)
    cached = _chunk_cache.get(key)
    if cached is not None:
        _chunk_cache.move_to_end(key)
        return cached
    statements, diagnostics = _parse_with_recovery(text)
    if first_line != 1:
        shift_locs(statements, first_line - 1)
        diagnostics = [d.moved(first_line - 1) for d in diagnostics]
    _chunk_cache[key] = (statements, diagnostics)
    if len(_chunk_cache) > CACHE_SIZE:
        _chunk_cache.popitem(last=False)
    return statements, diagnostics


def _parse_with_recovery(text: str) -> tuple[list, list]:
    lines = text.split("\n")
    diagnostics = []
    for _ in range(MAX_REPAIRS_PER_CHUNK):
        try:
            program, notes = engine().parse_chunk("\n".join(lines))
            return program["body"], diagnostics + notes
        except (UnexpectedInput, DedentError) as error:
            from . import recovery  # only needed when something is wrong
            repaired = recovery.repair(error, lines)
            diagnostics.append(repaired.diagnostic)
            if repaired.lines == lines:
                break
            lines = repaired.lines
    # Too broken to recover further: the chunk contributes no statements, only its diagnostics.
    return [], diagnostics


def normalise_newlines(source: str) -> str:
    if source.startswith("\ufeff"):
        source = source[1:]
    return source.replace("\r\n", "\n").replace("\r", "\n")


__all__ = ["ParseResult", "parse", "parse_chunk"]
