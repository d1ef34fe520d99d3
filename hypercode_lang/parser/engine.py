"""The Lark parser: built once per process, from the LALR tables shipped in the package as
JSON (parser/tables.py; no pickle is ever read), or from the grammar when those are stale."""

from __future__ import annotations

import threading

from lark.indenter import PythonIndenter

from . import tables
from .build import IRBuilder

GRAMMAR = tables.GRAMMAR


class Indenter(PythonIndenter):
    tab_len = 4


class Engine:
    """One Lark LALR parser plus its inline IR builder. Parsing is serialised by a lock because
    the builder collects notes per parse."""

    def __init__(self):
        self.lock = threading.RLock()
        self.builder = IRBuilder(self.defer_fragment)
        self.pending: list = []
        runtime = dict(postlex=Indenter(), transformer=self.builder)
        self.lark = tables.load(**runtime) or tables.build(**tables.lark_options(), **runtime)

    def parse_chunk(self, text: str) -> tuple[dict, list]:
        """Parse one chunk of source (may raise lark exceptions). Returns (program IR, notes)."""
        with self.lock:
            self.builder.notes, self.pending = [], []
            program = self.lark.parse(text, start="file_input")
            # f-string fields are parsed after the outer parse: the indenter is not re-entrant.
            while self.pending:
                placeholder, fragment, line, col = self.pending.pop()
                placeholder.clear()
                placeholder.update(self.parse_fragment(fragment, line, col))
            return program, self.builder.notes

    def defer_fragment(self, text: str, line: int, col: int) -> dict:
        placeholder = {"const": "", "loc": [line, col, line, col + len(text)]}
        self.pending.append((placeholder, text, line, col))
        return placeholder

    def parse_fragment(self, text: str, line: int, col: int) -> dict:
        """Parse an f-string field's expression found at (line, col) of the enclosing source."""
        from lark.exceptions import LarkError
        from ..diagnostics import catalogue, Span
        try:
            expr = self.lark.parse("(" + text.replace("\n", " ") + ")\n", start="fstring_field")
        except LarkError:
            self.builder.notes.append(catalogue.diagnostic(
                "HC0001", Span(line, col, line, col + len(text)),
                detail="This f-string field doesn't hold an expression I can read."))
            return {"const": "", "loc": [line, col, line, col + len(text)]}
        # The fragment was parsed as if at line 1, column 1, with an extra '(' in front.
        shift_locs(expr, line - 1, col - 2)
        return expr


def shift_locs(tree, line_delta: int, first_line_col_delta: int = 0) -> None:
    """Move every `loc` in an IR subtree (in place). Columns move only on the first line."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            loc = item.get("loc")
            if loc is not None:
                line, col, end_line, end_col = loc
                if first_line_col_delta:
                    if line == 1:
                        col += first_line_col_delta
                    if end_line == 1:
                        end_col += first_line_col_delta
                item["loc"] = [line + line_delta, col, end_line + line_delta, end_col]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


_engine: Engine | None = None


def engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = Engine()
    return _engine
