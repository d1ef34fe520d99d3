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

from ..diagnostics import Diagnostic, Span, catalogue
from ..ir.tree import MAX_NESTING, kind_of, too_deep
from .engine import engine
from .scanner import scan

MAX_REPAIRS_PER_CHUNK = 12
# A scanner repair (bracket, string, nesting) can leave a cascade on its own line: the scanner's
# diagnostic is kept and a chunk's diagnostic of these codes on that line is dropped.
SHADOWED_BY_SCANNER = frozenset({"HC0001", "HC0010"})
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
        diagnostics.extend(d for d in chunk_diagnostics
                           if not (d.code in SHADOWED_BY_SCANNER and d.span.line in scanner_lines))
    diagnostics.sort(key=lambda d: (d.span.line, d.span.col))
    if filename:
        for d in diagnostics:
            d.filename = filename
    program = {"hypercode": 2, "body": body}
    if scanned.comments:
        program["comments"] = [list(c) for c in scanned.comments]
    return ParseResult(program, diagnostics)


def parse_chunk(text: str, first_line: int, *, private: bool = False) -> tuple[list, list]:
    """(statements, diagnostics) of one chunk. Shared with the cache (read-only) unless
    `private`: then the statements are the caller's own to change, and never cached (an
    editor's document keeps its chunks itself; caching them as well would hold two copies)."""
    key = (text, first_line)
    cached = _chunk_cache.get(key)
    if cached is not None and private:
        import pickle
        return pickle.loads(pickle.dumps(cached, pickle.HIGHEST_PROTOCOL))
    if cached is not None:
        _chunk_cache.move_to_end(key)
        return cached
    statements, diagnostics = _parse_with_recovery(text, first_line)
    statements, diagnostics = _refuse_deep_nesting(statements, diagnostics, first_line)
    if private:
        return statements, diagnostics
    _chunk_cache[key] = (statements, diagnostics)
    if len(_chunk_cache) > CACHE_SIZE:
        _chunk_cache.popitem(last=False)
    return statements, diagnostics


def _parse_with_recovery(text: str, first_line: int) -> tuple[list, list]:
    """(statements, diagnostics) of one chunk, positioned in the file (the chunk starts on
    `first_line`); the IR is built there directly, so nothing is moved afterwards."""
    lines = None                # the chunk's lines, split only when something needs repairing
    diagnostics = []
    for _ in range(MAX_REPAIRS_PER_CHUNK):
        try:
            program, notes = engine().parse_chunk(text if not diagnostics else "\n".join(lines), first_line)
            return program["body"], diagnostics + notes
        except (UnexpectedInput, DedentError) as error:
            from . import recovery  # only needed when something is wrong
            lines = lines if lines is not None else text.split("\n")
            repaired = recovery.repair(error, lines)    # in the chunk's own lines
            diagnostics.append(repaired.diagnostic.moved(first_line - 1))
            if repaired.lines == lines:
                break
            lines = repaired.lines
    # Too broken to recover further: the chunk contributes no statements, only its diagnostics.
    return [], diagnostics


def _refuse_deep_nesting(statements: list, diagnostics: list, first_line: int = 1) -> tuple[list, list]:
    """A statement nested deeper than MAX_NESTING becomes HC0010 and a shallow stand-in, here,
    before any recursive stage (checker, compiler, formatter, JIT, JSON) sees it."""
    kept = []
    for statement in statements:
        loc = None if _within_limits(statement) else too_deep(statement)
        if loc is None:
            kept.append(statement)
            continue
        at = loc or statement.get("loc") or [first_line, 1, first_line, 1]
        diagnostics = diagnostics + [catalogue.diagnostic("HC0010", Span(at[0], at[1], at[0], at[1] + 1),
                                                          limit=MAX_NESTING)]
        kept.append(shallow_stand_in(statement))
    return kept, diagnostics


_NODE_LIMIT = MAX_NESTING + 2        # too_deep's default limit


def _within_limits(statement: dict) -> bool:
    """True when too_deep(statement) would find nothing, told cheaply: parsing a big file asks
    this for every statement. too_deep itself runs only for a statement that fails here."""
    try:
        return _fits(statement, _NODE_LIMIT)
    except RecursionError:      # called from deep inside something else: too_deep decides
        return False


def _line_bound(length: int) -> int:
    """The most containers on a chain down from a node the parser built from `length` characters
    of one line: each level of nesting is written with at least one character and holds at most
    two containers per character (`-x` is {"unary": {"op": …, "operand": x}}), plus a statement's
    few wrappers (tests/test_parser.py checks this on generated and real programs)."""
    return 2 * length + 8


def _fits(item, room: int) -> bool:
    """Whether every chain of containers (dicts and lists, `loc` aside) down from `item` is at
    most `room` long. too_deep counts nodes (some of those dicts) against _NODE_LIMIT and
    containers against MAX_CONTAINER_DEPTH, which is larger: a chain no longer than _NODE_LIMIT
    passes both. A node the parser wrote on one short line fits by its length alone (its `loc`
    is the parser's, so it spans all of the node's text): most of a file is never walked."""
    if room <= 0:
        return False
    loc = None
    if type(item) is dict:
        loc = item.get("loc")
        if loc is not None and loc[0] == loc[2] and _line_bound(loc[3] - loc[1]) <= room:
            return True
        children = item.values()
    else:
        children = item
    for child in children:
        if (type(child) is dict or type(child) is list) and child is not loc and not _fits(child, room - 1):
            return False
    return True


def shallow_stand_in(statement: dict) -> dict:
    """What a refused statement still means to the rest of the file: the names it binds (one
    mistake, one diagnostic), without any of its nesting."""
    kind = kind_of(statement)
    loc = statement.get("loc")
    value = statement.get(kind)
    none = {"const": None, "loc": loc}
    if kind == "assign" and all(kind_of(t) == "var" for t in value["targets"]):
        return {"assign": {"targets": [{"var": t["var"], "loc": t.get("loc")} for t in value["targets"]],
                           "value": none}, "loc": loc}
    if kind == "def":
        params = [{"name": p["name"], "default": none if p.get("default") is not None else None}
                  for p in value["params"]]
        return {"def": {"name": value["name"], "params": params, "body": [{"pass": None, "loc": loc}]}, "loc": loc}
    return {"pass": None, "loc": loc}


def normalise_newlines(source: str) -> str:
    if source.startswith("\ufeff"):
        source = source[1:]
    return source.replace("\r\n", "\n").replace("\r", "\n")


__all__ = ["SHADOWED_BY_SCANNER", "ParseResult", "parse", "parse_chunk"]
