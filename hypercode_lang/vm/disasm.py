"""``disassemble(code)``: a clox-style listing of a Code object and the functions inside it.

How each instruction's argument reads comes from its row in ``opcodes.INSTRUCTIONS`` (its shape
and layout); this module only knows how to show each kind of argument part.
"""
from __future__ import annotations

from . import opcodes as O
from .compiler import Code


def _slot(code, i):
    names = code.varnames
    return names[i] if type(i) is int and 0 <= i < len(names) else f"#{i}"


def _global(code, i):
    names = code.global_names
    return names[i] if type(i) is int and 0 <= i < len(names) else f"#{i}"


def _callee(code, value, parts, arg):
    is_global = "flag" in parts and arg[parts.index("flag")]
    return _global(code, value) if is_global else _slot(code, value)


_SHOW = {
    "slot": lambda code, v, parts, arg: _slot(code, v),
    "global": lambda code, v, parts, arg: _global(code, v),
    "callee": _callee,
    "const": lambda code, v, parts, arg: repr(v),
    "operator": lambda code, v, parts, arg: O.SYMBOLS[v],
    "target": lambda code, v, parts, arg: str(v),
    "count": lambda code, v, parts, arg: str(v),
    "flag": lambda code, v, parts, arg: str(v),
    "name": lambda code, v, parts, arg: str(v),
    "names": lambda code, v, parts, arg: f" keywords {', '.join(v)}" if v else "",
    "code": lambda code, v, parts, arg: v.name,
    "cells": lambda code, v, parts, arg: "[" + ", ".join(_slot(code, s) for s in v) + "]",
    "spec": lambda code, v, parts, arg: repr(v),
    "conversion": lambda code, v, parts, arg: f" !{v}",
}


def _show_part(code, kind, value, parts, arg):
    if kind.endswith("?"):
        if value is None:
            return ""
        kind = kind[:-1]
    return _SHOW[kind](code, value, parts, arg)


def _arg_text(code, op, arg):
    shape = O.SHAPES[op]
    parts = O.parts_of(shape)
    if not parts:
        return "" if arg is None else repr(arg)
    values = arg if isinstance(shape, tuple) else (arg,)
    try:
        shown = [_show_part(code, kind, value, parts, values) for kind, value in zip(parts, values)]
        return O.LAYOUTS[op].format(*shown, raw=arg)
    except (IndexError, KeyError, TypeError, ValueError):  # an argument off its shape: show it raw
        return repr(arg)


def nested_codes(code: Code) -> list[Code]:
    """`code` and every function's code inside it, outermost first, each once."""
    found = [code]
    i = 0
    while i < len(found):
        for op, arg in found[i].instrs:
            if op == O.MAKE_FUNCTION and arg[0] not in found:
                found.append(arg[0])
        i += 1
    return found


def disassemble(code: Code) -> str:
    """Every instruction of code (and nested functions): index, line, opcode name, operands."""
    out = []

    def one(c):
        out.append(f"== {c.name} ({c.filename}) ==")
        prev_line = None
        for i, ((op, arg), loc) in enumerate(zip(c.instrs, c.locs)):
            line = loc[0]
            ltxt = "   |" if line == prev_line else f"{line:4d}"
            prev_line = line
            out.append(f"{i:04d} {ltxt} {O.OPNAMES[op]:<20} {_arg_text(c, op, arg)}".rstrip())
        out.append("")

    for nested in nested_codes(code):
        one(nested)
    return "\n".join(out)
