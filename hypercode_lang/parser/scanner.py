"""A fast pre-pass over the whole file: logical lines, comments, top-level chunks, and the
problems a grammar can't point at well (unclosed strings and brackets, stray closers, tabs).

Each problem comes with a repair that keeps the line count, so positions after it stay true
and the rest of the file can still be parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import Span, catalogue, closest
from ..ir.tree import MAX_NESTING
from ..language.keywords import CLAUSE_KEYWORDS, STATEMENT_START_WORDS

# Only these characters can start what the scanner looks at (a string's quote, a comment, a
# bracket, a line end); everything between them is skipped in one possessive run, so the regex
# engine looks at each other character once. A string's prefix letters (r, u, f, fr, rf) are
# read back from its quote (`_string_start`). A lone backslash and the end of the text match
# too (and are ignored), so no attempt fails and is retried from the next character.
_TOKEN = re.compile(
    r"""[^"'#()\[\]{}\\\n]*+"""
    r'''(?:(?P<triple>"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|\'\'\'(?:[^'\\]|\\[\s\S]|'(?!''))*\'\'\')'''
    r'''|(?P<string>"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*')'''
    r'''|(?P<open_triple>"""|\'\'\')'''
    r'''|(?P<open_string>["'])'''
    r'''|(?P<comment>\#[^\n]*)'''
    r'''|(?P<bracket>[()\[\]{}])'''
    r'''|(?P<continuation>\\[ \t]*\n)'''
    r'''|(?P<newline>\n)'''
    r'''|(?P<stray>\\)|(?P<end>\Z))'''
)
_STRING_PREFIXES = frozenset({"fr", "rf"})
_PREFIX_LETTERS = "rRuUfF"
_STRINGS = frozenset({"triple", "string", "open_triple", "open_string"})
_WORD = re.compile(r"[^\W\d]\w*")
_ASSIGNMENT = re.compile(r"[^\W\d]\w*\s*(?:\[[^\]]*\]\s*)?(?:[-+*/%]|//|\*\*)?=(?!=)")

CLOSER = {"(": ")", "[": "]", "{": "}"}
OPENER = {v: k for k, v in CLOSER.items()}
# Words that start a statement: a line starting with one of these (at or left of an open
# bracket's line) is not a continuation of that bracket, so the bracket was never closed.
STATEMENT_WORDS = STATEMENT_START_WORDS
CONTINUES_CHUNK = CLAUSE_KEYWORDS


@dataclass(slots=True)
class LogicalLine:
    start: int          # first physical line (1-based)
    end: int            # last physical line
    indent: int         # width of the first line's leading spaces
    first_word: str     # first identifier on the line, "" if none
    ends_with_colon: bool = False
    first_char: str = ""


@dataclass(slots=True)
class Chunk:
    start: int          # first physical line (1-based)
    end: int            # last physical line


@dataclass
class Scan:
    lines: list[str]
    logical: list[LogicalLine]
    comments: list[tuple[int, int, str]]
    chunks: list[Chunk]
    problems: list = field(default_factory=list)   # diagnostics found by the scanner
    repaired: list[str] | None = None              # lines after repairs (None: no repairs)

    @property
    def text_lines(self) -> list[str]:
        return self.repaired if self.repaired is not None else self.lines


def scan(text: str) -> Scan:
    lines = text.split("\n")
    edits: dict[int, str] = {}          # line number -> repaired text of that line
    problems = []
    comments: list[tuple[int, int, str]] = []
    stack: list[tuple[str, int, int]] = []   # (bracket, line, col)
    logical: list[LogicalLine] = []
    current_start = None

    def edit_line(number: int, new_text: str):
        edits[number] = new_text

    def text_of(number: int) -> str:
        return edits.get(number, lines[number - 1])

    def close_brackets_before(line_number: int):
        """The brackets on the stack were never closed: report the innermost-first opener and
        repair by closing them at the end of the last code line before `line_number`."""
        target = line_number - 1
        while target > stack[-1][1] and not _code_part(text_of(target)).strip():
            target -= 1
        code = _code_part(text_of(target))
        closers = "".join(CLOSER[b] for b, _, _ in reversed(stack))
        insert_at = len(code.rstrip())
        bracket, b_line, b_col = stack[0]
        fix = catalogue.fix_insert(Span(target, insert_at + 1, target, insert_at + 1), closers,
                                   catalogue.fix_title("close_brackets", closers=closers, line=target))
        problems.append(catalogue.diagnostic("HC0003", Span(b_line, b_col, b_line, b_col + 1), fixes=[fix],
                                             bracket=bracket, kind="unclosed"))
        line_text = text_of(target)
        edit_line(target, line_text[:insert_at] + closers + line_text[insert_at:])
        stack.clear()

    def end_logical(line_number: int):
        nonlocal current_start
        if current_start is None:
            return
        first = lines[current_start - 1]
        stripped = first.lstrip(" \t")
        word = _WORD.match(stripped)
        code = _code_part(edits.get(line_number, lines[line_number - 1])).rstrip()
        logical.append(LogicalLine(current_start, line_number, len(first) - len(stripped),
                                   word.group(0) if word else "", code.endswith(":"), stripped[:1]))
        current_start = None

    # Tokens arrive in order: the line (and where it starts) move on at each newline, and past
    # the newlines inside a token (a triple-quoted string, a backslash-newline in a string).
    line_number, line_start = 1, 0
    # The first line may start a logical line.
    if lines and lines[0].strip() and not lines[0].lstrip().startswith("#"):
        current_start = 1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "newline" or kind == "continuation":
            line_number += 1
            line_start = match.end()
            if kind == "newline" and not stack:
                end_logical(line_number - 1)
            next_line = lines[line_number - 1] if line_number <= len(lines) else ""
            stripped = next_line.lstrip(" \t")
            if stack and stripped and not stripped.startswith("#"):
                indent = len(next_line) - len(stripped)
                opener_line = lines[stack[0][1] - 1]
                opener_indent = len(opener_line) - len(opener_line.lstrip(" \t"))
                word = _WORD.match(stripped)
                if indent <= opener_indent and stripped[0] not in ")]}" and (
                        (word and word.group(0) in STATEMENT_WORDS and not
                         (word.group(0) in ("if", "else", "for") and indent > 0))
                        or _ASSIGNMENT.match(stripped)):
                    close_brackets_before(line_number)
                    end_logical(line_number - 1)
            if current_start is None and not stack and stripped and stripped[0] != "#":
                current_start = line_number
            continue
        if kind == "stray" or kind == "end":
            continue
        start = match.start(kind)
        if kind in _STRINGS:
            start = _string_start(text, start)
        col = start - line_start + 1
        if kind == "triple" or kind == "string":
            value = match.group(kind)
            if "\n" in value:
                line_number += value.count("\n")
                line_start = match.start(kind) + value.rindex("\n") + 1
        elif kind == "comment":
            comments.append((line_number, col, match.group(kind)))
        elif kind == "bracket":
            char = match.group(kind)
            if char in CLOSER:
                stack.append((char, line_number, col))
                if len(stack) == MAX_NESTING + 1:  # once per bracket group, not per extra level
                    problems.append(catalogue.diagnostic("HC0010", Span(line_number, col, line_number, col + 1),
                                                         limit=MAX_NESTING))
            elif not stack:
                fix = catalogue.fix_remove(Span(line_number, col, line_number, col + 1), f"the extra '{char}'")
                problems.append(catalogue.diagnostic("HC0003", Span(line_number, col, line_number, col + 1),
                                                     fixes=[fix], bracket=char, kind="stray"))
                line_text = text_of(line_number)
                edit_line(line_number, line_text[:col - 1] + " " + line_text[col:])
            elif CLOSER[stack[-1][0]] != char:
                expected = CLOSER[stack[-1][0]]
                fix = catalogue.replace_fix(catalogue.fix_title("change", old=char, new=expected),
                                            Span(line_number, col, line_number, col + 1), expected)
                problems.append(catalogue.diagnostic("HC0003", Span(line_number, col, line_number, col + 1),
                                                     fixes=[fix], bracket=char, kind="mismatch",
                                                     opener=stack[-1][0], expected=expected))
                line_text = text_of(line_number)
                edit_line(line_number, line_text[:col - 1] + expected + line_text[col:])
                stack.pop()
            else:
                stack.pop()
        elif kind in ("open_string", "open_triple"):
            _report_unclosed_string(text[start:match.end(kind)], line_number, col, text_of, edit_line, problems, stack)
            if kind == "open_triple":
                # The rest of the file would be inside the string; stop scanning here.
                break
    if stack:
        close_brackets_before(len(lines) + 1 if lines[-1].strip() else len(lines))
    end_logical(len(lines))

    for item in logical:
        first = text_of(item.start)
        indent_text = first[: len(first) - len(first.lstrip(" \t"))]
        if "\t" in indent_text:
            spaces = indent_text.replace("\t", "    ")
            fix = catalogue.replace_fix(catalogue.fix_title("tab_to_spaces"), Span(item.start, 1, item.start, len(indent_text) + 1), spaces)
            problems.append(catalogue.diagnostic("HC0005", Span(item.start, 1, item.start, len(indent_text) + 1),
                                                 fixes=[fix], kind="tab"))
            edit_line(item.start, spaces + first[len(indent_text):])
            item.indent = len(spaces)

    repaired = None
    if edits:
        repaired = list(lines)
        for number, new_text in edits.items():
            repaired[number - 1] = new_text
    return Scan(lines, logical, comments, _chunks(logical, len(lines)), problems, repaired)


def _string_start(text: str, quote_at: int) -> int:
    """Where the string whose quote is at `quote_at` starts: at its prefix (r, u, f, fr, rf in
    either case), as a regex trying `[rRuUfF]|[fF][rR]|[rR][fF]` before the quote from the
    leftmost position would find it."""
    if quote_at >= 2 and text[quote_at - 2:quote_at].lower() in _STRING_PREFIXES:
        return quote_at - 2
    if quote_at >= 1 and text[quote_at - 1] in _PREFIX_LETTERS:
        return quote_at - 1
    return quote_at


def _report_unclosed_string(opener, line_number, col, text_of, edit_line, problems, stack):
    line_text = text_of(line_number)
    quote_start = col - 1
    quote = opener.lstrip(_PREFIX_LETTERS)
    rest = line_text[quote_start + len(opener):]
    # `print("hello)` — put the quote before the closers that belong to brackets opened earlier.
    open_before = sum(1 for _, b_line, _ in stack if b_line == line_number)
    body = _code_part(rest, in_string=True).rstrip()
    trailing = 0
    while trailing < len(body) and trailing < open_before + 1 and body[len(body) - 1 - trailing] in ")]}:":
        if body[len(body) - 1 - trailing] == ":" and trailing > 0:
            break
        trailing += 1
    insert_at = quote_start + len(opener) + len(body) - trailing
    fix = catalogue.fix_insert(Span(line_number, insert_at + 1, line_number, insert_at + 1), quote,
                               catalogue.fix_title("close_string", quote=quote))
    span = Span(line_number, col, line_number, len(line_text) + 1)
    problems.append(catalogue.diagnostic("HC0004", span, fixes=[fix]))
    edit_line(line_number, line_text[:insert_at] + quote + line_text[insert_at:])


def _code_part(line: str, in_string: bool = False) -> str:
    """The line without a trailing comment (a '#' outside strings)."""
    if "#" not in line:
        return line
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 1
            elif line.startswith(quote, i):
                quote = None
        elif ch in "'\"" and not in_string:
            quote = ch
        elif ch == "#":
            return line[:i]
        i += 1
    return line


def _chunks(logical: list[LogicalLine], line_count: int) -> list[Chunk]:
    """Top-level statements: a logical line at column 0 starts a chunk unless it continues the
    previous compound statement (elif/else/except/finally) or follows a decorator line."""
    chunks: list[Chunk] = []
    previous_word = ""
    previous_opens_block = False
    for item in logical:
        # After a header ending in ':' a line at column 0 is a forgotten block: keep them together.
        starts = (item.indent == 0 and not _continues(item) and not previous_word.startswith("@")
                  and not previous_opens_block)
        previous_opens_block = item.ends_with_colon
        if starts or not chunks:
            if chunks:
                chunks[-1].end = item.start - 1
            chunks.append(Chunk(item.start, item.end))
        previous_word = "@" if item.first_char == "@" else item.first_word
    if chunks:
        chunks[-1].end = line_count
        chunks[0].start = 1
    return chunks



def _continues(item: LogicalLine) -> bool:
    """elif/else/except/finally (or a near miss like `esle:`) belong to the statement above."""
    word = item.first_word
    if word in CONTINUES_CHUNK:
        return True
    if word in STATEMENT_WORDS:
        return False
    return item.ends_with_colon and len(word) >= 3 and (word in ("elsif", "elseif") or bool(closest(word, CONTINUES_CHUNK)))
