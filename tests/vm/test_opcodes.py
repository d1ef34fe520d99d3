"""The instruction table (vm/opcodes.py) is the one description of the bytecode: every instruction
the compiler emits has its opcode's declared argument shape, the numbering, jumps, dispatch groups
and disassembly all follow from the table, and a wrong declaration is caught."""
from __future__ import annotations

import ast
import inspect
import string
import textwrap
from pathlib import Path

import pytest

from hypercode_lang.vm.disasm import nested_codes
from hypercode_lang.parser import parse
from hypercode_lang.vm import compile_program, disassemble
from hypercode_lang.vm import machine
from hypercode_lang.vm import opcodes as O

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted([*(ROOT / "tests" / "programs").glob("*.hc"), *(ROOT / "examples").rglob("*.hc"),
                 *(ROOT / "bench" / "programs").glob("*.hc")])

# Constructs the corpus may not reach, so every opcode in the table is emitted at least once.
EXTRA = """\
def signs(x, ys):
    y = +x
    ys[0] += y
    return -y, not y
print(signs(2, [1]))
"""


def all_codes(code):
    return nested_codes(code)


def compiled_corpus():
    codes = []
    for path in CORPUS:
        result = parse(path.read_text(encoding="utf-8"), str(path))
        assert result.program is not None, f"{path} does not parse"
        codes += all_codes(compile_program(result.program, str(path)))
    codes += all_codes(compile_program(parse(EXTRA, "extra.hc").program, "extra.hc"))
    return codes


@pytest.fixture(scope="module")
def corpus_codes():
    return compiled_corpus()


def test_there_is_a_corpus():
    assert len(CORPUS) >= 45


def test_every_emitted_instruction_has_its_declared_shape(corpus_codes):
    problems = [p for code in corpus_codes for p in O.shape_problems(code)]
    assert problems == []


def test_the_corpus_emits_every_opcode_in_the_table(corpus_codes):
    # so the shape test above covers each declaration (an opcode nothing emits is dead)
    emitted = {op for code in corpus_codes for op, _ in code.instrs}
    assert sorted(O.OPNAMES[op] for op in set(O.OPNAMES) - emitted) == []


@pytest.mark.parametrize("name, wrong_shape", [
    ("CALL_VAR", ("callee", "count")),          # one part short
    ("LOAD_FAST", "name"),                     # a slot number is not an identifier
    ("GET_ATTR", "count"),                     # an attribute name is not a count
    ("FOR_ITER_STORE", "target"),              # one target declared where a tuple is emitted
    ("RETURN_VALUE", "slot"),                  # a slot declared where there is no argument
    ("BIN_FC", ("slot", "operator", "const")),  # parts swapped: the constant is no operator index
])
def test_a_mis_declared_shape_fails_the_check(corpus_codes, name, wrong_shape):
    shapes = dict(O.SHAPES)
    shapes[O.OPCODES[name]] = wrong_shape
    problems = [p for code in corpus_codes for p in O.shape_problems(code, shapes)]
    assert problems and all(f" {name} " in p for p in problems)


def test_a_wrong_argument_is_reported_with_its_place():
    code = compile_program(parse("x = 1\nprint(x)\n", "w.hc").program, "w.hc")
    assert O.shape_problems(code) == []
    at = next(i for i, (op, _) in enumerate(code.instrs) if op == O.CALL_VAR)
    slot, argc, is_global = code.instrs[at][1]
    code.instrs[at] = (O.CALL_VAR, (slot, argc, 1))          # an int where a flag is declared
    assert O.shape_problems(code) == [f"<module>:{at}: CALL_VAR ({slot}, {argc}, 1) is not "
                                      "('callee', 'count', 'flag')"]
    code.instrs[at] = (O.CALL_VAR, (len(code.global_names), argc, True))   # a global past the end
    assert len(O.shape_problems(code)) == 1


def test_numbers_jumps_and_groups_come_from_the_table():
    names = [row[0] for row in O.INSTRUCTIONS]
    assert len(set(names)) == len(names) == len(O.OPNAMES)
    assert all(row[1] in O.GROUPS for row in O.INSTRUCTIONS)
    # numbered group by group, so "op < GROUP_END[group]" selects exactly the groups up to it
    groups = [O.GROUP_OF[op] for op in sorted(O.OPNAMES)]
    assert groups == sorted(groups, key=O.GROUPS.index)
    for group in O.GROUPS:
        members = {op for op, g in O.GROUP_OF.items() if g == group}
        assert max(members) + 1 == O.GROUP_END[group]
    for row in O.INSTRUCTIONS:
        op = O.OPCODES[row[0]]
        assert getattr(O, row[0]) == op and O.OPNAMES[op] == row[0] and O.SHAPES[op] == row[2]
        assert (op in O.JUMPS) == ("target" in O.parts_of(row[2]))
        assert all(kind.rstrip("?") in O.ARGUMENT_KINDS for kind in O.parts_of(row[2]))


def test_every_layout_shows_each_part_of_its_shape_once():
    for name, _group, shape, layout in O.INSTRUCTIONS:
        parts = O.parts_of(shape)
        fields = [f for _, f, _, _ in string.Formatter().parse(layout) if f is not None and f != "raw"]
        shown = [int(f) for f in fields]
        # a callee's flag only says how to read the callee: it shows through the callee's name
        needed = {i for i, kind in enumerate(parts) if not (kind == "flag" and "callee" in parts)}
        assert len(shown) == len(set(shown)) and needed <= set(shown) <= set(range(len(parts))), name


def _dispatch_groups():
    """{group: opcode names the run loop compares inside that group's branch}, read off the
    loop's `if op < HOT_END: ... elif op < WARM_END: ... else: ...` chain."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(machine.VM.run)))
    bounds = {f"{group.upper()}_END": group for group in O.GROUPS}

    def group_test(node):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and \
                isinstance(node.test.left, ast.Name) and node.test.left.id == "op" and \
                isinstance(node.test.ops[0], ast.Lt) and isinstance(node.test.comparators[0], ast.Name):
            return bounds.get(node.test.comparators[0].id)
        return None

    branch = next(node for node in ast.walk(tree) if group_test(node) == O.GROUPS[0])
    found = {}
    while True:
        found[group_test(branch)] = _compared_names(branch.body)
        rest = branch.orelse
        if len(rest) == 1 and group_test(rest[0]):
            branch = rest[0]
            continue
        found[O.GROUPS[-1]] = _compared_names(rest)
        return found


def _compared_names(body):
    names = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "op":
                names.update(c.id for c in node.comparators if isinstance(c, ast.Name) and c.id in O.OPCODES)
    return names


def test_the_run_loop_dispatches_each_opcode_in_its_declared_group():
    found = _dispatch_groups()
    assert set(found) == set(O.GROUPS)
    for group, names in found.items():
        declared = {O.OPNAMES[op] for op, g in O.GROUP_OF.items() if g == group}
        assert names == declared, group


def test_disassembly_follows_the_layouts():
    code = compile_program(parse(textwrap.dedent("""\
        def f(n, k=2):
            t = 0
            for i in range(n):
                t += i * k
            def g(x):
                return x + t
            return [g(y) for y in range(3) if y > 0]
        print(f(4), sep="")
        """), "d.hc").program, "d.hc")
    text = disassemble(code)
    assert "FOR_ITER_STORE       -> i else -> " in text
    assert "BIN_FF               i * k" in text
    assert "MAKE_FUNCTION        <code g> defaults=0 cells=[t]" in text
    assert "CALL_KW              1 args keywords sep" in text
    assert "CMP_FC_JUMP          y > 0 else -> " in text
    assert "LOAD_DEREF           1 (t)" in text
