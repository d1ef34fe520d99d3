"""References and rename of a module's top-level names across the files that import it.

`import shapes` binds the sibling file `shapes.hc` (modules are found beside the importing
file), so `shapes.area(...)` in any `.hc` file of the same folder is a use of `def area` in
`shapes.hc`. Renaming `area` must change both.

Pure functions: the caller lists the candidate files and passes them as `{filename: text or
Document}`; nothing here reads the disk or knows about editors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics.catalogue import editor_message
from .document import Document
from .navigation import RenameRefused, check_new_name, clash, module_attribute, module_path
from .scopes import Symbol

EXPORTED_KINDS = ("function", "variable")


@dataclass
class Member:
    """A top-level name of a module file, as seen from any file that imports it."""
    module_file: str          # the module's path
    name: str
    document: Document        # the module's Document
    symbol: Symbol            # its top-level symbol there

    @property
    def module(self) -> str:
        return Path(self.module_file).stem

    @property
    def folder(self) -> Path:
        return Path(self.module_file).resolve().parent


def member_at(document: Document, line: int, col: int, load) -> Member | None:
    """The module-level name at the position when other files can use it: a top-level `def` or
    variable of this file (when it is a file), or `module.name` for a sibling module.
    `load(path)` gives a path's Document (an open buffer or the file)."""
    occurrence = document.analysis.occurrence_at(line, col)
    if occurrence is not None and occurrence.symbol is not None:
        symbol = occurrence.symbol
        if (document.filename and document.folder is not None and symbol.scope is document.analysis.module
                and symbol.kind in EXPORTED_KINDS):
            return Member(document.filename, symbol.name, document, symbol)
        return None
    found = module_attribute(document, line, col)
    if found is None:
        return None
    module, name, _loc = found
    path = module_path(document, module)
    other = load(path) if path else None
    if other is None:
        return None
    symbol = other.analysis.module.symbols.get(name)
    if symbol is None or symbol.kind not in EXPORTED_KINDS:
        raise RenameRefused(editor_message("rename.unknown_member", module=module, name=name))
    return Member(path, name, other, symbol)


def _document(filename: str, source) -> Document:
    return source if isinstance(source, Document) else Document(source, filename)


def importer_uses(member: Member, files: Mapping[str, "str | Document"]) -> dict[str, tuple[Document, list]]:
    """{filename: (Document, locs of `name` in `module.name`)} for every file in `files` that
    imports the member's module from the same folder (the module file itself is skipped)."""
    mentions = re.compile(rf"\bimport\s+{re.escape(member.module)}\b")
    own = Path(member.module_file).resolve()
    found = {}
    for filename, source in files.items():
        path = Path(filename).resolve()
        if path == own or path.parent != member.folder:
            continue
        text = source.source if isinstance(source, Document) else source
        if not mentions.search(text) or member.name not in text:
            continue                                  # cheap: most files never mention the module
        document = _document(filename, source)
        locs = []
        for node, scope in document.analysis.attributes:
            value = node["attr"]
            receiver, loc = value["value"], node.get("loc")
            if value["name"] != member.name or not loc or "var" not in receiver:
                continue
            bound = scope.lookup(receiver["var"])
            if bound is not None and bound.kind == "module" and bound.name == member.module:
                locs.append((loc[2], loc[3] - len(member.name), loc[2], loc[3]))
        if locs:
            found[filename] = (document, sorted(set(locs)))
    return found


def references(member: Member, files: Mapping[str, "str | Document"],
               include_declaration: bool = True) -> dict[str, tuple[Document, list]]:
    """Every use of the member: in its module file and in each importing file."""
    symbol = member.symbol
    own = list(symbol.references) + (list(symbol.definitions) if include_declaration else [])
    result = {member.module_file: (member.document, sorted({tuple(loc) for loc in own if loc}))}
    result.update(importer_uses(member, files))
    return {name: value for name, value in result.items() if value[1]}


def rename(member: Member, new_name: str, files: Mapping[str, "str | Document"]) -> dict[str, tuple[Document, list]]:
    """The locs to replace with `new_name` in each file, or RenameRefused (with the clash named)."""
    check_new_name(new_name)
    problem = clash(member.document, member.symbol, new_name)
    if problem:
        raise RenameRefused(problem)
    return references(member, files, include_declaration=True)


__all__ = ["Member", "member_at", "importer_uses", "references", "rename"]
