"""Inlay hints: parameter names at call sites of user functions and built-ins, e.g.
`area(|w:| 3, |h:| 4)`. Hidden when the argument is a variable with the parameter's name."""

from __future__ import annotations

from dataclasses import dataclass

from . import builtins as bi
from .document import Document
from .scopes import kind_of


@dataclass(frozen=True)
class Hint:
    line: int
    col: int
    label: str           # "name:"


def parameter_hints(document: Document, first_line: int = 1, last_line: int | None = None) -> list[Hint]:
    from ..checker import signature_of
    last_line = last_line if last_line is not None else len(document.lines)
    found = []
    for call, scope in document.analysis.calls:
        loc = call.get("loc")
        value = call["call"]
        if not loc or loc[2] < first_line or loc[0] > last_line or not value["args"]:
            continue
        known = signature_of(value["func"], scope)
        if known is None:
            continue
        kind, target = known
        if kind == "def":
            names = [p["name"] for p in target["def"]["params"]]
        else:
            names = list(bi.ONE_ARGUMENT_NAMES.get(target.name, ())) if len(value["args"]) == 1 else []
            for param in [] if names else target.params:
                if param == bi.VARARGS:
                    break
                names.append(param[0])
            if len(target.params) == 1 and len(value["args"]) == 1:
                continue   # len(x), str(x): the name adds nothing
        for name, argument in zip(names, value["args"]):
            where = argument.get("loc")
            if not where or not first_line <= where[0] <= last_line:
                continue
            if kind_of(argument) == "var" and argument["var"] == name:
                continue
            found.append(Hint(where[0], where[1], f"{name}:"))
    found.sort(key=lambda h: (h.line, h.col))
    return found


__all__ = ["Hint", "parameter_hints"]
