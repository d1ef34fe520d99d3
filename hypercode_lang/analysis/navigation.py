"""Definition, references, rename and highlights for the name at a position.

Cross-file: `import helpers` binds a module; the definition of `helpers` is `helpers.hc` beside
the file, and the definition of `helpers.greet` is `greet` in that file. `load(path)` gives the
`Document` for a path (an open editor buffer or the file on disk); by default files are read.
"""

from __future__ import annotations

import keyword as _python_keywords
from dataclasses import dataclass
from pathlib import Path

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


def _module_attribute(document: Document, line: int, col: int):
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
    found = _module_attribute(document, line, col)
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


def prepare_rename(document: Document, line: int, col: int) -> tuple[list, str]:
    """(loc, name) of the name that would be renamed, or RenameRefused saying why not."""
    word = document.word_at(line, col)
    if word and word[0] in bi.KEYWORDS:
        raise RenameRefused(f"'{word[0]}' is a HyperCode keyword, so it keeps its name.")
    occurrence = document.analysis.occurrence_at(line, col)
    if occurrence is None or occurrence.symbol is None:
        if occurrence is not None:
            raise RenameRefused(f"'{occurrence.name}' isn't defined in this file, so there is nothing to rename yet.")
        raise RenameRefused("There is no name here to rename. Put the cursor on a variable or function name.")
    if occurrence.symbol.is_builtin:
        raise RenameRefused(f"'{occurrence.name}' is a built-in, so it keeps its name. "
                            "You can rename your own variables and functions.")
    if occurrence.symbol.kind == "module":
        raise RenameRefused(f"'{occurrence.name}' is the name of a module file. Rename the file instead.")
    return occurrence.loc, occurrence.name


def rename_edits(document: Document, line: int, col: int, new_name: str) -> list[list]:
    """The locs to replace with `new_name`."""
    prepare_rename(document, line, col)
    if not new_name.isidentifier() or _python_keywords.iskeyword(new_name) or new_name in bi.KEYWORDS:
        raise RenameRefused(f"'{new_name}' can't be a name. Names start with a letter or '_' and "
                            "use letters, digits and '_'; keywords can't be names.")
    symbol = _symbol_at(document, line, col)
    return sorted({tuple(loc) for loc in symbol.definitions + symbol.references if loc})


__all__ = ["Target", "RenameRefused", "definition", "references", "highlights", "prepare_rename",
           "rename_edits", "read_document", "module_path"]
