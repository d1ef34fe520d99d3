"""Plain data for diagnostics: spans, text edits, fixes and the diagnostic itself.

Positions are 1-based lines and columns, the end column exclusive, columns counted in code
points. `to_json()` gives the shape of spec §8 that the CLI (`--json`) and the language server use.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

SEVERITIES = ("error", "warning", "hint")


@dataclass(frozen=True)
class Span:
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def from_loc(cls, loc) -> "Span":
        return cls(*loc)

    def to_loc(self) -> list[int]:
        return [self.line, self.col, self.end_line, self.end_col]

    def to_json(self) -> dict:
        return {"line": self.line, "col": self.col, "end_line": self.end_line, "end_col": self.end_col}

    def contains(self, line: int, col: int) -> bool:
        return (self.line, self.col) <= (line, col) <= (self.end_line, self.end_col)


@dataclass(frozen=True)
class TextEdit:
    span: Span
    new_text: str

    def to_json(self) -> dict:
        return {"range": self.span.to_json(), "new_text": self.new_text}


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[TextEdit, ...]
    # A safe fix can be applied without reading it first (the editor marks it "preferred").
    safe: bool = True

    def to_json(self) -> dict:
        return {"title": self.title, "edits": [e.to_json() for e in self.edits], "safe": self.safe}


@dataclass(frozen=True)
class Related:
    message: str
    span: Span
    filename: str | None = None

    def to_json(self) -> dict:
        return {"message": self.message, "range": self.span.to_json(), "file": self.filename}


@dataclass
class Diagnostic:
    code: str
    severity: str
    title: str
    message: str
    span: Span
    why: str
    fixes: tuple[Fix, ...] = ()
    filename: str | None = None
    related: tuple[Related, ...] = ()
    # Runtime errors carry a short call trace: (function, filename, line), outermost first.
    trace: tuple[tuple[str, str, int], ...] = ()
    params: dict = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict:
        data = {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "range": self.span.to_json(),
            "fixes": [f.to_json() for f in self.fixes],
            "why": self.why,
            "file": self.filename,
        }
        if self.related:
            data["related"] = [r.to_json() for r in self.related]
        if self.trace:
            data["trace"] = [{"function": f, "file": fn, "line": ln} for f, fn, ln in self.trace]
        return data

    def moved(self, line_delta: int) -> "Diagnostic":
        """The same diagnostic with every position moved down by `line_delta` lines."""
        if not line_delta:
            return self
        move = lambda s: Span(s.line + line_delta, s.col, s.end_line + line_delta, s.end_col)  # noqa: E731
        fixes = tuple(Fix(f.title, tuple(TextEdit(move(e.span), e.new_text) for e in f.edits), f.safe)
                      for f in self.fixes)
        related = tuple(Related(r.message, move(r.span), r.filename) for r in self.related)
        return replace(self, span=move(self.span), fixes=fixes, related=related)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def apply_edits(source: str, edits) -> str:
    """Apply non-overlapping text edits to `source` (used by tests, the CLI and the fuzzers)."""
    lines = source.split("\n")

    def offset(line: int, col: int) -> int:
        line = max(1, min(line, len(lines)))
        before = sum(len(text) + 1 for text in lines[: line - 1])
        return before + min(col - 1, len(lines[line - 1]))

    result = source
    for edit in sorted(edits, key=lambda e: (e.span.line, e.span.col), reverse=True):
        start = offset(edit.span.line, edit.span.col)
        end = offset(edit.span.end_line, edit.span.end_col)
        result = result[:start] + edit.new_text + result[end:]
    return result
