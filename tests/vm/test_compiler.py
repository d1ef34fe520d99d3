"""The compiler's output: integer opcodes, resolved slots, a total line table, the disassembler."""
from __future__ import annotations

import json

from hypercode_lang.vm.disasm import nested_codes
from hypercode_lang.parser import parse
from hypercode_lang.vm import compile_program, disassemble, run_program, Limits
from hypercode_lang.vm import opcodes as O


def compile_src(src):
    return compile_program(parse(src, "c.hc").program, "c.hc")


def all_codes(code):
    return nested_codes(code)


def test_code_shape_and_line_table():
    code = compile_src("def f(a, b=2):\n    c = a + b\n    return c\nprint(f(1))\n")
    for c in all_codes(code):
        assert len(c.instrs) == len(c.locs)
        assert all(isinstance(op, int) for op, _ in c.instrs)
        assert all(len(loc) == 4 for loc in c.locs)
    f = [c for c in all_codes(code) if c.name == "f"][0]
    assert f.nparams == 2 and f.varnames[:3] == ["a", "b", "c"]
    assert code.is_module and "f" in code.global_names


def test_superinstructions_for_hot_loops():
    code = compile_src("t = 0\nfor i in range(10):\n    t += i * 2\n")
    ops = [O.OPNAMES[op] for op, _ in code.instrs]
    assert "FOR_BACK" in ops and "BIN_FC" in ops


def test_constant_folding():
    code = compile_src("x = 2 * 3 + 10 ** 2\n")
    assert (O.LOAD_CONST, 106) in code.instrs


def test_closures_use_cells():
    code = compile_src("def outer():\n    v = 1\n    def inner():\n        return v\n    return inner\n")
    inner = [c for c in all_codes(code) if c.name == "inner"][0]
    assert inner.freevars == ("v",)
    assert any(op == O.LOAD_DEREF for op, _ in inner.instrs)


def test_disassemble_lists_every_function():
    text = disassemble(compile_src("def f(n):\n    return [x * n for x in range(3)]\nprint(f(2))\n"))
    assert "== <module>" in text and "== f" in text and "== <listcomp>" in text
    assert "FOR_ITER_STORE" in text and "CALL_VAR" in text


def test_ir_built_by_hand_and_json_round_trip():
    program = {"hypercode": 2, "body": [
        {"assign": {"targets": [{"var": "x", "loc": [1, 1, 1, 2]}],
                    "value": {"binop": {"op": "add", "left": {"const": 1}, "right": {"const": 2}},
                              "loc": [1, 5, 1, 10]}}, "loc": [1, 1, 1, 10]},
        {"expr": {"call": {"func": {"var": "print"}, "args": [{"var": "x"}], "kwargs": {}}}},
    ]}
    out = []
    run_program(json.loads(json.dumps(program)), filename="h.json", write_out=out.append,
                read_line=lambda p: None, env={}, limits=Limits(), load_module=None)
    assert out == ["3\n"]
