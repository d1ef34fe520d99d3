"""Test helper: Python source (the Python-compatible part of HyperCode) -> spec §6 IR.

The JIT tests are written as Python text so the same text can be run by CPython to get the
expected answer. Once `hypercode_lang.parser` exists, `to_ir` prefers it.
"""

from __future__ import annotations

import ast

BINOPS = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div",
    ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow",
}
CMPOPS = {
    ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge",
    ast.In: "in", ast.NotIn: "notin",
}
UNARY = {ast.USub: "neg", ast.UAdd: "pos", ast.Not: "not"}


def to_ir(source: str) -> dict:
    try:
        from hypercode_lang.parser import parse  # noqa: PLC0415
    except ImportError:
        parse = None
    if parse is not None:
        result = parse(source)
        program = getattr(result, "program", result)
        if isinstance(program, dict) and not getattr(result, "diagnostics", None):
            return program
    return python_to_ir(source)


def python_to_ir(source: str) -> dict:
    return {"hypercode": 2, "body": [stmt(s) for s in ast.parse(source).body]}


def stmts(nodes):
    return [stmt(s) for s in nodes]


def stmt(n):
    if isinstance(n, ast.FunctionDef):
        args = n.args.args
        defaults = [None] * (len(args) - len(n.args.defaults)) + [expr(d) for d in n.args.defaults]
        params = [{"name": a.arg, "default": d} for a, d in zip(args, defaults)]
        return {"def": {"name": n.name, "params": params, "body": stmts(n.body)}}
    if isinstance(n, ast.Return):
        return {"return": None if n.value is None else expr(n.value)}
    if isinstance(n, ast.Assign):
        return {"assign": {"targets": [expr(t) for t in n.targets], "value": expr(n.value)}}
    if isinstance(n, ast.AugAssign):
        return {"augassign": {"op": BINOPS[type(n.op)], "target": expr(n.target), "value": expr(n.value)}}
    if isinstance(n, ast.If):
        return {"if": {"test": expr(n.test), "body": stmts(n.body), "orelse": stmts(n.orelse)}}
    if isinstance(n, ast.While):
        return {"while": {"test": expr(n.test), "body": stmts(n.body), "orelse": stmts(n.orelse)}}
    if isinstance(n, ast.For):
        return {"for": {"target": expr(n.target), "iter": expr(n.iter), "body": stmts(n.body),
                        "orelse": stmts(n.orelse)}}
    if isinstance(n, ast.Break):
        return {"break": None}
    if isinstance(n, ast.Continue):
        return {"continue": None}
    if isinstance(n, ast.Pass):
        return {"pass": None}
    if isinstance(n, ast.Expr):
        return {"expr": expr(n.value)}
    if isinstance(n, ast.Import):
        return {"import": n.names[0].name}
    raise NotImplementedError(ast.dump(n))


def expr(n):
    if isinstance(n, ast.Constant):
        return {"const": n.value}
    if isinstance(n, ast.Name):
        return {"var": n.id}
    if isinstance(n, ast.BinOp):
        return {"binop": {"op": BINOPS[type(n.op)], "left": expr(n.left), "right": expr(n.right)}}
    if isinstance(n, ast.UnaryOp):
        return {"unary": {"op": UNARY[type(n.op)], "operand": expr(n.operand)}}
    if isinstance(n, ast.BoolOp):
        return {"boolop": {"op": "and" if isinstance(n.op, ast.And) else "or",
                           "values": [expr(v) for v in n.values]}}
    if isinstance(n, ast.Compare):
        return {"compare": {"left": expr(n.left), "ops": [CMPOPS[type(o)] for o in n.ops],
                            "comparators": [expr(c) for c in n.comparators]}}
    if isinstance(n, ast.Call):
        return {"call": {"func": expr(n.func), "args": [expr(a) for a in n.args],
                         "kwargs": {k.arg: expr(k.value) for k in n.keywords}}}
    if isinstance(n, ast.Attribute):
        return {"attr": {"value": expr(n.value), "name": n.attr}}
    if isinstance(n, ast.IfExp):
        return {"ifexp": {"test": expr(n.test), "body": expr(n.body), "orelse": expr(n.orelse)}}
    if isinstance(n, ast.List):
        return {"list": [expr(e) for e in n.elts]}
    if isinstance(n, ast.Tuple):
        return {"tuple": [expr(e) for e in n.elts]}
    if isinstance(n, ast.Subscript):
        return {"index": {"value": expr(n.value), "index": expr(n.slice)}}
    raise NotImplementedError(ast.dump(n))
