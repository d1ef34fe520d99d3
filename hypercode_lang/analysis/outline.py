"""The shape of a document: nested symbols (outline), folding ranges and selection ranges."""

from __future__ import annotations

from dataclasses import dataclass, field

from .document import Document, def_name_loc, loc_contains
from .scopes import kind_of

FOLDABLE = {"def", "if", "while", "for", "try", "match"}


@dataclass
class OutlineSymbol:
    name: str
    kind: str                  # function | variable | module
    loc: list                  # the whole statement
    selection_loc: list        # just the name
    detail: str = ""
    children: list = field(default_factory=list)


def document_symbols(document: Document) -> list[OutlineSymbol]:
    by_node = {id(scope.node): scope for scope in document.analysis.scopes if scope.kind == "function"}
    return _scope_symbols(document, document.analysis.module, by_node)


def _scope_symbols(document: Document, scope, by_node) -> list[OutlineSymbol]:
    found = []
    for symbol in scope.symbols.values():
        if symbol.kind == "parameter" or not symbol.definitions or not symbol.definitions[0]:
            continue
        first = symbol.definitions[0]
        if symbol.kind == "function" and symbol.node is not None and symbol.node.get("loc"):
            from .hover import def_signature
            inner = by_node.get(id(symbol.node))
            children = _scope_symbols(document, inner, by_node) if inner is not None else []
            found.append(OutlineSymbol(symbol.name, "function", symbol.node["loc"],
                                       def_name_loc(document, symbol.node) or first,
                                       def_signature(symbol.node), children))
        else:
            found.append(OutlineSymbol(symbol.name, "module" if symbol.kind == "module" else "variable",
                                       first, first))
    found.sort(key=lambda s: (s.loc[0], s.loc[1]))
    return found


def workspace_symbols(document: Document) -> list[OutlineSymbol]:
    """Every symbol of the outline, flattened (functions and top-level variables)."""
    out = []
    stack = list(document_symbols(document))
    while stack:
        symbol = stack.pop()
        out.append(symbol)
        stack.extend(child for child in symbol.children if child.kind == "function")
    return out


def matches(query: str, name: str) -> bool:
    """Fuzzy: the query's letters appear in order in the name (case-insensitive)."""
    query, name = query.lower(), name.lower()
    index = 0
    for ch in name:
        if index < len(query) and ch == query[index]:
            index += 1
    return index == len(query)


# ------------------------------------------------------------------ folding

@dataclass
class Fold:
    start: int
    end: int
    kind: str   # region | comment | imports


def folding_ranges(document: Document) -> list[Fold]:
    folds = []
    for statement, _depth in document.statements():
        loc = statement.get("loc")
        if loc and kind_of(statement) in FOLDABLE:
            end = _last_code_line(document, loc[2])
            if end > loc[0]:
                folds.append(Fold(loc[0], end, "region"))
    comment_lines = sorted(line for line, (col, _text) in document.comment_lines.items()
                           if document.line_text(line)[:col - 1].strip() == "")
    folds += _runs(comment_lines, "comment")
    import_lines = sorted(s["loc"][0] for s in document.program["body"] if kind_of(s) == "import" and s.get("loc"))
    folds += _runs(import_lines, "imports")
    return sorted(folds, key=lambda f: (f.start, -f.end))


def _last_code_line(document: Document, line: int) -> int:
    while line > 1 and not document.line_text(line).strip():
        line -= 1
    return line


def _runs(lines: list[int], kind: str) -> list[Fold]:
    folds = []
    start = previous = None
    for line in lines + [None]:
        if line is not None and previous is not None and line == previous + 1:
            previous = line
            continue
        if start is not None and previous > start:
            folds.append(Fold(start, previous, kind))
        start = previous = line
    return folds


# ------------------------------------------------------------------ selection ranges

def selection_chain(document: Document, line: int, col: int) -> list[list]:
    """Ever larger locs around the position, innermost first, ending with the whole document."""
    found = set()
    word = document.word_at(line, col)
    if word:
        found.add((line, word[1], line, word[2]))
    stack = [document.program["body"]]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            loc = item.get("loc")
            if loc and not loc_contains(loc, line, col):
                continue
            if loc:
                found.add(tuple(loc))
            stack.extend(v for k, v in item.items() if k != "loc" and isinstance(v, (dict, list)))
    last = len(document.lines)
    found.add((1, 1, last, len(document.line_text(last)) + 1))
    chain = sorted(found, key=lambda loc: ((loc[0], loc[1]), (-loc[2], -loc[3])), reverse=True)
    # keep only locs that contain the previous one (a proper nesting chain)
    nested = []
    for loc in chain:
        if not nested or _inside(nested[-1], loc):
            nested.append(list(loc))
    return nested


def _inside(inner, outer) -> bool:
    return (outer[0], outer[1]) <= (inner[0], inner[1]) and (inner[2], inner[3]) <= (outer[2], outer[3])


__all__ = ["OutlineSymbol", "Fold", "document_symbols", "workspace_symbols", "matches", "folding_ranges",
           "selection_chain"]
