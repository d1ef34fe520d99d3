"""IR: the shipped schema, loading with clear errors, JSON round trip, and the formatter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hypercode_lang import ir
from hypercode_lang.ir.nodes import SCHEMA_PATH, schema
from hypercode_lang.parser import parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(ROOT.glob("examples/*.hc")) + sorted(ROOT.glob("tests/programs/*.hc"))


def test_shipped_schema_is_generated_from_the_node_declarations():
    assert json.loads(Path(SCHEMA_PATH).read_text()) == schema()


@pytest.mark.parametrize("bad, path", [
    ({"hypercode": 2, "body": [{"expr": {"binop": {"op": "plus", "left": {"const": 1}, "right": {"const": 2}}}}]},
     "$.body[0].expr.binop.op"),
    ({"hypercode": 2, "body": [{"expr": {"var": "x", "const": 1}}]}, "$.body[0].expr"),
    ({"hypercode": 2, "body": [{"if": {"test": {"const": True}, "body": "nope", "orelse": []}}]}, "$.body[0].if.body"),
    ({"hypercode": 1, "body": []}, "$.hypercode"),
])
def test_bad_ir_names_the_bad_node(bad, path):
    with pytest.raises(ir.IRError) as caught:
        ir.load(json.dumps(bad))
    assert caught.value.path == path


def test_not_json_is_a_clear_error():
    with pytest.raises(ir.IRError, match="not valid JSON"):
        ir.load("{nope")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_source_to_ir_to_json_to_ir_is_lossless(path):
    program = parse(path.read_text()).program
    assert ir.load(ir.dump(program)) == program


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_formatter_preserves_the_ir_and_is_idempotent(path):
    program = parse(path.read_text()).program
    formatted = ir.format_program(program)
    again = parse(formatted)
    assert again.diagnostics == []
    assert ir.strip_locs(again.program) == ir.strip_locs(program)
    assert ir.format_program(again.program) == formatted


def test_formatter_keeps_comments_and_blank_lines():
    source = "# header\n\nx = 1  # one\n\n\n\ndef f():\n    # inside\n    return x\n"
    formatted = ir.format_program(parse(source).program)
    assert formatted == "# header\n\nx = 1  # one\n\n\ndef f():\n    # inside\n    return x\n"


def test_formatter_canonical_style():
    source = "if a :\n  x=( 1+2 )*3\nelse :\n  if b:\n     y = 'q'\n"
    assert ir.format_program(parse(source).program) == "if a:\n    x = (1 + 2) * 3\nelif b:\n    y = \"q\"\n"


def test_formatter_keeps_docstrings_triple_quoted():
    source = 'def f():\n    """Line one.\n\n    Line two with a \\\\ backslash."""\n    return 1\n\ntext = "a\\nb"\n'
    assert ir.format_program(parse(source).program) == source


# ---------------------------------------------------------------- depth and odd JSON

def _nested_lists(depth: int) -> str:
    return '{"hypercode": 2, "body": [{"expr": ' + '{"list": [' * depth + '{"const": 1}' + ']}' * depth + '}]}'


@pytest.mark.parametrize("depth", [150, 5_000, 200_000])
def test_ir_nested_past_the_limit_is_refused_before_the_schema(depth):
    with pytest.raises(ir.IRTooDeep):
        ir.load(_nested_lists(depth))


def test_ir_at_the_limit_loads():
    from hypercode_lang.ir.tree import MAX_NESTING
    assert ir.load(_nested_lists(MAX_NESTING))["body"][0]["expr"]["list"]


def test_an_integer_python_will_not_convert_is_an_ir_error_not_a_crash():
    with pytest.raises(ir.IRError, match="not valid JSON"):
        ir.load('{"hypercode": 2, "body": [{"expr": {"const": ' + "9" * 10_000 + '}}]}')


# ---------------------------------------------------------------- the fast shape check (cache)

@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_the_fast_shape_check_accepts_what_the_parser_makes(path):
    from hypercode_lang.ir.shape import conforms
    assert conforms(parse(path.read_text()).program)


def _mutations(tree):
    """Small breakages of a valid tree, one at a time: a kind renamed, a field dropped, a value
    of the wrong type, a loc that isn't one."""
    import copy
    stack = [((), tree)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                stack.append((path + (key,), value))
            for change in ("rename", "drop", "wrong"):
                for key in list(item):
                    broken = copy.deepcopy(tree)
                    target = broken
                    for step in path:
                        target = target[step]
                    if change == "rename":
                        target[key + "_x"] = target.pop(key)
                    elif change == "drop":
                        del target[key]
                    else:
                        target[key] = {"not": "valid"} if not isinstance(target[key], dict) else 3.5
                    yield broken
        elif isinstance(item, list):
            for index, value in enumerate(item):
                stack.append((path + (index,), value))


def test_the_fast_shape_check_agrees_with_the_json_schema():
    from hypercode_lang.ir.shape import conforms
    source = ("def f(a, b=2):\n    return [a, b][0]\nmatch f(1):\n    case [x, *rest] if x:\n        pass\n"
              "    case _:\n        pass\ntry:\n    print(f'{f(1):>3}')\nexcept ValueError as e:\n    pass\n"
              "d = {'k': 1}\nd['k'] += 1\nprint(d.get('k'), [i for i in range(3) if i])\n")
    program = parse(source).program
    checked = 0
    for broken in _mutations(program):
        try:
            ir.validate(broken)
            expected = True
        except ir.IRError:
            expected = False
        assert conforms(broken) == expected, broken
        checked += 1
    assert checked > 200
