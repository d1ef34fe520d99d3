"""The instruction set, declared once: ``INSTRUCTIONS`` below.

An instruction is a tuple ``(opcode, arg)``. Each row of the table names an opcode, its dispatch
group (how hot it is), the shape of its argument and how the disassembler shows it. Everything
else is derived from the table: opcode numbers (group by group, in row order inside a group),
``OPNAMES``, ``SHAPES``, ``JUMPS``, the group bounds the run loop dispatches on (``GROUP_END``),
and the disassembler's layout. ``shape_problems(code)`` checks emitted instructions against their
declared shapes (the tests run it over every program they compile).
"""
from __future__ import annotations

# Dispatch groups, hottest first. The run loop tests ``op < GROUP_END[...]`` group by group, then
# compares names inside the group, so an opcode in an earlier group is cheaper to dispatch.
HOT, WARM, COOL, COLD = "hot", "warm", "cool", "cold"
GROUPS = (HOT, WARM, COOL, COLD)

# What one part of an argument is. A shape is None (no argument: arg is None), one of these, or
# a tuple of them (arg is a tuple of that length). A trailing "?" also allows None.
ARGUMENT_KINDS = {
    "slot": "a frame slot: an index into the code's varnames",
    "global": "a module global: an index into the code's global_names",
    "callee": "a slot, or a global when the instruction's flag is set",
    "const": "a constant: None, bool, int, float, str, or a tuple of constants",
    "operator": "an index into OPERATORS",
    "target": "the index of the instruction to jump to",
    "count": "how many values it takes, builds or skips (0 or more)",
    "flag": "True or False",
    "name": "an identifier: attribute, method, module or error kind",
    "names": "keyword-argument names: a tuple of identifiers",
    "code": "the compiled code of a function or comprehension",
    "cells": "the slots (a tuple) holding the cells a closure captures",
    "spec": "an f-string format spec (a str)",
    "conversion": "an f-string conversion letter: r, s or a",
}

# name, group, argument shape, disassembly layout ({0}.. are the parts as text, {raw} the arg).
INSTRUCTIONS = (
    ("LOAD_FAST2",          HOT,  ("slot", "slot"),                          "{0}, {1}"),
    ("LOAD_CONST",          HOT,  "const",                                   "{0}"),
    ("BINARY",              HOT,  "operator",                                "{0}"),
    ("FOR_BACK",            HOT,  ("slot", "target", "target"),              "-> {0} then -> {1} else -> {2}"),
    ("BIN_FC",              HOT,  ("operator", "slot", "const"),             "{1} {0} {2}"),
    ("CALL_VAR",            HOT,  ("callee", "count", "flag"),               "{0}({1} args)"),
    ("STORE_FAST",          HOT,  "slot",                                    "{raw} ({0})"),
    ("LOAD_FAST",           HOT,  "slot",                                    "{raw} ({0})"),

    ("CMP_FC_JUMP",         WARM, ("operator", "slot", "const", "target"),   "{1} {0} {2} else -> {3}"),
    ("CMP_FF_JUMP",         WARM, ("operator", "slot", "slot", "target"),    "{1} {0} {2} else -> {3}"),
    ("BIN_FF",              WARM, ("operator", "slot", "slot"),              "{1} {0} {2}"),
    ("BIN_FF_STORE",        WARM, ("operator", "slot", "slot", "slot"),      "{1} {0} {2} -> {3}"),
    ("RETURN_VALUE",        WARM, None,                                      ""),
    ("RETURN_FAST",         WARM, "slot",                                    "{raw} ({0})"),
    ("CALL_METHOD",         WARM, ("name", "count", "names?"),               ".{0}({1} args){2}"),
    ("STORE_SUBSCR_FF",     WARM, ("slot", "slot"),                          "{0}[{1}] = pop"),
    ("CALL_VAR_BIN",        WARM, ("callee", "flag", "operator", "slot", "const"), "{0}({3} {2} {4})"),
    ("BINARY_RETURN",       WARM, "operator",                                "{0}"),

    ("INC_FAST",            COOL, ("slot", "const", "operator"),             "{0} {2} {1}"),
    ("JUMP_BACK",           COOL, "target",                                  "-> {0}"),
    ("POP_JUMP_IF_FALSE",   COOL, "target",                                  "-> {0}"),
    ("JUMP_IF_FALSE_FAST",  COOL, ("slot", "target"),                        "{0} else -> {1}"),
    ("STORE_SUBSCR_FFC",    COOL, ("slot", "slot", "const"),                 "{0}[{1}] = {2}"),
    ("POP_TOP",             COOL, None,                                      ""),
    ("BIN_C",               COOL, ("operator", "const"),                     "{0} {1}"),
    ("FOR_ITER_STORE",      COOL, ("slot", "target"),                        "-> {0} else -> {1}"),
    ("SUBSCR_FF",           COOL, ("slot", "slot"),                          "{0}[{1}]"),
    ("BIN_FC_STORE",        COOL, ("operator", "slot", "const", "slot"),     "{1} {0} {2} -> {3}"),

    ("LOAD_GLOBAL",         COLD, "global",                                  "{raw} ({0})"),
    ("CALL",                COLD, "count",                                   "{0} args"),
    ("JUMP",                COLD, "target",                                  "-> {0}"),
    ("STORE_SUBSCR",        COLD, None,                                      ""),
    ("BINARY_SUBSCR",       COLD, None,                                      ""),
    ("SUBSCR_FC",           COLD, ("slot", "const"),                         "{0}[{1}]"),
    ("FORMAT",              COLD, ("spec", "conversion?"),                   "{0}{1}"),
    ("BUILD_STRING",        COLD, "count",                                   "{0}"),
    ("GET_ITER",            COLD, None,                                      ""),
    ("CMP_JUMP",            COLD, ("operator", "target"),                    "{0} else -> {1}"),
    ("LOAD_FAST_CONST",     COLD, ("slot", "const"),                         "{0}, {1}"),
    ("BINARY_STORE",        COLD, ("operator", "slot"),                      "{0} -> {1}"),
    ("POP_JUMP_IF_TRUE",    COLD, "target",                                  "-> {0}"),
    ("JUMP_IF_FALSE_OR_POP", COLD, "target",                                 "-> {0}"),
    ("JUMP_IF_TRUE_OR_POP", COLD, "target",                                  "-> {0}"),
    ("FOR_ITER",            COLD, "target",                                  "-> {0}"),
    ("LOAD_DEREF",          COLD, "slot",                                    "{raw} ({0})"),
    ("STORE_DEREF",         COLD, "slot",                                    "{raw} ({0})"),
    ("CALL_KW",             COLD, ("count", "names"),                        "{0} args{1}"),
    ("UNPACK",              COLD, "count",                                   "{0}"),
    ("GET_SLICE",           COLD, None,                                      ""),
    ("BUILD_LIST",          COLD, "count",                                   "{0}"),
    ("BUILD_TUPLE",         COLD, "count",                                   "{0}"),
    ("BUILD_DICT",          COLD, "count",                                   "{0}"),
    ("LIST_APPEND",         COLD, "count",                                   "{0}"),
    ("DUP_TOP",             COLD, None,                                      ""),
    ("ROT_TWO",             COLD, None,                                      ""),
    ("ROT_THREE",           COLD, None,                                      ""),
    ("STORE_SLICE",         COLD, None,                                      ""),
    ("UNARY_NOT",           COLD, None,                                      ""),
    ("UNARY_NEG",           COLD, None,                                      ""),
    ("UNARY_POS",           COLD, None,                                      ""),
    ("GET_ATTR",            COLD, "name",                                    "{0}"),
    ("MAKE_FUNCTION",       COLD, ("code", "count", "cells"),                "<code {0}> defaults={1} cells={2}"),
    ("MAKE_CELL",           COLD, ("slot", "flag"),                          "{0} param={1}"),
    ("SETUP_EXCEPT",        COLD, "target",                                  "-> {0}"),
    ("POP_BLOCK",           COLD, None,                                      ""),
    ("RAISE",               COLD, "count",                                   "{0}"),
    ("RERAISE",             COLD, None,                                      ""),
    ("EXC_MATCH",           COLD, "name",                                    "{0}"),
    ("IMPORT",              COLD, "name",                                    "{0}"),
    ("ASSERT_FAIL",         COLD, "count",                                   "{0}"),
    ("MATCH_SEQ",           COLD, ("count", "flag"),                         "{0} star={1}"),
    ("MATCH_IS",            COLD, "const",                                   "{0}"),
    ("TO_LIST",             COLD, None,                                      ""),
)

_NUMBERED = sorted(INSTRUCTIONS, key=lambda row: GROUPS.index(row[1]))  # stable: row order in a group
OPNAMES = {op: row[0] for op, row in enumerate(_NUMBERED)}
OPCODES = {row[0]: op for op, row in enumerate(_NUMBERED)}
SHAPES = {op: row[2] for op, row in enumerate(_NUMBERED)}
LAYOUTS = {op: row[3] for op, row in enumerate(_NUMBERED)}
GROUP_OF = {op: row[1] for op, row in enumerate(_NUMBERED)}
#: One past the last opcode of each group (the run loop's ``op < GROUP_END[group]`` tests).
GROUP_END = {group: 1 + max(op for op, g in GROUP_OF.items() if g == group) for group in GROUPS}
globals().update(OPCODES)


def parts_of(shape) -> tuple:
    """The shape as a tuple of argument kinds (``()`` for no argument)."""
    if shape is None:
        return ()
    return shape if isinstance(shape, tuple) else (shape,)


#: Opcodes with a jump target in their argument (the compiler patches labels into these).
JUMPS = frozenset(op for op, shape in SHAPES.items() if "target" in parts_of(shape))

# Operators of BINARY / BIN_C / BIN_FC / BIN_FF: arithmetic, comparisons, then the augmented
# (in-place) forms, which differ only for lists (``xs += ys`` extends xs, like Python).
OPERATORS = ["add", "sub", "mul", "div", "floordiv", "mod", "pow",
             "lt", "le", "gt", "ge", "eq", "ne", "in", "notin",
             "iadd", "isub", "imul", "idiv", "ifloordiv", "imod", "ipow"]
OPERATOR_INDEX = {n: i for i, n in enumerate(OPERATORS)}
SYMBOLS = ["+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==", "!=", "in", "not in",
           "+=", "-=", "*=", "/=", "//=", "%=", "**="]
FIRST_COMPARE = OPERATOR_INDEX["lt"]
COMPARES = frozenset(range(FIRST_COMPARE, OPERATOR_INDEX["notin"] + 1))


# ------------------------------------------------------------------ checking emitted code

def _is_const(value) -> bool:
    if value is None or type(value) in (bool, int, float, str):
        return True
    return type(value) is tuple and all(_is_const(v) for v in value)


def _is_identifier(value) -> bool:
    return type(value) is str and value.isidentifier()


def _part_fits(kind: str, value, code, parts: tuple, arg: tuple) -> bool:
    """Whether one part of an argument (whose parts and values are ``parts`` and ``arg``) is what
    its kind says, in the context of ``code``."""
    if kind.endswith("?"):
        return value is None or _part_fits(kind[:-1], value, code, parts, arg)
    if kind == "slot":
        return type(value) is int and 0 <= value < len(code.varnames)
    if kind == "global":
        return type(value) is int and 0 <= value < len(code.global_names)
    if kind == "callee":
        is_global = "flag" in parts and arg[parts.index("flag")] is True
        return type(value) is int and 0 <= value < len(code.global_names if is_global else code.varnames)
    if kind == "const":
        return _is_const(value)
    if kind == "operator":
        return type(value) is int and 0 <= value < len(OPERATORS)
    if kind == "target":
        return type(value) is int and 0 <= value < len(code.instrs)
    if kind == "count":
        return type(value) is int and value >= 0
    if kind == "flag":
        return type(value) is bool
    if kind == "name":
        return _is_identifier(value)
    if kind == "names":
        return type(value) is tuple and all(_is_identifier(v) for v in value)
    if kind == "code":
        return type(value).__name__ == "Code" and hasattr(value, "instrs")
    if kind == "cells":
        return type(value) is tuple and all(_part_fits("slot", v, code, parts, arg) for v in value)
    if kind == "spec":
        return type(value) is str
    if kind == "conversion":
        return value in ("r", "s", "a")
    raise ValueError(f"unknown argument kind {kind!r}")


def shape_problems(code, shapes: dict | None = None) -> list[str]:
    """Every instruction of ``code`` (not of the functions inside it) whose argument does not
    have its opcode's declared shape, as readable lines; [] when all fit."""
    shapes = SHAPES if shapes is None else shapes
    problems = []
    for i, (op, arg) in enumerate(code.instrs):
        if op not in shapes:
            problems.append(f"{code.name}:{i}: unknown opcode {op!r}")
            continue
        parts = parts_of(shapes[op])
        if not parts:
            fits = arg is None
        elif not isinstance(shapes[op], tuple):
            fits = _part_fits(parts[0], arg, code, parts, (arg,))
        else:
            fits = (type(arg) is tuple and len(arg) == len(parts)
                    and all(_part_fits(kind, value, code, parts, arg) for kind, value in zip(parts, arg)))
        if not fits:
            problems.append(f"{code.name}:{i}: {OPNAMES.get(op, op)} {arg!r} is not {shapes[op]!r}")
    return problems
