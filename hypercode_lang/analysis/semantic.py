"""Semantic tokens: what each name in the text is (function, parameter, variable, module,
method, built-in), so editors can colour by meaning rather than by spelling."""

from __future__ import annotations

from dataclasses import dataclass

from .document import Document

TOKEN_TYPES = ["namespace", "function", "parameter", "variable", "method", "property"]
TOKEN_MODIFIERS = ["declaration", "defaultLibrary"]
STANDARD_MODULES = {"math"}
_KIND_TYPE = {"module": "namespace", "function": "function", "parameter": "parameter", "variable": "variable",
              "builtin": "function"}


@dataclass(frozen=True)
class Token:
    line: int
    col: int
    end_col: int
    type: str
    modifiers: tuple = ()


def tokens(document: Document, first_line: int = 1, last_line: int | None = None) -> list[Token]:
    last_line = last_line if last_line is not None else len(document.lines)
    found = {}
    analysis = document.analysis
    for occurrence in analysis.occurrences:
        loc = occurrence.loc
        if not loc or loc[0] != loc[2] or not first_line <= loc[0] <= last_line:
            continue
        symbol = occurrence.symbol
        kind = symbol.kind if symbol is not None else "variable"
        modifiers = []
        if occurrence.is_definition:
            modifiers.append("declaration")
        if kind == "builtin":
            modifiers.append("defaultLibrary")
        found[(loc[0], loc[1])] = Token(loc[0], loc[1], loc[3], _KIND_TYPE.get(kind, "variable"), tuple(modifiers))
    called = {id(call["call"]["func"]) for call, _scope in analysis.calls}
    for node, scope in analysis.attributes:
        loc = node.get("loc")
        name = node["attr"]["name"]
        if not loc or not first_line <= loc[2] <= last_line:
            continue
        start = loc[3] - len(name)
        if start < 1 or document.line_text(loc[2])[start - 1:loc[3] - 1] != name:
            continue
        found.setdefault((loc[2], start), _attribute_token(node, scope, id(node) in called, loc[2], start, loc[3]))
    ordered = sorted(found.values(), key=lambda tok: (tok.line, tok.col))
    result = []
    for token in ordered:   # drop overlaps (never expected, but editors reject them)
        if result and result[-1].line == token.line and token.col < result[-1].end_col:
            continue
        result.append(token)
    return result


def _attribute_token(node: dict, scope, called: bool, line: int, start: int, end: int) -> Token:
    """`module.name` is a function (or variable) of that module; `value.name` a method or property.
    Only `math`'s members and methods of built-in types are the default library."""
    receiver = node["attr"]["value"]
    bound = scope.lookup(receiver["var"]) if "var" in receiver else None
    if bound is not None and bound.kind == "module":
        library = ("defaultLibrary",) if bound.name in STANDARD_MODULES else ()
        return Token(line, start, end, "function" if called else "variable", library)
    return Token(line, start, end, "method" if called else "property", ("defaultLibrary",))


__all__ = ["TOKEN_TYPES", "TOKEN_MODIFIERS", "Token", "tokens"]
