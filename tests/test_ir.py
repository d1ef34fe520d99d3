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
    assert json.loads(SCHEMA_PATH.read_text()) == schema()


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
