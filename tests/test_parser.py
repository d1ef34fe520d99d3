"""The parser: IR shapes and locations (spec §6), recovery (every independent error once), chunks."""

from __future__ import annotations

import pytest

import hypercode_lang as hc
from hypercode_lang.ir import strip_locs
from hypercode_lang.parser import parse


def body(source: str) -> list:
    result = parse(source)
    assert result.diagnostics == [], [d.message for d in result.diagnostics]
    return strip_locs(result.program)["body"]


def expr(source: str) -> dict:
    return body(source)[0]["expr"]


def codes(source: str) -> list[str]:
    return [d.code for d in hc.check(source)]


# ---------------------------------------------------------------- IR shapes

def test_spec_encoding_of_basic_nodes():
    assert expr("1 + 2 * x") == {"binop": {"op": "add", "left": {"const": 1}, "right": {
        "binop": {"op": "mul", "left": {"const": 2}, "right": {"var": "x"}}}}}
    assert expr("-x") == {"unary": {"op": "neg", "operand": {"var": "x"}}}
    assert expr("not a or b and c") == {"boolop": {"op": "or", "values": [
        {"unary": {"op": "not", "operand": {"var": "a"}}},
        {"boolop": {"op": "and", "values": [{"var": "b"}, {"var": "c"}]}}]}}
    assert expr("a < b <= c not in d") == {"compare": {"left": {"var": "a"}, "ops": ["lt", "le", "notin"],
                                                      "comparators": [{"var": "b"}, {"var": "c"}, {"var": "d"}]}}
    assert expr("f(x, key=2)") == {"call": {"func": {"var": "f"}, "args": [{"var": "x"}],
                                           "kwargs": {"key": {"const": 2}}}}
    assert expr("xs.append") == {"attr": {"value": {"var": "xs"}, "name": "append"}}
    assert expr("x[1:]") == {"slice": {"value": {"var": "x"}, "lower": {"const": 1}, "upper": None, "step": None}}
    assert expr("{1: 'a'}") == {"dict": [[{"const": 1}, {"const": "a"}]]}
    assert expr("(1,)") == {"tuple": [{"const": 1}]}
    assert expr("a if c else b") == {"ifexp": {"test": {"var": "c"}, "body": {"var": "a"}, "orelse": {"var": "b"}}}
    assert expr("[x for x in xs if x]") == {"listcomp": {"elt": {"var": "x"}, "target": {"var": "x"},
                                                         "iter": {"var": "xs"}, "ifs": [{"var": "x"}]}}


def test_power_is_right_associative_and_binds_tighter_than_unary_minus():
    assert expr("-2 ** 2") == {"unary": {"op": "neg", "operand": {"binop": {
        "op": "pow", "left": {"const": 2}, "right": {"const": 2}}}}}
    assert expr("2 ** 3 ** 2")["binop"]["right"]["binop"]["op"] == "pow"


def test_numbers_and_strings_follow_python():
    assert expr("1_000") == {"const": 1000}
    assert expr("0xFF") == {"const": 255}
    assert expr("1e-3") == {"const": 0.001}
    assert expr("'a\\tb\\u00e9'") == {"const": "a\tbé"}
    assert expr('"""two\nlines"""') == {"const": "two\nlines"}
    assert expr("'ab' 'cd'") == {"const": "abcd"}


def test_fstrings_with_specs_conversions_and_braces():
    assert expr('f"Hi {name}! {x:.2f} {{ok}} {y!r:>5}"') == {"fstring": [
        "Hi ", {"value": {"var": "name"}, "spec": None, "conv": None}, "! ",
        {"value": {"var": "x"}, "spec": ".2f", "conv": None}, " {ok} ",
        {"value": {"var": "y"}, "spec": ">5", "conv": "r"}]}


def test_statements():
    program = body("a, b = b, a\nxs[0] += 1\nfor i in r:\n    break\nelse:\n    pass\n")
    assert program[0] == {"assign": {"targets": [{"tuple": [{"var": "a"}, {"var": "b"}]}],
                                     "value": {"tuple": [{"var": "b"}, {"var": "a"}]}}}
    assert program[1]["augassign"]["op"] == "add"
    assert program[2]["for"]["orelse"] == [{"pass": None}]


def test_def_try_match_import():
    program = body(
        "import helpers\n"
        "def f(a, b=2):\n    return\n"
        "try:\n    raise ValueError('x')\nexcept ValueError as e:\n    pass\nfinally:\n    pass\n"
        "match p:\n    case [1, *rest] if rest:\n        pass\n    case 'a' | None:\n        pass\n    case _:\n        pass\n")
    assert program[0] == {"import": "helpers"}
    assert program[1]["def"]["params"] == [{"name": "a", "default": None}, {"name": "b", "default": {"const": 2}}]
    assert program[1]["def"]["body"] == [{"return": None}]
    handler = program[2]["try"]["handlers"][0]
    assert (handler["kind"], handler["name"]) == ("ValueError", "e")
    cases = program[3]["match"]["cases"]
    assert cases[0]["pattern"] == {"sequence": [{"const": 1}, {"star": "rest"}]}
    assert cases[1]["pattern"] == {"or": [{"const": "a"}, {"const": None}]}
    assert cases[2]["pattern"] == {"wildcard": None}


def test_every_node_has_an_exact_loc():
    program = parse("total = price * 2\nprint(f'{total:.1f}')\n").program
    assign = program["body"][0]
    assert assign["loc"] == [1, 1, 1, 18]
    assert assign["assign"]["value"]["binop"]["left"]["loc"] == [1, 9, 1, 14]
    field = program["body"][1]["expr"]["call"]["args"][0]["fstring"][0]["value"]
    assert field["loc"] == [2, 10, 2, 15]


# ---------------------------------------------------------------- recovery

def test_three_unrelated_mistakes_give_three_diagnostics():
    source = ("message = 'hi'\nprint(mesage)\n\ndef total(prices)\n    return sum(prices)\n\n"
              "if len(message) = 2:\n    print('two')\nprint(total([1]))\n")
    assert codes(source) == ["HC1001", "HC0002", "HC0006"]


@pytest.mark.parametrize("source, code", [
    ("x = = 2\n", "HC0001"),
    ("while x < 3\n    x += 1\n", "HC0002"),
    ("xs = [1, 2\ny = 3\n", "HC0003"),
    ("s = 'open\n", "HC0004"),
    ("if True:\npass\n", "HC0005"),
    ("while n = 3:\n    pass\n", "HC0006"),
    ("print 'x'\n", "HC0007"),
    ("whlie True:\n    pass\n", "HC0008"),
    ("function f():\n    pass\n", "HC0008"),
    ("if a:\n    pass\nelsif b:\n    pass\n", "HC0008"),
    ("lambda x: x\n", "HC0009"),
    ("x = 1 & 2\n", "HC0009"),
    ("global x\n", "HC0009"),
    ("@dec\ndef f():\n    pass\n", "HC0009"),
    ("x = a if a else b := 3\n", "HC0009"),
    ("y = x++\n", "HC0009"),
    ("x = 5 $ 2\n", "HC0001"),
    ("if a && b:\n    pass\n", "HC0009"),
])
def test_syntax_codes(source, code):
    assert code in [d.code for d in parse(source).diagnostics]


def test_recovery_keeps_parsing_inside_blocks():
    source = "def f(x):\n    y = x +\n    z = (\n    return x\nprint(f(1)\n"
    diagnostics = parse(source).diagnostics
    assert len(diagnostics) >= 2
    assert all(d.is_error for d in diagnostics)


def test_broken_statements_keep_their_names():
    # The broken line still binds 'total', so line 2 isn't reported as an unknown name.
    assert codes("total = 1 2\nprint(total)\n") == ["HC0001"]


def test_legacy_print_still_runs():
    result = hc.run('print "hello"\nprint 1 + 2\n')
    assert result.stdout == "hello\n3\n"
    assert [d.code for d in result.diagnostics] == ["HC0007", "HC0007"]


def test_parse_never_loses_the_program_after_an_error():
    program = parse("x = (\ny = 2\nprint(y)\n").program
    kinds = [next(iter(s)) for s in program["body"]]
    assert kinds[-1] == "expr"


# ---------------------------------------------------------------- chunks and cache

def test_reparsing_an_edit_reuses_unchanged_chunks(monkeypatch):
    from hypercode_lang import parser
    source = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(50))
    parse(source)
    parsed = []
    original = parser._parse_with_recovery
    monkeypatch.setattr(parser, "_parse_with_recovery", lambda text: parsed.append(text) or original(text))
    edited = source.replace("return x + 7\n", "return x + 77\n")
    result = parse(edited)
    assert len(parsed) == 1 and "77" in parsed[0]
    assert result.program["body"][7]["def"]["body"][0]["return"]["binop"]["right"]["const"] == 77


def test_windows_newlines_and_bom():
    assert strip_locs(parse("\ufeffx = 1\r\nprint(x)\r\n").program) == strip_locs(parse("x = 1\nprint(x)\n").program)


@pytest.mark.parametrize("source", ['x = "\\ue"\n', 'x = "\\N{nope}"\n', 'y = f"\\ue {1}"\n', "x = '\\x4'\n"])
def test_broken_escapes_are_diagnostics(source):
    assert [d.code for d in hc.check(source)] == ["HC0001"]


@pytest.mark.parametrize("source", ["z = 0_7\n", "w = 1e\n", "v = 007\n"])
def test_malformed_numbers_are_named_as_numbers(source):
    (diagnostic,) = hc.check(source)
    assert "isn't a number HyperCode can read" in diagnostic.message
