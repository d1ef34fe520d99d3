"""Walking IR trees: the two questions every pass asks (what kind of node is this, and which
statement lists does this statement hold)."""

from __future__ import annotations


def kind_of(node: dict) -> str:
    """The one key naming a node's kind (`loc` aside)."""
    for key in node:
        if key != "loc":
            return key
    return ""


#: The statements that hold statement lists (see statement_blocks).
BLOCK_STATEMENTS = frozenset({"if", "while", "for", "def", "try", "match"})


def statement_blocks(statement: dict, *, into_defs: bool = True) -> list[list]:
    """The statement lists nested directly in `statement` (bodies, else/except/finally blocks,
    case bodies; a def's body unless `into_defs` is False)."""
    kind = kind_of(statement)
    if kind not in BLOCK_STATEMENTS:
        return []
    value = statement[kind]
    if kind in ("if", "while", "for"):
        return [value["body"], value["orelse"]]
    if kind == "def":
        return [value["body"]] if into_defs else []
    if kind == "try":
        return [value["body"], *(h["body"] for h in value["handlers"]), value.get("orelse") or [],
                value.get("finally") or []]
    if kind == "match":
        return [case["body"] for case in value["cases"]]
    return []


def all_statements(body: list):
    """Every statement in `body`, nested ones included (into defs too), outermost first."""
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        yield statement
        for block in reversed(statement_blocks(statement)):
            stack.extend(reversed(block))


# Every later stage (checker, compiler, formatter, JIT, JSON, schema) walks the IR recursively, so
# the front end refuses a tree deeper than this before any of them runs. Python's own parser
# stops at 200 nested brackets; this bound leaves room for the deepest stage's frames per level.
MAX_NESTING = 100
# Containers (dicts and lists) per nesting level are at most four (node, fields, list, item).
MAX_CONTAINER_DEPTH = 4 * MAX_NESTING + 8


def too_deep(tree, limit: int = MAX_NESTING + 2) -> list | None:
    """The `loc` (or [] when it has none) of the first node nested more than `limit` nodes deep
    (by default: a statement, MAX_NESTING levels inside it, and a leaf), or None. Iterative, so
    it is safe on any depth; it stops at the first node past the limit. A node is a dict with
    one key besides `loc` (a few field dicts count too: a bound can't be too cautious)."""
    stack = [(tree, 0, 0, None)]
    while stack:
        item, nodes, containers, loc = stack.pop()
        if isinstance(item, dict):
            containers += 1
            if len(item) == 1 or (len(item) == 2 and "loc" in item):
                nodes += 1
                loc = item.get("loc") if isinstance(item.get("loc"), list) else loc
            if nodes > limit or containers > MAX_CONTAINER_DEPTH:
                return list(loc) if loc else []
            stack.extend((value, nodes, containers, loc) for key, value in item.items() if key != "loc")
        elif isinstance(item, list):
            containers += 1
            if containers > MAX_CONTAINER_DEPTH:
                return list(loc) if loc else []
            stack.extend((value, nodes, containers, loc) for value in item)
    return None


def find_node(program: dict, loc) -> dict | None:
    """The expression node whose loc is exactly `loc` (the innermost one), if any."""
    loc = list(loc)
    found = None
    stack = [program]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("loc") == loc:
                found = item
            stack.extend(v for k, v in item.items() if k != "loc")
        elif isinstance(item, list):
            stack.extend(item)
    return found
