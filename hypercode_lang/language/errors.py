"""The error kinds a program can raise and catch, and their parents: Python's hierarchy, cut
down to what HyperCode has (spec §5). The VM's `except` matching, the checker's HC1001 on an
unknown `except Kind:`, the built-in names, hover and both editor grammars read this table."""

from __future__ import annotations

#: Error kind -> parent kind. `Error` is HyperCode's own name for "any error"; `Exception` is
#: there so programs that are valid Python (`except Exception:`) run unchanged.
ERROR_PARENTS: dict[str, str | None] = {
    "Exception": None,
    "Error": "Exception",
    "NameError": "Exception",
    "UnboundLocalError": "NameError",
    "TypeError": "Exception",
    "ValueError": "Exception",
    "LookupError": "Exception",
    "IndexError": "LookupError",
    "KeyError": "LookupError",
    "ArithmeticError": "Exception",
    "ZeroDivisionError": "ArithmeticError",
    "OverflowError": "ArithmeticError",
    "RuntimeError": "Exception",
    "RecursionError": "RuntimeError",
    "AssertionError": "Exception",
    "EOFError": "Exception",
    "ImportError": "Exception",
    "ModuleNotFoundError": "ImportError",
    "AttributeError": "Exception",
}

ERROR_KINDS: tuple[str, ...] = tuple(ERROR_PARENTS)

#: Kinds that catch every error in `except` (HyperCode's `Error`, and Python's `Exception`).
CATCH_ALL = frozenset({"Error", "Exception"})


def kind_matches(kind: str, handler_kind: str) -> bool:
    """Does an error of `kind` match `except handler_kind:`?"""
    if handler_kind in CATCH_ALL:
        return True
    while kind is not None:
        if kind == handler_kind:
            return True
        kind = ERROR_PARENTS.get(kind)
    return False
