"""Formatting as small edits: the canonical text of `hcvm fmt`, expressed as the fewest line
edits, optionally only those touching a range of lines (range formatting)."""

from __future__ import annotations

import difflib

from ..diagnostics import Span, TextEdit


def format_edits(source: str, first_line: int | None = None, last_line: int | None = None) -> list[TextEdit] | None:
    """Edits that turn `source` into its formatted form, or None when it has syntax errors.
    With `first_line`/`last_line` (1-based, inclusive), only edits touching those lines."""
    from ..ir import format_program
    from ..parser import normalise_newlines, parse
    source = normalise_newlines(source)
    parsed = parse(source)  # (what api.format_source does; the analysis sits below api)
    if any(d.is_error for d in parsed.diagnostics):
        return None
    formatted = format_program(parsed.program)
    old, new = source.splitlines(keepends=True), formatted.splitlines(keepends=True)
    hunks = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:     # line by line, so a range takes only its lines
            hunks += [(i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1)]
        elif tag != "equal":
            hunks.append((i1, i2, j1, j2))
    edits = []
    for i1, i2, j1, j2 in hunks:
        if first_line is not None and (i2 < first_line or i1 + 1 > last_line):
            continue
        edits.append(TextEdit(Span(*_start_of(old, i1), *_start_of(old, i2)), "".join(new[j1:j2])))
    return edits


def _start_of(lines: list[str], index: int) -> tuple[int, int]:
    """(line, col) where old line `index` (0-based, lines keep their newlines) starts; past the
    last line, the end of the text."""
    if index < len(lines) or not lines:
        return index + 1, 1
    last = lines[-1]
    if last.endswith("\n"):
        return len(lines) + 1, 1
    return len(lines), len(last) + 1


__all__ = ["format_edits"]
