"""``disassemble(code)``: a clox-style listing of a Code object and the functions inside it."""
from __future__ import annotations

from . import opcodes as O
from .compiler import Code


def _arg_text(code, op, arg):
    if op in (O.LOAD_FAST, O.STORE_FAST, O.RETURN_FAST, O.LOAD_DEREF, O.STORE_DEREF):
        return f"{arg} ({_slot(code, arg)})"
    if op == O.LOAD_GLOBAL:
        return f"{arg} ({code.global_names[arg]})"
    if op == O.LOAD_CONST:
        return repr(arg)
    if op == O.LOAD_FAST2:
        return f"{_slot(code, arg[0])}, {_slot(code, arg[1])}"
    if op == O.LOAD_FAST_CONST:
        return f"{_slot(code, arg[0])}, {arg[1]!r}"
    if op in (O.BIN_FC, O.BIN_FF, O.BIN_FC_STORE, O.BIN_FF_STORE, O.CMP_FC_JUMP, O.CMP_FF_JUMP):
        sym = O.SYMBOLS[arg[0]]
        x = _slot(code, arg[1])
        y = repr(arg[2]) if op in (O.BIN_FC, O.BIN_FC_STORE, O.CMP_FC_JUMP) else _slot(code, arg[2])
        tail = ""
        if op in (O.BIN_FC_STORE, O.BIN_FF_STORE):
            tail = f" -> {_slot(code, arg[3])}"
        elif op in (O.CMP_FC_JUMP, O.CMP_FF_JUMP):
            tail = f" else -> {arg[3]}"
        return f"{x} {sym} {y}{tail}"
    if op == O.BINARY:
        return O.SYMBOLS[arg]
    if op == O.JUMP_IF_FALSE_FAST:
        return f"{_slot(code, arg[0])} else -> {arg[1]}"
    if op == O.STORE_SUBSCR_FFC:
        return f"{_slot(code, arg[0])}[{_slot(code, arg[1])}] = {arg[2]!r}"
    if op == O.BINARY_RETURN:
        return O.SYMBOLS[arg]
    if op == O.CALL_VAR_BIN:
        name = code.global_names[arg[0]] if arg[1] else _slot(code, arg[0])
        return f"{name}({_slot(code, arg[3])} {O.SYMBOLS[arg[2]]} {arg[4]!r})"
    if op == O.BIN_C:
        return f"{O.SYMBOLS[arg[0]]} {arg[1]!r}"
    if op == O.CALL_VAR:
        name = code.global_names[arg[0]] if arg[2] else _slot(code, arg[0])
        return f"{name}({arg[1]} args)"
    if op == O.STORE_SUBSCR_FF:
        return f"{_slot(code, arg[0])}[{_slot(code, arg[1])}] = pop"
    if op == O.FOR_BACK:
        return f"-> {_slot(code, arg[0])} then -> {arg[1]} else -> {arg[2]}"
    if op == O.BINARY_STORE:
        return f"{O.SYMBOLS[arg[0]]} -> {_slot(code, arg[1])}"
    if op == O.CMP_JUMP:
        return f"{O.SYMBOLS[arg[0]]} else -> {arg[1]}"
    if op == O.INC_FAST:
        return f"{_slot(code, arg[0])} {O.SYMBOLS[arg[2]]} {arg[1]!r}"
    if op == O.FOR_ITER_STORE:
        return f"-> {_slot(code, arg[0])} else -> {arg[1]}"
    if op == O.SUBSCR_FF:
        return f"{_slot(code, arg[0])}[{_slot(code, arg[1])}]"
    if op == O.SUBSCR_FC:
        return f"{_slot(code, arg[0])}[{arg[1]!r}]"
    if op == O.MAKE_FUNCTION:
        return f"<code {arg[0].name}> defaults={arg[1]} cells={list(arg[2])}"
    if op in O.JUMPS:
        return f"-> {arg}"
    if arg is None:
        return ""
    return repr(arg)


def _slot(code, i):
    names = code.varnames
    return names[i] if 0 <= i < len(names) else f"#{i}"


def disassemble(code: Code) -> str:
    """Every instruction of code (and nested functions): index, line, opcode name, operands."""
    out = []
    seen = []

    def one(c):
        out.append(f"== {c.name} ({c.filename}) ==")
        prev_line = None
        for i, ((op, arg), loc) in enumerate(zip(c.instrs, c.locs)):
            line = loc[0]
            ltxt = "   |" if line == prev_line else f"{line:4d}"
            prev_line = line
            out.append(f"{i:04d} {ltxt} {O.OPNAMES[op]:<20} {_arg_text(c, op, arg)}".rstrip())
            if op == O.MAKE_FUNCTION and arg[0] not in seen:
                seen.append(arg[0])
        out.append("")

    one(code)
    i = 0
    while i < len(seen):
        one(seen[i])
        i += 1
    return "\n".join(out)
