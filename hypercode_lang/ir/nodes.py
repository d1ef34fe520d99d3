"""Every IR node kind, declared once (spec §6). The JSON Schema shipped as `schema.json` is
generated from these declarations (`python -m hypercode_lang.ir.nodes` rewrites it), the way
CPython derives its AST classes from `Python.asdl`.

Field types:  E expression · E? optional expression · E* expressions · S* statements ·
T assignment target · P pattern · P* patterns · N name · N? optional name.
"""

from __future__ import annotations

import json
import os

BINARY_OPS = ["add", "sub", "mul", "div", "floordiv", "mod", "pow"]
UNARY_OPS = ["neg", "pos", "not"]
BOOL_OPS = ["and", "or"]
COMPARE_OPS = ["eq", "ne", "lt", "le", "gt", "ge", "in", "notin"]

EXPRESSIONS = {
    "const": "scalar",
    "var": "N",
    "binop": {"op": BINARY_OPS, "left": "E", "right": "E"},
    "unary": {"op": UNARY_OPS, "operand": "E"},
    "boolop": {"op": BOOL_OPS, "values": "E*"},
    "compare": {"left": "E", "ops": ("list", COMPARE_OPS), "comparators": "E*"},
    "call": {"func": "E", "args": "E*", "kwargs": "kwargs"},
    "attr": {"value": "E", "name": "N"},
    "index": {"value": "E", "index": "E"},
    "slice": {"value": "E", "lower": "E?", "upper": "E?", "step": "E?"},
    "list": "E*",
    "tuple": "E*",
    "dict": "pairs",
    "ifexp": {"test": "E", "body": "E", "orelse": "E"},
    "fstring": "fstring",
    "listcomp": {"elt": "E", "target": "T", "iter": "E", "ifs": "E*"},
}

STATEMENTS = {
    "expr": "E",
    "assign": {"targets": "T*", "value": "E"},
    "augassign": {"op": BINARY_OPS, "target": "T", "value": "E"},
    "if": {"test": "E", "body": "S*", "orelse": "S*"},
    "while": {"test": "E", "body": "S*", "orelse": "S*"},
    "for": {"target": "T", "iter": "E", "body": "S*", "orelse": "S*"},
    "break": "null",
    "continue": "null",
    "pass": "null",
    "def": {"name": "N", "params": "params", "body": "S*"},
    "return": "E?",
    "match": {"subject": "E", "cases": "cases"},
    "import": "N",
    "try": {"body": "S*", "handlers": "handlers", "orelse": "S*?", "finally": "S*"},
    "raise": "E?",
    "assert": {"test": "E", "msg": "E?"},
}

PATTERNS = {
    "const": "scalar",
    "capture": "N",
    "wildcard": "null",
    "or": "P*",
    "sequence": "P*",
    "star": "N?",
    "value": "E",
    "as": {"pattern": "P", "name": "N"},
}

TARGETS = ["var", "index", "slice", "tuple", "list"]

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json")  # a str: no pathlib on `hcvm run`


# ------------------------------------------------------------------ schema generation

def _ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


def _field(kind) -> dict:
    if isinstance(kind, list):
        return {"enum": kind}
    if isinstance(kind, tuple):  # ("list", enum)
        return {"type": "array", "items": {"enum": kind[1]}}
    table = {
        "E": _ref("expr"), "E?": {"anyOf": [{"type": "null"}, _ref("expr")]},
        "E*": {"type": "array", "items": _ref("expr")},
        "S*": {"type": "array", "items": _ref("stmt")},
        "S*?": {"type": "array", "items": _ref("stmt")},
        "T": _ref("target"), "T*": {"type": "array", "items": _ref("target"), "minItems": 1},
        "P": _ref("pattern"), "P*": {"type": "array", "items": _ref("pattern")},
        "N": {"type": "string"}, "N?": {"type": ["string", "null"]},
        "null": {"type": "null"},
        "scalar": {"type": ["null", "boolean", "number", "string"]},
        "kwargs": {"type": "object", "additionalProperties": _ref("expr")},
        "pairs": {"type": "array", "items": {"type": "array", "prefixItems": [_ref("expr"), _ref("expr")],
                                             "minItems": 2, "maxItems": 2}},
        "fstring": {"type": "array", "items": {"anyOf": [
            {"type": "string"},
            {"type": "object", "required": ["value"], "additionalProperties": False,
             "properties": {"value": _ref("expr"), "spec": {"type": ["string", "null"]},
                            "conv": {"enum": ["r", "s", "a", None]}}}]}},
        "params": {"type": "array", "items": {
            "type": "object", "required": ["name", "default"], "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "default": {"anyOf": [{"type": "null"}, _ref("expr")]},
                           "loc": _ref("loc")}}},
        "cases": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["pattern", "body"], "additionalProperties": False,
            "properties": {"pattern": _ref("pattern"), "guard": {"anyOf": [{"type": "null"}, _ref("expr")]},
                           "body": {"type": "array", "items": _ref("stmt")}, "loc": _ref("loc")}}},
        "handlers": {"type": "array", "items": {
            "type": "object", "required": ["kind", "body"], "additionalProperties": False,
            "properties": {"kind": {"type": ["string", "null"]}, "name": {"type": ["string", "null"]},
                           "body": {"type": "array", "items": _ref("stmt")}, "loc": _ref("loc")}}},
    }
    return table[kind]


def _value_schema(declaration) -> dict:
    if isinstance(declaration, dict):
        optional = {name for name, kind in declaration.items() if kind == "S*?"}
        return {"type": "object", "additionalProperties": False,
                "required": [name for name in declaration if name not in optional],
                "properties": {name: _field(kind) for name, kind in declaration.items()}}
    return _field(declaration)


def _node_family(nodes: dict) -> dict:
    """One object schema for a family: exactly one kind key (plus `loc`), each kind's value
    checked under its own key so validation errors name the exact path."""
    return {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 2,
        "additionalProperties": False,
        "properties": {**{kind: _value_schema(decl) for kind, decl in nodes.items()}, "loc": _ref("loc")},
        "oneOf": [{"required": [kind]} for kind in nodes],
    }


def schema() -> dict:
    target_nodes = {kind: EXPRESSIONS[kind] for kind in TARGETS}
    target_nodes["tuple"] = target_nodes["list"] = "T*"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://hypercode.dev/schema/ir-2.json",
        "title": "HyperCode 2 IR",
        "type": "object",
        "required": ["hypercode", "body"],
        "additionalProperties": False,
        "properties": {
            "hypercode": {"const": 2},
            "body": {"type": "array", "items": _ref("stmt")},
            "comments": {"type": "array", "items": {
                "type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}, {"type": "string"}],
                "minItems": 3, "maxItems": 3}},
        },
        "$defs": {
            "loc": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 4, "maxItems": 4},
            "expr": _node_family(EXPRESSIONS),
            "stmt": _node_family(STATEMENTS),
            "pattern": _node_family(PATTERNS),
            "target": _node_family(target_nodes),
        },
    }


if __name__ == "__main__":
    with open(SCHEMA_PATH, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(schema(), indent=2) + "\n")
    print(f"wrote {SCHEMA_PATH}")
