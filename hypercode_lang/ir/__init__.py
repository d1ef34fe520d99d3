"""The explicit-AST IR (spec §6): JSON in, JSON out, checked against the shipped schema.

`load` validates and returns the IR as plain dicts; `dump` writes it. The formatter
(`format_program`) prints IR back as canonical HyperCode source.
"""

from __future__ import annotations

import json
from functools import lru_cache

from .nodes import SCHEMA_PATH
from .tree import MAX_NESTING, too_deep


class IRError(ValueError):
    """IR that breaks the schema. `path` names the bad node, e.g. `$.body[2].assign.value`."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator  # imported only when IR JSON is loaded
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        return Draft202012Validator(json.load(handle))


def validate(program) -> None:
    from jsonschema.exceptions import best_match
    error = best_match(_validator().iter_errors(program), key=_deepest)
    if error is not None:
        message = error.message
        if error.validator == "oneOf" and isinstance(error.instance, dict):
            kinds = [k for k in error.instance if k != "loc"]
            message = (f"a node has exactly one kind key (plus 'loc'), this one has {kinds}" if len(kinds) > 1
                       else f"unknown node kind {kinds[0]!r}" if kinds else "a node needs a kind key")
        elif error.validator == "maxProperties":
            message = f"a node has exactly one kind key (plus 'loc'), this one has {sorted(error.instance)}"
        raise IRError(error.json_path, message)


def _deepest(error):
    # Prefer the error deepest in the document: it names the node that is actually wrong.
    return (len(error.path), error.validator != "oneOf")


class IRTooDeep(IRError):
    """IR nested deeper than ir/tree.MAX_NESTING (reported as HC0010, not as a schema error)."""

    def __init__(self, loc):
        super().__init__("$", f"nested more than {MAX_NESTING} levels deep")
        self.loc = loc


def load(data) -> dict:
    """Load IR from JSON text or an already-decoded object, enforcing the depth limit and then
    the schema (the schema validator is recursive, so depth is checked first)."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise IRError("$", f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
        except RecursionError:
            raise IRTooDeep([]) from None
        except ValueError as exc:  # e.g. an integer with more digits than Python converts
            raise IRError("$", f"not valid JSON ({exc})") from None
    loc = too_deep(data)
    if loc is not None:
        raise IRTooDeep(loc)
    try:
        validate(data)
    except RecursionError:
        raise IRTooDeep([]) from None
    return data


def dump(program: dict, *, indent: int | None = None) -> str:
    return json.dumps(program, indent=indent, ensure_ascii=False)


def strip_locs(tree):
    """A copy of an IR tree without `loc` keys or comments (to compare meaning, not layout)."""
    if isinstance(tree, dict):
        return {k: strip_locs(v) for k, v in tree.items() if k not in ("loc", "comments")}
    if isinstance(tree, list):
        return [strip_locs(v) for v in tree]
    return tree


def format_program(program: dict) -> str:
    from .formatter import format_program as _format
    return _format(program)


__all__ = ["IRError", "IRTooDeep", "dump", "format_program", "load", "strip_locs", "validate"]
