"""Incremental parse and check of one document that is edited again and again (the language server).

`IncrementalDocument(filename).update(source)` gives the same `ParseResult` as
`parser.parse(source, filename)` and the same diagnostics as `api.check(source, filename)`,
but does work in proportion to the edit, not to the file:

- **Parse.** Only a window of top-level chunks around the changed lines is scanned again
  (one chunk of margin on each side). The window must end cleanly (no scanner problem, no open
  block header) or the whole file is scanned as usual. Chunks below an edit that added or removed
  lines keep their IR; their locations are moved in place (the IR is copied from the parser's
  shared cache the first time, so that cache is never changed).
- **Check.** A chunk's diagnostics depend on its own statements and on the module's *interface*:
  every module-level name, how it is bound, a function's parameters, a variable's inferred type.
  Changed chunks are checked together with the rest of the module reduced to that interface (def
  bodies replaced by `pass`); if the interface itself changed, the whole file is checked again.
"""

from __future__ import annotations

import bisect
import pickle
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..parser import SHADOWED_BY_SCANNER, ParseResult, normalise_newlines, parse_chunk
from ..parser.scanner import scan
from .scopes import Analysis, analyse, infer_type, kind_of

#: Re-scan the whole file when the window would be bigger than this many chunks.
MAX_WINDOW_CHUNKS = 40
#: Check the whole file when more chunks than this changed at once.
MAX_DIRTY_CHUNKS = 3


@dataclass(eq=False)
class _Chunk:
    start: int
    end: int
    text: str
    statements: list
    diagnostics: list          # the chunk parser's diagnostics (positioned)
    problems: list = field(default_factory=list)   # scanner problems on these lines
    comments: list = field(default_factory=list)
    owned: bool = False        # statements are our copy (may be moved in place)
    stub: list | None = None   # statements with def bodies reduced to `pass` (sharing their locs)
    locs: list | None = None   # every distinct `loc` list in statements, once found

    def move(self, delta: int) -> None:
        if not delta:
            return
        if not self.owned:
            self.statements = pickle.loads(pickle.dumps(self.statements, pickle.HIGHEST_PROTOCOL))
            self.owned, self.stub, self.locs = True, None, None
        # An edit that adds a line moves every chunk below it: walking their IR each time was
        # most of such an edit's cost, so the loc lists are found once and then moved in place
        # (each once, though nodes may share one; the stub shares them too and stays true).
        if self.locs is None:
            self.locs = _loc_lists(self.statements)
        for loc in self.locs:
            loc[0] += delta
            loc[2] += delta
        self.diagnostics = [d.moved(delta) for d in self.diagnostics]
        self.problems = [d.moved(delta) for d in self.problems]
        self.comments = [(line + delta, col, text) for line, col, text in self.comments]
        self.start += delta
        self.end += delta


class IncrementalDocument:
    def __init__(self, filename: str | None = None):
        self.filename = filename
        self.lines: list[str] | None = None
        self.chunks: list[_Chunk] = []
        self.full_scans = 0
        self.window_scans = 0
        self._checker = _IncrementalChecker()

    # ------------------------------------------------------------ parse
    def update(self, source: str) -> ParseResult:
        source = normalise_newlines(source)
        new_lines = source.split("\n")
        try:
            if self.lines is None or not self.chunks or not self._rescan_window(new_lines):
                self._rescan_all(source, new_lines)
        except BaseException:
            self.lines, self.chunks = None, []    # start again from scratch next time
            raise
        self.lines = new_lines
        return self._result()

    def _rescan_all(self, source: str, new_lines: list[str]) -> None:
        self.full_scans += 1
        scanned = scan(source)
        lines = scanned.text_lines
        old = {(c.text, c.start): c for c in self.chunks}
        chunks = []
        for piece in scanned.chunks:
            text = "\n".join(lines[piece.start - 1:piece.end]) + "\n"
            chunks.append(old.get((text, piece.start)) or _parsed_chunk(text, piece.start, piece.end))
        for chunk in chunks:
            chunk.problems, chunk.comments = [], []
        _distribute(chunks, scanned.problems, scanned.comments, 0)
        self.chunks = chunks

    def _rescan_window(self, new_lines: list[str]) -> bool:
        old_lines = self.lines
        limit = min(len(old_lines), len(new_lines))
        prefix = 0
        while prefix < limit and old_lines[prefix] == new_lines[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old_lines[-1 - suffix] == new_lines[-1 - suffix]:
            suffix += 1
        if prefix == len(old_lines) == len(new_lines):
            return True                                    # nothing changed
        delta = len(new_lines) - len(old_lines)
        first_changed = prefix + 1                          # old line numbers
        last_changed = max(first_changed, len(old_lines) - suffix)
        i0 = self._chunk_index(first_changed)
        i1 = self._chunk_index(last_changed)
        ws, we = max(0, i0 - 1), min(len(self.chunks) - 1, i1 + 1)
        if we - ws + 1 > MAX_WINDOW_CHUNKS:
            return False
        if any(chunk.problems for chunk in self.chunks[:ws]):
            return False                  # e.g. an unclosed string above may now close in the window
        if delta and any(chunk.problems for chunk in self.chunks[we + 1:]):
            return False                  # a scanner problem's words name its line: scan it again
        start = self.chunks[ws].start
        end_new = self.chunks[we].end + delta
        if end_new < start:
            return False
        window = new_lines[start - 1:end_new]
        scanned = scan("\n".join(window))
        if scanned.problems or not scanned.chunks:
            return False
        at_end = we == len(self.chunks) - 1
        if not at_end:
            last = scanned.logical[-1] if scanned.logical else None
            tail = next((line for line in reversed(window) if line.strip()), "")
            if last is None or last.ends_with_colon or last.first_char == "@" or tail.rstrip().endswith("\\"):
                return False
        self.window_scans += 1
        offset = start - 1
        old = {(c.text, c.start): c for c in self.chunks[ws:we + 1]}
        middle = []
        for piece in scanned.chunks:
            first, last_line = piece.start + offset, piece.end + offset
            text = "\n".join(window[piece.start - 1:piece.end]) + "\n"
            chunk = old.get((text, first)) or _parsed_chunk(text, first, last_line)
            chunk.end = last_line
            chunk.problems, chunk.comments = [], []
            middle.append(chunk)
        _distribute(middle, [], scanned.comments, offset)
        after = self.chunks[we + 1:]
        for chunk in after:
            chunk.move(delta)
        self.chunks = self.chunks[:ws] + middle + after
        return True

    def _chunk_index(self, line: int) -> int:
        lo, hi = 0, len(self.chunks) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.chunks[mid].start <= line:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _result(self) -> ParseResult:
        body, problems, chunk_diagnostics, comments = [], [], [], []
        for chunk in self.chunks:
            body.extend(chunk.statements)
            problems.extend(chunk.problems)
            chunk_diagnostics.extend(chunk.diagnostics)
            comments.extend(chunk.comments)
        scanner_lines = {d.span.line for d in problems}
        diagnostics = problems + [d for d in chunk_diagnostics
                                  if not (d.code in SHADOWED_BY_SCANNER and d.span.line in scanner_lines)]
        diagnostics.sort(key=lambda d: (d.span.line, d.span.col))
        if self.filename:
            for d in diagnostics:
                d.filename = self.filename
        program = {"hypercode": 2, "body": body}
        if comments:
            program["comments"] = [list(c) for c in comments]
        return ParseResult(program, diagnostics)

    def own_all(self) -> None:
        """Copy every chunk's IR out of the parser's shared cache now (while the person reads),
        so that the first edit that adds a line only has to move locations."""
        for chunk in self.chunks:
            if not chunk.owned:
                chunk.statements = pickle.loads(pickle.dumps(chunk.statements, pickle.HIGHEST_PROTOCOL))
                chunk.owned = True
                chunk.stub = chunk.locs = None

    def outline(self) -> list[tuple]:
        """(first line, last line, statements, stub) per chunk, for `Document.focus`."""
        return [(c.start, c.end, c.statements, _stub(c)) for c in self.chunks]

    # ------------------------------------------------------------ check
    def check(self, parsed: ParseResult, module_names: set | None) -> list[Diagnostic]:
        """What `api.check` gives for the text last passed to `update` (`parsed` is its result)."""
        found = list(parsed.diagnostics)
        try:
            found.extend(self._checker.check(self.chunks, self.filename, module_names))
        except BaseException:
            self._checker = _IncrementalChecker()
            raise
        found.sort(key=lambda d: (d.span.line, d.span.col, d.code))
        return found


def _parsed_chunk(text: str, start: int, end: int) -> _Chunk:
    # Our own copy of the IR (moved in place when lines are added above), never the cache's.
    statements, diagnostics = parse_chunk(text, start, private=True)
    return _Chunk(start, end, text, statements, list(diagnostics), owned=True)


def _loc_lists(tree) -> list:
    """Each distinct `loc` list in an IR subtree, once (nodes may share one)."""
    found: dict[int, list] = {}
    stack = [tree]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        if type(item) is dict:
            loc = item.get("loc")
            if loc is not None:
                if type(loc) is not list:
                    loc = item["loc"] = list(loc)
                found[id(loc)] = loc
            push(item.values())
        elif type(item) is list:
            push(item)
    return list(found.values())


def _distribute(chunks: list[_Chunk], problems: list, comments: list, offset: int) -> None:
    """Give each chunk the scanner problems and comments on its lines (positions + offset)."""
    starts = [chunk.start for chunk in chunks]

    def owner(line: int) -> _Chunk:
        return chunks[max(0, bisect.bisect_right(starts, line) - 1)]
    for problem in problems:
        moved = problem.moved(offset)
        owner(moved.span.line).problems.append(moved)
    for line, col, text in comments:
        owner(line + offset).comments.append((line + offset, col, text))


# ====================================================================== incremental check

_PASS = {"pass": None}


def _stub(chunk: _Chunk) -> list:
    if chunk.stub is None:
        stub = []
        for statement in chunk.statements:
            if kind_of(statement) == "def":
                loc = statement.get("loc")
                body = [dict(_PASS, loc=loc)] if loc else [dict(_PASS)]
                stub.append({"def": dict(statement["def"], body=body), **({"loc": loc} if loc else {})})
            else:
                stub.append(statement)
        chunk.stub = stub
    return chunk.stub


def _interface(analysis, module_names) -> tuple:
    """Everything about the module that a chunk's diagnostics can depend on."""
    module = analysis.module
    facts = []
    for name, symbol in sorted(module.symbols.items()):
        params = None
        if symbol.kind == "function" and symbol.node is not None:
            params = tuple((p["name"], p["default"] is None) for p in symbol.node["def"]["params"])
        inferred = infer_type({"var": name}, module) if symbol.kind == "variable" else None
        facts.append((name, symbol.kind, len(symbol.definitions), params, inferred))
    return tuple(facts), frozenset(module_names) if module_names is not None else None


#: Check the whole file when a changed interface touches more chunks than this.
MAX_RECHECK_CHUNKS = 24


def _restricted(analysis: Analysis, first: int, last: int) -> Analysis:
    """The part of `analysis` on lines first..last: what the checker reads to report on them."""
    def on(loc) -> bool:
        return bool(loc) and first <= loc[0] <= last
    return Analysis(
        analysis.module,
        [o for o in analysis.occurrences if on(o.loc)],
        [(node, scope) for node, scope in analysis.calls if on(node.get("loc"))],
        [(node, scope) for node, scope in analysis.attributes if on(node.get("loc"))],
        [(statement, loc) for statement, loc in analysis.imports if on(statement.get("loc"))],
        [analysis.module] + [scope for scope in analysis.scopes[1:] if on(scope.loc)])


def _changed_names(old: tuple, new: tuple) -> set[str]:
    before = {fact[0]: fact for fact in old}
    after = {fact[0]: fact for fact in new}
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


class _IncrementalChecker:
    """Per-chunk diagnostics, kept while the module's interface stays the same.

    A changed chunk is checked against the others' stubs, and only its own occurrences, calls
    and statements are looked at. When the interface changes (a top-level name added, removed,
    or given another kind, parameters or type), only the chunks that mention a changed name, or
    that have an unknown-name diagnostic (whose "did you mean" reads every visible name), are
    checked again; more than MAX_RECHECK_CHUNKS of them and the whole file is checked.

    The counters say which path ran (tests assert on them)."""

    def __init__(self):
        self.interface = None
        # chunk text -> (start line, diagnostics, names mentioned). Tuples, not lists and sets: a
        # big file has an entry per chunk, and most chunks have no diagnostics.
        self.cache: dict[str, tuple[int, tuple, tuple]] = {}
        self.texts: list[str] = []
        self.full_checks = 0         # the whole module checked
        self.chunk_checks = 0        # single chunks checked against the others' stubs
        self.interface_rechecks = 0  # times a changed interface was handled chunk by chunk

    def check(self, chunks: list[_Chunk], filename, module_names) -> list[Diagnostic]:
        dirty = {i for i, chunk in enumerate(chunks) if chunk.text not in self.cache}
        modules = frozenset(module_names) if module_names is not None else None
        if self.interface is None or self.interface[1] != modules or len(dirty) > MAX_DIRTY_CHUNKS:
            return self._full(chunks, filename, module_names)
        texts = [chunk.text for chunk in chunks]
        if not dirty and texts == self.texts:
            return self._collect(chunks)
        analysis = _analyse(chunks, dirty)
        interface = _interface(analysis, module_names)
        recheck = set(dirty)
        if interface != self.interface:
            changed = _changed_names(self.interface[0], interface[0])
            for i, chunk in enumerate(chunks):
                if i not in recheck:
                    _start, found, names = self.cache[chunk.text]
                    if not changed.isdisjoint(names) or any(d.code == "HC1001" for d in found):
                        recheck.add(i)
            if len(recheck) > MAX_RECHECK_CHUNKS:
                return self._full(chunks, filename, module_names)
            if recheck != dirty:
                analysis = _analyse(chunks, recheck)
            self.interface = interface
            self.interface_rechecks += 1
            live = set(texts)      # entries for texts no longer in the file saw the old interface
            self.cache = {text: value for text, value in self.cache.items() if text in live}
        for index in sorted(recheck):
            self._check_chunk(chunks[index], analysis, filename, module_names)
        analysis.release()
        self.texts = texts
        return self._collect(chunks)

    def _check_chunk(self, chunk: _Chunk, analysis: Analysis, filename, module_names) -> None:
        from ..checker import check_program
        mine = _restricted(analysis, chunk.start, chunk.end)
        found = check_program({"hypercode": 2, "body": chunk.statements}, filename=filename,
                              module_names=module_names, analysis=mine)
        self.chunk_checks += 1
        self.cache[chunk.text] = (chunk.start, tuple(d for d in found if chunk.start <= d.span.line <= chunk.end),
                                  tuple({o.name for o in mine.occurrences}))

    def _full(self, chunks, filename, module_names) -> list[Diagnostic]:
        from ..checker import check_program
        program = {"hypercode": 2, "body": [s for chunk in chunks for s in chunk.statements]}
        analysis = analyse(program)
        found = check_program(program, filename=filename, module_names=module_names, analysis=analysis)
        self.full_checks += 1
        self.interface = _interface(analysis, module_names)   # def bodies never bind module names
        starts = [chunk.start for chunk in chunks]
        names: list[set] = [set() for _ in chunks]
        # Occurrences come chunk by chunk (the analysis walks the file in order, twice): look a
        # chunk up only when a name is outside the last one's lines.
        index, first, last = 0, 1, 0
        for occurrence in analysis.occurrences if chunks else ():
            loc = occurrence.loc
            if not loc:
                continue
            if not first <= loc[0] <= last:
                index = max(0, bisect.bisect_right(starts, loc[0]) - 1)
                first = starts[index] if index else 1
                last = starts[index + 1] - 1 if index + 1 < len(starts) else float("inf")
            names[index].add(occurrence.name)
        analysis.release()
        del analysis
        # Each diagnostic to its chunk in one pass (a big file has many chunks and may have many
        # diagnostics: comparing every pair was quadratic).
        owned: list[list] = [[] for _ in chunks]
        for d in found:
            index = bisect.bisect_right(starts, d.span.line) - 1
            if index >= 0 and d.span.line <= chunks[index].end:
                owned[index].append(d)
        self.cache = {}
        for chunk, mentioned, mine in zip(chunks, names, owned):
            self.cache[chunk.text] = (chunk.start, tuple(mine), tuple(mentioned))
        self.texts = [chunk.text for chunk in chunks]
        return self._collect(chunks)

    def _collect(self, chunks) -> list[Diagnostic]:
        out = []
        live = set()
        for chunk in chunks:
            start, found, _names = self.cache[chunk.text]
            live.add(chunk.text)
            out.extend(d.moved(chunk.start - start) for d in found)
        if len(self.cache) > 4 * len(chunks) + 64:
            self.cache = {text: value for text, value in self.cache.items() if text in live}
        return out


def _analyse(chunks: list[_Chunk], full: set[int]) -> Analysis:
    """The module with the chunks in `full` as written and every other chunk as its stub: the
    same module-level names, kinds, parameters and types as the whole file."""
    body = []
    for i, chunk in enumerate(chunks):
        body.extend(chunk.statements if i in full else _stub(chunk))
    return analyse({"hypercode": 2, "body": body})


__all__ = ["IncrementalDocument"]
