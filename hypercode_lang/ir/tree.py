"""Walking IR trees: the two questions every pass asks (what kind of node is this, and which
statement lists does this statement hold)."""

from __future__ import annotations


def kind_of(node: dict) -> str:
    """The one key naming a node's kind (`loc` aside)."""
    for key in node:
        if key != "loc":
            return key
    return ""


def statement_blocks(statement: dict, *, into_defs: bool = True) -> list[list]:
    """The statement lists nested directly in `statement` (bodies, else/except/finally blocks,
    case bodies; a def's body unless `into_defs` is False)."""
    kind = kind_of(statement)
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
