"""One analysed version of one document: the text, its IR, its analysis and its diagnostics.

Tools (the language server, `hcvm`, editors) build a `Document` once per text and ask the
feature modules beside this one (navigation, outline, completion, hover, semantic, hints)
about it. Positions are 1-based lines and 1-based code-point columns, end exclusive.
"""

from __future__ import annotations

import copy

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..diagnostics import Diagnostic
from ..parser import ParseResult, normalise_newlines
from ..parser import parse as _parse
from ..ir.tree import statement_blocks
from .scopes import Analysis, analyse, kind_of

@dataclass(eq=False)
class Document:
    source: str
    filename: str | None = None
    parsed: ParseResult | None = None
    lines: list[str] = field(default_factory=list)

    # Top-level chunks as (first line, last line, statements, stub statements) when the document
    # came from an IncrementalDocument: lets `focus` analyse one chunk against the module's outline.
    chunks: list | None = None

    def __post_init__(self):
        self.source = normalise_newlines(self.source)
        if not self.lines:          # given by an IncrementalDocument, which split them already
            self.lines = self.source.split("\n")
        if self.parsed is None:
            self.parsed = _parse(self.source, self.filename)

    @property
    def program(self) -> dict:
        return self.parsed.program

    @cached_property
    def analysis(self) -> Analysis:
        return analyse(self.program, self.lines)

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        """The same list `hypercode_lang.check(source, filename)` gives."""
        from ..checker import check_program
        from ..modules import sibling_modules as _sibling_modules
        found = list(self.parsed.diagnostics)
        found.extend(check_program(self.program, filename=self.filename,
                                   module_names=_sibling_modules(self.filename), analysis=self.analysis))
        found.sort(key=lambda d: (d.span.line, d.span.col, d.code))
        return found

    def focus(self, line: int) -> "Document":
        """This document, analysed just enough to answer questions about `line`: its own top-level
        chunk in full and every other chunk as an outline (def bodies left out). Names, scopes and
        module-level definitions are the same as in the full analysis; references that live in
        other chunks are not. Returns the document itself when the full analysis is at hand."""
        if not self.chunks or "analysis" in self.__dict__:
            return self
        index = 0
        for i, chunk in enumerate(self.chunks):
            if chunk[0] <= line:
                index = i
        cache = self.__dict__.setdefault("_focus", {})
        view = cache.get(index)
        if view is None:
            body = []
            for i, (_start, _end, statements, stub) in enumerate(self.chunks):
                body.extend(statements if i == index else stub)
            view = copy.copy(self)
            view.__dict__.pop("_focus", None)
            view.__dict__["analysis"] = analyse({"hypercode": 2, "body": body}, self.lines)
            cache[index] = view
        return view

    @property
    def has_syntax_errors(self) -> bool:
        return not self.parsed.ok

    def attribute_at(self, line: int, col: int):
        """(attr node, scope, span of the name after '.') when the position is on that name."""
        for node, scope in self.analysis.attributes:
            loc = node.get("loc")
            name = node["attr"]["name"]
            if loc and loc[2] == line and loc[3] - len(name) <= col <= loc[3]:
                return node, scope, [loc[2], loc[3] - len(name), loc[2], loc[3]]
        return None

    # ------------------------------------------------------------ text helpers
    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def word_at(self, line: int, col: int) -> tuple[str, int, int] | None:
        """(word, start col, end col) of the identifier touching the position."""
        text = self.line_text(line)
        index = col - 1
        start = index
        while start > 0 and _is_word_char(text[start - 1]):
            start -= 1
        end = index
        while end < len(text) and _is_word_char(text[end]):
            end += 1
        if start == end or text[start].isdigit():
            return None
        return text[start:end], start + 1, end + 1

    @cached_property
    def comment_lines(self) -> dict[int, tuple[int, str]]:
        return {c[0]: (c[1], c[2]) for c in self.program.get("comments", [])}

    @cached_property
    def folder(self) -> Path | None:
        if not self.filename or self.filename.startswith("<"):
            return None
        return Path(self.filename).resolve().parent

    def statements(self):
        """Every statement, outermost first, with its depth."""
        stack = [(s, 0) for s in reversed(self.program["body"])]
        while stack:
            statement, depth = stack.pop()
            yield statement, depth
            for block in reversed(statement_blocks(statement)):
                stack.extend((s, depth + 1) for s in reversed(block))

    def defs(self):
        for statement, depth in self.statements():
            if kind_of(statement) == "def":
                yield statement, depth


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def loc_contains(loc, line: int, col: int) -> bool:
    return bool(loc) and (loc[0], loc[1]) <= (line, col) <= (loc[2], loc[3])


def def_name_loc(document: Document, statement: dict) -> list | None:
    """Where the name of a `def` is written (the analysis records it as the definition)."""
    loc = statement.get("loc")
    if not loc:
        return None
    name = statement["def"]["name"]
    text = document.line_text(loc[0])
    at = text.find(name, loc[1] - 1 + 3)
    if at < 0:
        return [loc[0], loc[1], loc[0], loc[1] + 3]
    return [loc[0], at + 1, loc[0], at + 1 + len(name)]
