"""Three renderings of a diagnostic: friendly (default), plain, and JSON.

Friendly and plain use the same words in the same order — what happened, where, the line with
a marker under the exact spot, the quick fix, why — and differ only in icons and colour.
"""

from __future__ import annotations

import json

from .model import Diagnostic

ICONS = {"error": "✖", "warning": "▲", "hint": "●"}
COLOURS = {"error": "\033[31m", "warning": "\033[33m", "hint": "\033[36m"}
BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"


def render(diagnostic: Diagnostic, source: str | None, *, style: str = "friendly", colour: bool = False) -> str:
    """Render one diagnostic for a person. `source` is the text of the diagnostic's file."""
    friendly = style == "friendly"
    paint = (lambda code, text: f"{code}{text}{RESET}") if (colour and friendly) else (lambda code, text: text)
    d = diagnostic
    icon = ICONS.get(d.severity, "") + " " if friendly else ""
    bar = "│" if friendly else "|"
    lines = [paint(BOLD + COLOURS.get(d.severity, ""), f"{icon}{d.severity} {d.code}: {d.title}"),
             f"  {d.message}"]
    where = d.filename or "<input>"
    lines.append(paint(DIM, f"  at {where}, line {d.span.line}, column {d.span.col}"))
    excerpt = _excerpt(d, source, bar)
    if excerpt:
        lines.extend(paint(COLOURS.get(d.severity, ""), row) if row.lstrip().startswith(bar) and "^" in row else row
                     for row in excerpt)
    for fix in d.fixes[:1]:
        lines.append(f"  Quick fix: {fix.title}.")
    if len(d.trace) > 1:
        lines.append("  Call trace (most recent call last):")
        for (function, filename, line), repeats in _collapse(d.trace):
            if not line:  # a marker for frames left out of a very deep trace
                lines.append(f"    {function}")
                continue
            name = "the top level" if function == "<module>" else f"{function}()"
            lines.append(f"    {filename or where}, line {line}, in {name}")
            if repeats:
                lines.append(f"    … the same call {repeats} more time{'s' if repeats != 1 else ''}")
    lines.append(f"  Why: {d.why}")
    return "\n".join(lines)


def _excerpt(d: Diagnostic, source: str | None, bar: str) -> list[str]:
    if source is None:
        return []
    source_lines = source.split("\n")
    if not 1 <= d.span.line <= len(source_lines):
        return []
    text = source_lines[d.span.line - 1].replace("\t", " ")
    number = str(d.span.line)
    gutter = " " * len(number)
    start = max(d.span.col, 1)
    end = d.span.end_col if d.span.end_line == d.span.line else len(text) + 1
    width = max(1, end - start)
    marker = " " * (start - 1) + "^" * width
    return [f"  {gutter} {bar}", f"  {number} {bar} {text}", f"  {gutter} {bar} {marker}"]


def render_all(diagnostics, sources: dict, *, style: str = "friendly", colour: bool = False) -> str:
    """Render several diagnostics separated by blank lines. `sources` maps filename -> text."""
    parts = [render(d, sources.get(d.filename), style=style, colour=colour) for d in diagnostics]
    if len(diagnostics) > 1 and any(d.is_error for d in diagnostics):
        errors = sum(d.is_error for d in diagnostics)
        parts.append(f"{errors} error{'s' if errors != 1 else ''} in total. "
                     "Fixing them from the top down is a good way through; one fix can also clear a later one.")
    return "\n\n".join(parts) + ("\n" if parts else "")


def to_json(diagnostics) -> str:
    return json.dumps([d.to_json() for d in diagnostics], indent=2, ensure_ascii=False)


def _collapse(trace):
    """Consecutive identical frames (deep recursion) become one frame and a count."""
    collapsed: list = []
    for frame in trace:
        if collapsed and collapsed[-1][0] == tuple(frame):
            collapsed[-1][1] += 1
        else:
            collapsed.append([tuple(frame), 0])
    return collapsed
