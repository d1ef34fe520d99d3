"""Turn one Lark syntax error into one diagnostic plus a repaired text that parses further.

Repairs never change the number of lines, so every position after them stays true. A known
mistake is repaired with its own quick fix (missing ':', misspelled keyword, '=' for '==', old
print statement, indentation); anything else has its logical line replaced by `pass` (or by
`if True:` when it opened a block), which keeps the block structure intact.
"""

from __future__ import annotations

import re

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput
from lark.indenter import DedentError

from ..diagnostics import Span, catalogue, closest
from ..language import keywords as language_keywords
from .build import UNSUPPORTED as UNSUPPORTED_WORDS
from .scanner import LogicalLine, scan

BLOCK_KEYWORDS = set(language_keywords.BLOCK_KEYWORDS)
STATEMENT_KEYWORDS = list(language_keywords.STATEMENT_KEYWORDS)
MISSPELLINGS = {"function": "def", "func": "def", "fn": "def", "fun": "def", "fucntion": "def",
                "funtion": "def", "define": "def", "elsif": "elif", "elseif": "elif", "elif": "elif"}
_OTHER_LANGUAGE_CHARS = {
    "&&": (*catalogue.NOT_IN_HYPERCODE["&&"], "and"),
    "||": (*catalogue.NOT_IN_HYPERCODE["||"], "or"),
    "!": (*catalogue.NOT_IN_HYPERCODE["!"], "not "),
    "++": (*catalogue.NOT_IN_HYPERCODE["++"], " += 1"),
    "--": (*catalogue.NOT_IN_HYPERCODE["--"], " -= 1"),
}
TOKEN_WORDS = catalogue.TOKEN_WORDS  # how a syntax error names what it found
VALUE_START = {"NAME", "STRING", "FSTRING", "DEC_NUMBER", "FLOAT_NUMBER", "HEX_NUMBER", "OCT_NUMBER",
               "BIN_NUMBER", "NONE", "TRUE", "FALSE", "LPAR", "LSQB", "LBRACE"}


def describe(token: Token) -> str:
    if token.type in TOKEN_WORDS:
        return TOKEN_WORDS[token.type]
    text = str(token)
    shape = "name" if token.type == "NAME" else "keyword" if text.isalpha() else "symbol"
    return catalogue.TOKEN_SHAPES[shape].format(text=text)


class Repair:
    """The outcome of classifying one error: a diagnostic (chunk coordinates) and new lines."""

    def __init__(self, diagnostic, lines: list[str]):
        self.diagnostic = diagnostic
        self.lines = lines


def repair(error: UnexpectedInput, lines: list[str]) -> Repair:
    """Classify `error` raised while parsing `lines` (one chunk) and repair the text."""
    logical = scan("\n".join(lines)).logical
    line, col = _error_position(error)
    line = max(1, min(line, len(lines)))
    current = _logical_at(logical, line)
    for rule in (_dedent, _unexpected_indent, _missing_block, _legacy_print, _misspelled_keyword,
                 _missing_colon, _assignment_in_condition, _other_language, _bitwise):
        found = rule(error, lines, logical, current, line, col)
        if found:
            return found
    return _generic(error, lines, logical, current, line, col)


def _error_position(error) -> tuple[int, int]:
    token = getattr(error, "token", None)
    if isinstance(token, Token) and token.type in ("_INDENT", "_DEDENT", "_NEWLINE") and token.end_line:
        if token.type != "_NEWLINE":
            return token.end_line, (token.end_column or 1)
    if isinstance(token, Token) and token.type == "$END":
        return getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1
    return getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1


def _logical_at(logical: list[LogicalLine], line: int) -> LogicalLine:
    best = None
    for item in logical:
        if item.start <= line:
            best = item
        if item.start <= line <= item.end:
            return item
    if best is None:
        return LogicalLine(line, line, 0, "")
    return best


def _indent_of(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" "))]


def _code_end(text: str) -> int:
    """Column (1-based, exclusive) just after the code on a line, before any comment."""
    from .scanner import _code_part
    return len(_code_part(text).rstrip()) + 1


def _replace_line(lines, number, new_text) -> list[str]:
    lines = list(lines)
    lines[number - 1] = new_text
    return lines


def _previous_code_line(logical, line) -> LogicalLine | None:
    before = [item for item in logical if item.end < line]
    return before[-1] if before else None


# ---------------------------------------------------------------- rules

def _dedent(error, lines, logical, current, line, col):
    """Lark's indenter says a dedent matched no open block, but not where: find that line by
    walking the blocks, and indent it like the block it steps back to."""
    if not isinstance(error, DedentError):
        return None
    levels = [0]
    previous_opens_block = False
    for item in logical:
        if item.indent > levels[-1] and previous_opens_block:
            levels.append(item.indent)
        else:
            while item.indent < levels[-1]:
                levels.pop()
            if item.indent != levels[-1]:
                return _reindent(lines, item, levels[-1], "dedent")
        previous_opens_block = item.ends_with_colon
    return _generic(error, lines, logical, current, line, col)


def _reindent(lines, item: LogicalLine, target: int, kind: str) -> Repair:
    text = lines[item.start - 1]
    old_indent = _indent_of(text)
    span = Span(item.start, 1, item.start, len(old_indent) + 1)
    fix = catalogue.replace_fix(catalogue.fix_title("indent_by", spaces=target) if target
                                else catalogue.fix_title("remove_indentation"),
                                span, " " * target)
    diag = catalogue.diagnostic("HC0005", span, fixes=[fix], kind=kind)
    return Repair(diag, _replace_line(lines, item.start, " " * target + text[len(old_indent):]))


def _unexpected_indent(error, lines, logical, current, line, col):
    token = getattr(error, "token", None)
    if not (isinstance(token, Token) and token.type == "_INDENT"):
        return None
    previous = _previous_code_line(logical, current.start)
    target = previous.indent if previous else 0
    return _reindent(lines, current, target, "unexpected")


def _missing_block(error, lines, logical, current, line, col):
    expected = getattr(error, "expected", set()) or set()
    if "_INDENT" not in expected:
        return None
    header = _previous_code_line(logical, current.start) if current.start >= line else current
    if header is None or not header.ends_with_colon:
        header = _previous_code_line(logical, line + 1) or current
    header_text = lines[header.end - 1]
    end = _code_end(header_text)
    indent = " " * (header.indent + 4)
    fixes = []
    body = [item for item in logical if item.start > header.end]
    # Usually the block is there but wasn't indented: indent its first line (keeps the names it binds).
    if body and body[0].indent == header.indent and body[0].first_word not in BLOCK_KEYWORDS - {"if", "for", "while", "match", "try"}:
        first = body[0]
        fixes.append(catalogue.replace_fix(catalogue.fix_title("indent_line_below"),
                                           Span(first.start, 1, first.start, first.indent + 1), indent))
        repaired_lines = list(lines)
        for number in range(first.start, first.end + 1):
            repaired_lines[number - 1] = "    " + repaired_lines[number - 1]
    else:
        repaired_lines = _replace_line(lines, header.end, header_text[:end - 1] + " pass" + header_text[end - 1:])
    fixes.append(catalogue.fix_insert(Span(header.end, end, header.end, end), f"\n{indent}pass",
                                      catalogue.fix_title("add_pass")))
    diag = catalogue.diagnostic("HC0005", Span(header.start, header.indent + 1, header.end, end), fixes=fixes,
                                kind="missing", keyword=header.first_word or "block")
    return Repair(diag, repaired_lines)


def _legacy_print(error, lines, logical, current, line, col):
    if current.first_word != "print" or current.start != current.end:
        return None
    text = lines[current.start - 1]
    indent = _indent_of(text)
    after = text[len(indent) + len("print"):]
    if not after[:1].isspace() or after.strip()[:1] in ("(", "=", ".", "[", ""):
        return None
    end = _code_end(text)
    argument = text[len(indent) + len("print"):end - 1].strip()
    span = Span(current.start, len(indent) + 1, current.start, end)
    replacement = f"print({argument})"
    fix = catalogue.replace_fix(catalogue.fix_title("change_to", new=replacement), span, replacement)
    diag = catalogue.diagnostic("HC0007", span, fixes=[fix])
    return Repair(diag, _replace_line(lines, current.start, indent + replacement + text[end - 1:]))


def _misspelled_keyword(error, lines, logical, current, line, col):
    word = current.first_word
    text = lines[current.start - 1]
    indent = _indent_of(text)
    keyword = None
    if text[len(indent):].startswith("else if ") or text[len(indent):].startswith("else if("):
        word, keyword = "else if", "elif"
    elif word in MISSPELLINGS and word != MISSPELLINGS[word]:
        keyword = MISSPELLINGS[word]
    elif word and len(word) >= 3 and word not in STATEMENT_KEYWORDS:
        keyword = closest(word, STATEMENT_KEYWORDS)
        if keyword and word.lower() != keyword and _looks_like_name_use(text[len(indent) + len(word):]):
            keyword = None
    if not keyword:
        return None
    span = Span(current.start, len(indent) + 1, current.start, len(indent) + len(word) + 1)
    fix = catalogue.fix_rename(span, word, keyword)
    diag = catalogue.diagnostic("HC0008", span, fixes=[fix], word=word, keyword=keyword)
    new_text = indent + keyword + text[len(indent) + len(word):]
    return Repair(diag, _replace_line(lines, current.start, new_text))


def _looks_like_name_use(rest: str) -> bool:
    """After a word that resembles a keyword: does the line read as using a name instead?"""
    rest = rest.lstrip()
    return bool(rest) and (rest[0] in "(.[=," or rest.startswith("+=") or rest.startswith("-="))


def _missing_colon(error, lines, logical, current, line, col):
    token = getattr(error, "token", None)
    expected = getattr(error, "expected", set()) or set()
    if "COLON" not in expected or not isinstance(token, Token) or token.type != "_NEWLINE":
        return None
    if current.first_word not in BLOCK_KEYWORDS:
        return None
    text = lines[current.end - 1]
    end = _code_end(text)
    fix = catalogue.fix_insert(Span(current.end, end, current.end, end), ":", catalogue.fix_title("add_colon"))
    diag = catalogue.diagnostic("HC0002", Span(current.end, end, current.end, end), fixes=[fix],
                                keyword=current.first_word)
    return Repair(diag, _replace_line(lines, current.end, text[:end - 1] + ":" + text[end - 1:]))


def _assignment_in_condition(error, lines, logical, current, line, col):
    token = getattr(error, "token", None)
    if not (isinstance(token, Token) and str(token) == "=" and current.first_word in ("if", "elif", "while", "assert")):
        return None
    span = Span(token.line, token.column, token.line, token.column + 1)
    fix = catalogue.fix_rename(span, "=", "==")
    diag = catalogue.diagnostic("HC0006", span, fixes=[fix])
    text = lines[token.line - 1]
    return Repair(diag, _replace_line(lines, token.line, text[:token.column - 1] + "==" + text[token.column:]))


def _other_language(error, lines, logical, current, line, col):
    """`&&`, `||`, `!x`, `x++` from other languages: say what HyperCode uses instead."""
    from .scanner import _code_part
    text = lines[line - 1] if line <= len(lines) else ""
    for symbol, (feature, instead, replacement) in _OTHER_LANGUAGE_CHARS.items():
        index = text.rfind(symbol, 0, col + len(symbol))
        if index < 0 or (symbol == "!" and text[index + 1:index + 2] == "="):
            continue
        if symbol in ("++", "--") and not re.search(rf"[\w\])]\s*{re.escape(symbol)}\s*$", _code_part(text)):
            continue
        if symbol in ("&&", "||"):
            replacement = ("" if text[index - 1:index] == " " else " ") + replacement + \
                          ("" if text[index + 2:index + 3] == " " else " ")
        span = Span(line, index + 1, line, index + 1 + len(symbol))
        if symbol in ("++", "--") and re.search(r"(?<![=!<>])=(?!=)", _code_part(text)[:index]):
            # `y = x++` has no one-line HyperCode spelling: no fix, and no repair that makes a
            # second, false error (`y = x += 1`); the line keeps the name it binds.
            diag = catalogue.diagnostic("HC0009", span, feature=feature, instead=instead)
            return Repair(diag, blank_logical_line(lines, logical, current))
        fix = catalogue.replace_fix(catalogue.fix_title("change", old=symbol, new=replacement.strip()), span, replacement)
        diag = catalogue.diagnostic("HC0009", span, fixes=[fix], feature=feature, instead=instead)
        new_text = text[:index] + replacement + text[index + len(symbol):]
        return Repair(diag, _replace_line(lines, line, new_text))
    return None


_BITWISE = re.compile(r"<<|>>|[&|^]")


def _bitwise(error, lines, logical, current, line, col):
    """`a & b`, `a | b`, `a ^ b`, `a << b`, `a >> b`: named as operators HyperCode doesn't have."""
    text = lines[line - 1] if line <= len(lines) else ""
    # The error is reported at the operator (or, for `<<`, at its second character).
    found = next((m for m in _BITWISE.finditer(text) if m.start() <= col - 1 < m.end()), None)
    if found is None or current.first_word == "case":
        return None
    feature, instead = UNSUPPORTED_WORDS["bitwise"]
    span = Span(line, found.start() + 1, line, found.end() + 1)
    diag = catalogue.diagnostic("HC0009", span, feature=f"{feature} '{found.group(0)}'", instead=instead)
    return Repair(diag, blank_logical_line(lines, logical, current))


def _generic(error, lines, logical, current, line, col):
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedCharacters):
        text = lines[line - 1] if line <= len(lines) else ""
        char = text[col - 1:col] or "?"
        if char.isdigit() or (char == "." and text[col:col + 1].isdigit()):
            number = re.match(r"[\w.]+", text[col - 1:]).group(0)
            span = Span(line, col, line, col + len(number))
            diag = catalogue.diagnostic("HC0001", span, detail=catalogue.syntax_detail("bad_number", number=number))
        else:
            span = Span(line, col, line, col + 1)
            diag = catalogue.diagnostic("HC0001", span, detail=catalogue.syntax_detail("bad_character", char=char))
        return Repair(diag, blank_logical_line(lines, logical, current))
    expected = getattr(error, "expected", set()) or set()
    if current.first_word == "case":
        detail = catalogue.syntax_detail("case_unknown")
    elif isinstance(token, Token) and token.type == "$END":
        detail = catalogue.syntax_detail("file_ends_early")
    elif isinstance(token, Token) and token.type == "_NEWLINE":
        detail = catalogue.syntax_detail("line_ends_early")
    elif isinstance(token, Token) and token.type in VALUE_START and ("ADD_OP" in expected or "RPAR" in expected):
        detail = catalogue.syntax_detail("values_side_by_side", token=describe(token))
    elif isinstance(token, Token):
        detail = catalogue.syntax_detail("unexpected_token", token=describe(token))
    else:
        detail = None
    if isinstance(token, Token) and token.type not in ("_NEWLINE", "$END", "_INDENT", "_DEDENT") and token.line:
        span = Span(token.line, token.column, token.end_line or token.line, token.end_column or token.column + 1)
    else:
        text = lines[current.end - 1] if current.end <= len(lines) else ""
        end = _code_end(text)
        span = Span(current.end, max(1, end - 1), current.end, end)
    diag = catalogue.diagnostic("HC0001", span, detail=detail)
    return Repair(diag, blank_logical_line(lines, logical, current))


def blank_logical_line(lines, logical, current: LogicalLine) -> list[str]:
    """Replace a logical line with `pass` (or `if True:` if a deeper block follows it)."""
    lines = list(lines)
    following = [item for item in logical if item.start > current.end]
    opens_block = bool(following) and following[0].indent > current.indent
    # Keep the statement's role in its compound statement, so the structure stays valid.
    header = {"case": "case _:", "elif": "elif True:", "else": "else:", "except": "except:",
              "finally": "finally:"}.get(current.first_word, "if True:")
    original = "\n".join(lines[current.start - 1:current.end]).strip()
    replacement = _keep_bindings(original, opens_block) or (header if opens_block else "pass")
    lines[current.start - 1] = " " * current.indent + replacement
    for number in range(current.start + 1, current.end + 1):
        lines[number - 1] = ""
    return lines


_ASSIGNED_NAMES = re.compile(r"^([^\W\d]\w*(?:\s*,\s*[^\W\d]\w*)*)\s*=(?!=)")
_DEF_HEADER = re.compile(r"^def\s+([^\W\d]\w*)\s*\(([^)]*)")
_KEYWORDS = set(language_keywords.HARD_KEYWORDS)


def _keep_bindings(original: str, opens_block: bool) -> str | None:
    """A stand-in for a broken line that still binds the names it meant to bind, so later uses
    of them aren't reported as unknown (one mistake, one diagnostic)."""
    if opens_block:
        header = _DEF_HEADER.match(original)
        if header:
            params = []
            for word in re.findall(r"[^\W\d]\w*", header.group(2).split("=")[0] if "=" not in header.group(2)
                                   else ",".join(part.split("=")[0] for part in header.group(2).split(","))):
                if word not in params and word not in _KEYWORDS:
                    params.append(word)
            return f"def {header.group(1)}({', '.join(params)}):"
        return None
    assigned = _ASSIGNED_NAMES.match(original)
    if assigned:
        names = [n.strip() for n in assigned.group(1).split(",")]
        if not any(n in _KEYWORDS for n in names):
            return ", ".join(names) + " = " + ", ".join("None" for _ in names)
    return None
