"""The IR node declarations (they live in `ir/nodes.py`, which also generates the JSON Schema),
and `children()`, derived from those declarations rather than written out per kind: a new field
in a declaration is walked everywhere at once."""

from __future__ import annotations

from ..ir.nodes import (BINARY_OPS, BOOL_OPS, COMPARE_OPS, EXPRESSIONS, PATTERNS, STATEMENTS,  # noqa: F401
                        TARGETS, UNARY_OPS)

# Field types (see ir/nodes.py) that hold child nodes, and how.
_ONE = {"E", "E?", "T", "P"}
_MANY = {"E*", "S*", "S*?", "T*", "P*"}
_FAMILIES = {"expression": EXPRESSIONS, "statement": STATEMENTS, "pattern": PATTERNS}


def _from_field(kind, value) -> list:
    if value is None or isinstance(kind, (list, tuple)):
        return []
    if kind in _ONE:
        return [value] if isinstance(value, dict) else []
    if kind in _MANY:
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
    if kind == "kwargs" and isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, dict)]
    if kind == "pairs" and isinstance(value, list):
        return [v for pair in value if isinstance(pair, list) for v in pair if isinstance(v, dict)]
    if kind == "fstring" and isinstance(value, list):
        return [part["value"] for part in value if isinstance(part, dict) and isinstance(part.get("value"), dict)]
    if kind == "params" and isinstance(value, list):
        return [p["default"] for p in value if isinstance(p, dict) and isinstance(p.get("default"), dict)]
    if kind == "cases" and isinstance(value, list):
        out = []
        for case in value:
            if isinstance(case, dict):
                out += [x for x in (case.get("pattern"), case.get("guard")) if isinstance(x, dict)]
                out += [s for s in case.get("body") or [] if isinstance(s, dict)]
        return out
    if kind == "handlers" and isinstance(value, list):
        return [s for h in value if isinstance(h, dict) for s in h.get("body") or [] if isinstance(s, dict)]
    return []


def children(node: dict, family: str = "expression") -> list[dict]:
    """The child nodes of `node` (expressions, statements and patterns, in field order), read off
    its kind's declaration. `family` says which table declares the kind: "expression",
    "statement" or "pattern" (some kinds, such as `const`, are in more than one)."""
    if not isinstance(node, dict):
        return []
    declarations = _FAMILIES[family]
    kind = next((k for k in node if k != "loc"), None)
    if kind not in declarations:
        return []
    declaration, value = declarations[kind], node[kind]
    if isinstance(declaration, dict):
        if not isinstance(value, dict):
            return []
        return [child for field, field_kind in declaration.items() for child in _from_field(field_kind, value.get(field))]
    return _from_field(declaration, value)
