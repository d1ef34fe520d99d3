"""HyperCode positions (1-based lines, 1-based code-point columns, end exclusive) ⇄ LSP
positions (0-based lines, 0-based columns in the negotiated encoding's units).

UTF-16 is LSP's default and what VS Code and browsers use: a character outside the Basic
Multilingual Plane (emoji, some CJK) is one code point but two UTF-16 units. Clients such as
Neovim may offer UTF-8 (bytes) or UTF-32 (code points) instead; pygls picks the client's
preference, and `Positions(encoding)` follows it.
"""

from __future__ import annotations

from lsprotocol import types as t


def _unit_width(encoding: str):
    if encoding == "utf-8":
        return lambda ch: 1 if ch < "\x80" else 2 if ch < "\u0800" else 3 if ord(ch) <= 0xFFFF else 4
    if encoding == "utf-32":
        return lambda ch: 1
    return lambda ch: 2 if ord(ch) > 0xFFFF else 1


class Positions:
    def __init__(self, encoding: str = "utf-16"):
        self.encoding = str(getattr(encoding, "value", encoding) or "utf-16")
        self._width = _unit_width(self.encoding)

    # ------------------------------------------------------------ columns
    def to_units(self, line_text: str, col: int) -> int:
        """1-based code-point column -> 0-based column in client units (past the end: counted as 1 each)."""
        index = max(0, col - 1)
        if line_text.isascii() or self.encoding == "utf-32":
            return index
        head = line_text[:index]
        return sum(map(self._width, head)) + max(0, index - len(line_text))

    def from_units(self, line_text: str, character: int) -> int:
        """0-based column in client units -> 1-based code-point column (clamped to the line's end)."""
        character = max(0, character)
        if line_text.isascii() or self.encoding == "utf-32":
            return min(character, len(line_text)) + 1
        units = 0
        for index, ch in enumerate(line_text):
            if units >= character:
                return index + 1
            units += self._width(ch)
        return len(line_text) + 1

    def length(self, line_text: str, col: int, end_col: int) -> int:
        return self.to_units(line_text, end_col) - self.to_units(line_text, col)

    # ------------------------------------------------------------ positions and ranges
    def position(self, lines: list[str], line: int, col: int) -> t.Position:
        return t.Position(line=max(0, line - 1), character=self.to_units(_line(lines, line), col))

    def range_of(self, lines: list[str], loc) -> t.Range:
        line, col, end_line, end_col = loc
        return t.Range(start=self.position(lines, line, col), end=self.position(lines, end_line, end_col))

    def span_range(self, lines: list[str], span) -> t.Range:
        return self.range_of(lines, (span.line, span.col, span.end_line, span.end_col))

    def from_position(self, lines: list[str], pos: t.Position) -> tuple[int, int]:
        line = pos.line + 1
        return line, self.from_units(_line(lines, line), pos.character)

    def from_range(self, lines: list[str], rng: t.Range) -> tuple[int, int, int, int]:
        return (*self.from_position(lines, rng.start), *self.from_position(lines, rng.end))


def _line(lines: list[str], line: int) -> str:
    return lines[line - 1] if 1 <= line <= len(lines) else ""


UTF16 = Positions("utf-16")
