"""Definition, references, rename and highlights for the name at a position.

Cross-file: `import helpers` binds a module; the definition of `helpers` is `helpers.hc` beside
the file, and the definition of `helpers.greet` is `greet` in that file. `load(path)` gives the
`Document` for a path (an open editor buffer or the file on disk); by default files are read.
"""

from __future__ import annotations

import keyword as _python_keywords
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics.catalogue import editor_message
from . import builtins as bi
from .document import Document
from .scopes import infer_type, kind_of

START = [1, 1, 1, 1]


@dataclass
class Target:
    filename: str | None      # None: the same document
    loc: list


class RenameRefused(Exception):
    """Why a rename can't happen, in calm words for the person."""


def read_document(path: str) -> Document | None:
    try:
        return Document(Path(path).read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError):
        return None


def module_path(document: Document, name: str) -> str | None:
    folder = document.folder
    if folder is None:
        return None
    path = folder / f"{name}.hc"
    return str(path) if path.exists() else None


def module_attribute(document: Document, line: int, col: int):
    """(module name, attribute name, attr loc) when the position is on `module.name`."""
    found = document.attribute_at(line, col)
    if found is None:
        return None
    node, scope, name_loc = found
    receiver = node["attr"]["value"]
    if kind_of(receiver) == "var" and infer_type(receiver, scope) == "module":
        return receiver["var"], node["attr"]["name"], name_loc
    return None


def definition(document: Document, line: int, col: int, load=read_document) -> list[Target]:
    occurrence = document.analysis.occurrence_at(line, col)
    if occurrence is not None and occurrence.symbol is not None:
        symbol = occurrence.symbol
        if symbol.kind == "module":
            path = module_path(document, symbol.name)
            return [Target(path, START)] if path else []
        return [Target(None, loc) for loc in symbol.definitions[:1]]
    found = module_attribute(document, line, col)
    if found is None:
        return []
    module, name, _ = found
    path = module_path(document, module)
    other = load(path) if path else None
    if other is None:
        return []
    symbol = other.analysis.module.symbols.get(name)
    return [Target(path, loc) for loc in (symbol.definitions[:1] if symbol else [])]


def _symbol_at(document: Document, line: int, col: int):
    occurrence = document.analysis.occurrence_at(line, col)
    return occurrence.symbol if occurrence is not None else None


def references(document: Document, line: int, col: int, include_declaration: bool = True) -> list[list]:
    symbol = _symbol_at(document, line, col)
    if symbol is None:
        return []
    if symbol.is_builtin:
        return [o.loc for o in document.analysis.occurrences if o.symbol is not None
                and o.symbol.is_builtin and o.name == symbol.name and o.loc]
    locs = list(symbol.references)
    if include_declaration:
        locs = list(symbol.definitions) + locs
    return sorted({tuple(loc) for loc in locs if loc})


def highlights(document: Document, line: int, col: int) -> list[tuple[list, bool]]:
    """(loc, is_write) for every use of the name at the position."""
    symbol = _symbol_at(document, line, col)
    if symbol is None:
        return []
    if symbol.is_builtin:
        return [(loc, False) for loc in references(document, line, col)]
    return sorted([(tuple(loc), True) for loc in symbol.definitions if loc]
                  + [(tuple(loc), False) for loc in symbol.references if loc])


def prepare_rename(document: Document, line: int, col: int, load=None) -> tuple[list, str]:
    """(loc, name) of the name that would be renamed, or RenameRefused saying why not. With
    `load`, `module.name` (a sibling module's top-level name) can be renamed too."""
    word = document.word_at(line, col)
    if word and word[0] in bi.KEYWORDS:
        raise RenameRefused(editor_message("rename.keyword", name=word[0]))
    occurrence = document.analysis.occurrence_at(line, col)
    if occurrence is None and load is not None:
        found = module_attribute(document, line, col)
        if found is not None:
            module, name, loc = found
            path = module_path(document, module)
            other = load(path) if path else None
            symbol = other.analysis.module.symbols.get(name) if other is not None else None
            if symbol is None or symbol.kind not in ("function", "variable"):
                raise RenameRefused(editor_message("rename.unknown_member", module=module, name=name))
            return loc, name
    if occurrence is None or occurrence.symbol is None:
        if occurrence is not None:
            raise RenameRefused(editor_message("rename.undefined", name=occurrence.name))
        raise RenameRefused(editor_message("rename.nothing"))
    if occurrence.symbol.is_builtin:
        raise RenameRefused(editor_message("rename.builtin", name=occurrence.name))
    if occurrence.symbol.kind == "module":
        raise RenameRefused(editor_message("rename.module", name=occurrence.name))
    return occurrence.loc, occurrence.name


def check_new_name(new_name: str) -> None:
    if not new_name.isidentifier() or _python_keywords.iskeyword(new_name) or new_name in bi.KEYWORDS:
        raise RenameRefused(editor_message("rename.not_a_name", new=new_name))


KIND_PHRASES = {"function": "a function", "variable": "a variable", "parameter": "a parameter",
                "module": "an imported module"}


def clash(document: Document, symbol, new_name: str) -> str | None:
    """Why renaming `symbol` to `new_name` would change what some name means, or None.

    Two ways: a use of the symbol would find another `new_name` first (one already visible
    there), or an existing `new_name` inside the symbol's scope would now find the symbol."""
    if new_name == symbol.name:
        return None
    analysis = document.analysis
    mine = [o for o in analysis.occurrences if o.symbol is symbol]
    for occurrence in mine:
        other = occurrence.scope.lookup(new_name)
        if other is not None and other is not symbol:
            return _clash_words(document, symbol, other, new_name)
    inside = set()
    pending = [symbol.scope] if symbol.scope is not None else []
    while pending:
        scope = pending.pop()
        inside.add(id(scope))
        pending.extend(scope.children)
    for occurrence in analysis.occurrences:
        if occurrence.name == new_name and id(occurrence.scope) in inside and occurrence.symbol is not symbol:
            return _clash_words(document, symbol, occurrence.symbol, new_name, occurrence.loc)
    return None


def _clash_words(document: Document, symbol, other, new_name: str, used_at=None) -> str:
    if other is not None and other.is_builtin:
        return editor_message("rename.clash_builtin", new=new_name, old=symbol.name)
    what = KIND_PHRASES.get(other.kind, "a name") if other is not None else "used"
    loc = other.definitions[0] if other is not None and other.definitions else used_at
    where = f"line {loc[0]}" if loc else "in this file"
    if other is None:
        what, where = "used as a name", where
    if document.filename:
        where += f" of {Path(document.filename).name}"
    return editor_message("rename.clash", new=new_name, old=symbol.name, what=what, where=where)


def rename_edits(document: Document, line: int, col: int, new_name: str) -> list[list]:
    """The locs in this document to replace with `new_name` (RenameRefused when it can't be
    done, e.g. `new_name` is already a name the symbol's uses would then mean)."""
    prepare_rename(document, line, col)
    check_new_name(new_name)
    symbol = _symbol_at(document, line, col)
    problem = clash(document, symbol, new_name)
    if problem:
        raise RenameRefused(problem)
    return sorted({tuple(loc) for loc in symbol.definitions + symbol.references if loc})


__all__ = ["Target", "RenameRefused", "definition", "references", "highlights", "prepare_rename",
           "rename_edits", "read_document", "module_path", "module_attribute", "check_new_name", "clash"]
