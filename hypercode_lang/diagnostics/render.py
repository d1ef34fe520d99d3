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
    from .catalogue import message  # every Diagnostic was made by the catalogue, so it is loaded
    friendly = style == "friendly"
    paint = (lambda code, text: f"{code}{text}{RESET}") if (colour and friendly) else (lambda code, text: text)
    d = diagnostic
    icon = ICONS.get(d.severity, "") + " " if friendly else ""
    bar = "│" if friendly else "|"
    lines = [paint(BOLD + COLOURS.get(d.severity, ""), f"{icon}{d.severity} {d.code}: {d.title}"),
             f"  {d.message}"]
    where = d.filename or "<input>"
    lines.append(paint(DIM, "  " + message("render.where", file=where, line=d.span.line, col=d.span.col)))
    excerpt = _excerpt(d, source, bar)
    if excerpt:
        lines.extend(paint(COLOURS.get(d.severity, ""), row) if row.lstrip().startswith(bar) and "^" in row else row
                     for row in excerpt)
    for fix in d.fixes[:1]:
        lines.append("  " + message("render.quick_fix", title=fix.title))
    if len(d.trace) > 1:
        lines.append("  " + message("render.call_trace"))
        for (function, filename, line), repeats in _collapse(d.trace):
            if not line:  # a marker for frames left out of a very deep trace
                lines.append(f"    {function}")
                continue
            name = message("render.top_level") if function == "<module>" else f"{function}()"
            lines.append("    " + message("render.frame", file=filename or where, line=line, name=name))
            if repeats:
                lines.append("    " + message("render.same_call", repeats=repeats))
    lines.append("  " + message("render.why", why=d.why))
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
        from .catalogue import message
        parts.append(message("render.summary", errors=sum(d.is_error for d in diagnostics)))
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
