"""A fast yes/no check that a tree has the IR's shape: the same rules as `schema.json` (both are
derived from the declarations in nodes.py), without importing jsonschema (~120 ms), so the
program cache can check every file it reads before trusting it. Iterative, so any depth is safe.
`ir.load` keeps using the JSON Schema, whose errors name the bad node for a person.
"""

from __future__ import annotations

from .nodes import EXPRESSIONS, PATTERNS, STATEMENTS, TARGETS

_TARGETS = {kind: EXPRESSIONS[kind] for kind in TARGETS}
_TARGETS["tuple"] = _TARGETS["list"] = "T*"
FAMILIES = {"E": EXPRESSIONS, "S": STATEMENTS, "P": PATTERNS, "T": _TARGETS}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_loc(value) -> bool:
    return isinstance(value, list) and len(value) == 4 and all(_is_int(v) and v >= 0 for v in value)


def conforms(program) -> bool:
    """True when `program` is a whole IR program the schema accepts."""
    if not isinstance(program, dict) or program.get("hypercode") != 2 or not isinstance(program.get("body"), list):
        return False
    if set(program) - {"hypercode", "body", "comments"}:
        return False
    comments = program.get("comments", [])
    if not isinstance(comments, list) or not all(
            isinstance(c, list) and len(c) == 3 and _is_int(c[0]) and _is_int(c[1]) and isinstance(c[2], str)
            for c in comments):
        return False
    work = [(statement, "S") for statement in program["body"]]
    while work:
        value, expected = work.pop()
        if not _check(value, expected, work):
            return False
    return True


def _node(value, family: str, work: list) -> bool:
    if not isinstance(value, dict) or not 1 <= len(value) <= 2:
        return False
    kinds = [key for key in value if key != "loc"]
    if len(kinds) != 1 or kinds[0] not in FAMILIES[family]:
        return False
    if "loc" in value and not _is_loc(value["loc"]):
        return False
    declaration = FAMILIES[family][kinds[0]]
    inner = value[kinds[0]]
    if isinstance(declaration, dict):
        if not isinstance(inner, dict) or set(inner) - set(declaration):
            return False
        for name, kind in declaration.items():
            if name not in inner:
                if kind != "S*?":
                    return False
                continue
            work.append((inner[name], kind))
        return True
    work.append((inner, declaration))
    return True


def _all(items, kind: str, work: list) -> bool:
    if not isinstance(items, list):
        return False
    work.extend((item, kind) for item in items)
    return True


def _record(value, required: set, optional: dict, work: list) -> bool:
    """A plain object (param, case, handler, f-string part) with these fields."""
    if not isinstance(value, dict) or not required <= set(value) or set(value) - required - set(optional):
        return False
    for name, kind in optional.items():
        if name in value:
            work.append((value[name], kind))
    return True


def _check(value, kind, work: list) -> bool:
    if isinstance(kind, list):
        return isinstance(value, str) and value in kind
    if isinstance(kind, tuple):  # ("list", enum)
        return isinstance(value, list) and all(isinstance(v, str) and v in kind[1] for v in value)
    if kind in FAMILIES:
        return _node(value, kind, work)
    if kind in ("E?", "N?") and value is None:
        return True
    if kind == "E?":
        return _node(value, "E", work)
    if kind in ("E*", "S*", "S*?", "P*"):
        return _all(value, kind[0], work)
    if kind == "T*":
        return _all(value, "T", work) and len(value) >= 1
    if kind in ("N", "N?"):
        return isinstance(value, str)
    if kind == "null":
        return value is None
    if kind == "scalar":
        return value is None or isinstance(value, (bool, int, float, str))
    if kind == "kwargs":
        return isinstance(value, dict) and all(isinstance(k, str) for k in value) and \
            _all(list(value.values()), "E", work)
    if kind == "pairs":
        if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
            return False
        work.extend((item, "E") for pair in value for item in pair)
        return True
    if kind == "fstring":
        if not isinstance(value, list):
            return False
        for part in value:
            if isinstance(part, str):
                continue
            if not _record(part, {"value"}, {"value": "E", "spec": "N?", "conv": "conv"}, work):
                return False
        return True
    if kind == "conv":
        return value in ("r", "s", "a", None)
    if kind == "loc":
        return _is_loc(value)
    if kind == "params":
        return isinstance(value, list) and all(
            _record(p, {"name", "default"}, {"name": "N", "default": "E?", "loc": "loc"}, work) for p in value)
    if kind == "cases":
        return isinstance(value, list) and len(value) >= 1 and all(
            _record(c, {"pattern", "body"}, {"pattern": "P", "guard": "E?", "body": "S*", "loc": "loc"}, work)
            for c in value)
    if kind == "handlers":
        return isinstance(value, list) and all(
            _record(h, {"kind", "body"}, {"kind": "N?", "name": "N?", "body": "S*", "loc": "loc"}, work)
            for h in value)
    return False


_RECORD_FIELDS = {"params": {"default": "E?"}, "cases": {"pattern": "P", "guard": "E?", "body": "S*"},
                  "handlers": {"body": "S*"}}


def fill_locs(program: dict) -> dict:
    """Give every node (and param, case, handler) without a `loc` its parent's, in place, so
    diagnostics about IR written without positions still point somewhere (line 1 at worst).
    For IR that already conforms; iterative."""
    work = [(statement, "S", [1, 1, 1, 1]) for statement in program["body"]]
    while work:
        value, kind, parent = work.pop()
        if not isinstance(kind, str):  # an operator's enum: nothing inside
            continue
        if kind in FAMILIES:
            loc = value.setdefault("loc", list(parent))
            node_kind = next(key for key in value if key != "loc")
            declaration, inner = FAMILIES[kind][node_kind], value[node_kind]
            if isinstance(declaration, dict):
                work.extend((inner[name], field, loc) for name, field in declaration.items() if name in inner)
            else:
                work.append((inner, declaration, loc))
        elif kind == "E?" and value is not None:
            work.append((value, "E", parent))
        elif kind in ("E*", "S*", "S*?", "P*", "T*"):
            work.extend((item, kind[0], parent) for item in value)
        elif kind == "kwargs":
            work.extend((item, "E", parent) for item in value.values())
        elif kind == "pairs":
            work.extend((item, "E", parent) for pair in value for item in pair)
        elif kind == "fstring":
            work.extend((part["value"], "E", parent) for part in value if isinstance(part, dict))
        elif kind in _RECORD_FIELDS:
            for record in value:
                loc = record.setdefault("loc", list(parent))
                work.extend((record[name], field, loc) for name, field in _RECORD_FIELDS[kind].items()
                            if name in record)
    return program
