"""Completion candidates at a position: keywords, built-ins, names in scope, methods after `.`
on values whose type is known, members of `math` and of imported sibling modules, and
snippets for the block statements. `describe(item)` fills in the documentation later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics.catalogue import editor_message
from . import builtins as bi
from .document import Document
from .hover import builtin_markdown, symbol_markdown
from .scopes import infer_type

SNIPPETS = {
    "def": ("def ${1:name}(${2:params}):\n    ${0:pass}", "def name(params):"),
    "if": ("if ${1:condition}:\n    ${0:pass}", "if condition:"),
    "for": ("for ${1:item} in ${2:items}:\n    ${0:pass}", "for item in items:"),
    "while": ("while ${1:condition}:\n    ${0:pass}", "while condition:"),
    "match": ("match ${1:value}:\n    case ${2:pattern}:\n        ${0:pass}", "match value: case …"),
}
_RECEIVER = re.compile(r"([^\W\d]\w*|\"[^\"]*\"|'[^']*'|\]|\))\s*\.\s*(\w*)$")


@dataclass
class Item:
    label: str
    kind: str               # keyword | snippet | function | builtin | variable | parameter | module | method | constant
    detail: str = ""
    insert_text: str | None = None
    snippet: bool = False
    data: dict = field(default_factory=dict)   # enough to describe the item later


def complete(document: Document, line: int, col: int) -> list[Item]:
    prefix = document.line_text(line)[: col - 1]
    if _in_comment_or_string(prefix):
        return []
    member = _RECEIVER.search(prefix)
    if member:
        return _members(document, member.group(1), line, col)
    items: list[Item] = []
    scope = document.analysis.scope_at(line, col)
    for name, symbol in scope.visible().items():
        if symbol.is_builtin:
            signature = bi.FUNCTIONS[name]
            items.append(Item(name, "builtin", signature.label, data={"builtin": name}))
        else:
            items.append(Item(name, symbol.kind, symbol.kind, data={"symbol": name, "line": line, "col": col}))
    for keyword in bi.KEYWORDS:
        items.append(Item(keyword, "keyword", "keyword", data={"keyword": keyword}))
    for keyword, (body, detail) in SNIPPETS.items():
        items.append(Item(keyword, "snippet", detail, insert_text=body, snippet=True, data={"snippet": keyword}))
    return items


def _members(document: Document, receiver: str, line: int, col: int) -> list[Item]:
    if receiver == "math":
        items = [Item(n, "function", s.label, data={"math": n}) for n, s in bi.MATH.items()]
        return items + [Item(n, "constant", f"math.{n}", data={"math": n}) for n in bi.MATH_CONSTANTS]
    if receiver[0] in "\"'":
        receiver_type = "str"
    elif receiver == "]":
        receiver_type = "list"
    else:
        scope = document.analysis.scope_at(line, col)
        symbol = scope.lookup(receiver) if receiver.isidentifier() else None
        if symbol is not None and symbol.kind == "module":
            return _module_members(document, receiver)
        receiver_type = infer_type({"var": receiver}, scope) if symbol is not None else None
    if receiver_type in bi.METHODS:
        return [Item(n, "method", s.label, data={"method": n, "type": receiver_type})
                for n, s in bi.METHODS[receiver_type].items()]
    return []


def _module_members(document: Document, name: str) -> list[Item]:
    folder = document.folder
    if folder is None:
        return []
    try:
        text = (folder / f"{name}.hc").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    module = Document(text, str(folder / f"{name}.hc"))
    return [Item(symbol_name, symbol.kind, symbol.kind, data={"module": name, "symbol": symbol_name})
            for symbol_name, symbol in module.analysis.module.symbols.items() if not symbol_name.startswith("_")]


def describe(document: Document | None, data: dict) -> str:
    """Markdown documentation for a completion item (filled in lazily)."""
    if "builtin" in data and data["builtin"] in bi.FUNCTIONS:
        return builtin_markdown(bi.FUNCTIONS[data["builtin"]])
    if "math" in data:
        name = data["math"]
        if name in bi.MATH:
            return builtin_markdown(bi.MATH[name], "math.")
        return bi.MATH_CONSTANTS.get(name, "")
    if "method" in data:
        signature = bi.method(data.get("type", ""), data["method"])
        return builtin_markdown(signature, f"{data['type']}.") if signature else ""
    if "keyword" in data:
        return editor_message("hover.keyword", keyword=data["keyword"])
    if "snippet" in data:
        return editor_message("hover.snippet", snippet=data["snippet"], example=SNIPPETS[data["snippet"]][1])
    if "module" in data and "symbol" in data and document is not None:
        from .hover import _module_member
        return _module_member(document, data["module"], data["symbol"], None) or ""
    if "symbol" in data and document is not None:
        scope = document.analysis.scope_at(data.get("line", 1), data.get("col", 1))
        symbol = scope.lookup(data["symbol"])
        if symbol is not None:
            return symbol_markdown(document, symbol)
    return ""


def _in_comment_or_string(prefix: str) -> bool:
    quote = None
    for ch in prefix:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return True
    return quote is not None


__all__ = ["Item", "complete", "describe", "SNIPPETS"]
