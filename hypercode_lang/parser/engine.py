"""The Lark parser: built once per process, from the LALR tables shipped in the package as
JSON (parser/tables.py; no pickle is ever read), or from the grammar when those are stale."""

from __future__ import annotations

import threading
from dataclasses import replace
from sys import intern

from lark.exceptions import LarkError
from lark.indenter import PythonIndenter

from ..diagnostics import Span, catalogue
from ..language.keywords import HARD_KEYWORDS

from . import tables
from .build import IRBuilder
from .driver import FastLALR, NotHandled

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
        # Every word the lexer would not read as a plain name: the language's keywords and any
        # word the grammar spells out as a terminal of its own.
        self.words = HARD_KEYWORDS | {t.pattern.value for t in self.lark.terminals
                                      if t.pattern.type == "str" and t.pattern.value.isidentifier()}
        try:
            self.fast: FastLALR | None = FastLALR(self.lark)
        except NotHandled:      # a Lark whose internals moved: every parse goes through Lark
            self.fast = None

    def parse_chunk(self, text: str, first_line: int = 1) -> tuple[dict, list]:
        """Parse one chunk of source that starts on line `first_line` of its file. Returns
        (program IR, notes), positioned in the file; raises lark exceptions (positioned in
        the chunk, as parser/recovery.py reads them) when the text doesn't parse."""
        with self.lock:
            self.builder.notes, self.pending = [], []
            program = self._parse(text, "file_input", first_line)
            # f-string fields are parsed after the outer parse: the indenter is not re-entrant.
            while self.pending:
                placeholder, fragment, line, col = self.pending.pop()
                placeholder.clear()
                placeholder.update(self.parse_fragment(fragment, line, col))
            return program, self.builder.notes

    def _parse(self, text: str, start: str, first_line: int = 1):
        """The fast driver's parse; Lark's own when the driver can't (the text has a mistake)."""
        notes, pending = len(self.builder.notes), len(self.pending)
        if self.fast is not None:
            try:
                return self.fast.parse(text, start, first_line)
            except NotHandled:
                # Undo what the builder did before the driver stopped, then let Lark raise.
                del self.builder.notes[notes:], self.pending[pending:]
        tree = self.lark.parse(text, start=start)
        if first_line == 1:
            return tree
        # Lark parsed what the driver refused (never seen; tests/test_parser.py looks for it):
        # parse again with the lines before the chunk as blank lines, so positions are the file's.
        del self.builder.notes[notes:], self.pending[pending:]
        return self.lark.parse("\n" * (first_line - 1) + text, start=start)

    def defer_fragment(self, text: str, line: int, col: int) -> dict:
        name = self.plain_name_field(text, line, col)
        if name is not None:
            return name
        placeholder = {"const": "", "loc": [line, col, line, col + len(text)]}
        self.pending.append((placeholder, text, line, col))
        return placeholder

    def plain_name_field(self, text: str, line: int, col: int) -> dict | None:
        """The node of an f-string field that is just a name (`{count}`, most fields are), as
        parse_fragment would build it, without parsing; None for any other field."""
        if text.isascii() and text.isidentifier() and text not in self.words:
            return {"var": intern(text), "loc": [line, col, line, col + len(text)]}
        return None

    def parse_fragment(self, text: str, line: int, col: int) -> dict:
        """Parse an f-string field's expression found at (line, col) of the enclosing source."""
        notes = len(self.builder.notes)
        try:
            expr = self._parse("(" + text.replace("\n", " ") + ")\n", "fstring_field")
        except LarkError:
            self._move_notes(notes, line - 1, col - 2)
            self.builder.notes.append(catalogue.diagnostic(
                "HC0001", Span(line, col, line, col + len(text)),
                detail=catalogue.syntax_detail("fstring_unreadable_field")))
            return {"const": "", "loc": [line, col, line, col + len(text)]}
        # The fragment was parsed as if at line 1, column 1, with an extra '(' in front.
        shift_locs(expr, line - 1, col - 2)
        self._move_notes(notes, line - 1, col - 2)
        return expr

    def _move_notes(self, first: int, line_delta: int, first_line_col_delta: int) -> None:
        """Move the notes from `first` on (a fragment's, in its own coordinates) as shift_locs
        moves its IR, so a note inside an f-string field points into that field."""
        if first >= len(self.builder.notes):
            return

        def move(span):
            return replace(span, line=span.line + line_delta, end_line=span.end_line + line_delta,
                           col=span.col + (first_line_col_delta if span.line == 1 else 0),
                           end_col=span.end_col + (first_line_col_delta if span.end_line == 1 else 0))
        notes = self.builder.notes
        for index in range(first, len(notes)):
            note = notes[index]
            fixes = tuple(replace(fix, edits=tuple(replace(edit, span=move(edit.span)) for edit in fix.edits))
                          for fix in note.fixes)
            related = tuple(replace(item, span=move(item.span)) for item in note.related)
            notes[index] = replace(note, span=move(note.span), fixes=fixes, related=related)


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
