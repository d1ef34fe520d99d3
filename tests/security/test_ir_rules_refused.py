"""IR can't do what source can't (issue 7 item 3): the IR form of every construct the grammar or
the checker refuses gets the same diagnostic through `hcvm run file.json`, never exit 70.
Source and IR share one rule set, checker/rules.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hypercode_lang as hc
from hypercode_lang.checker import load_ir_program
from hypercode_lang.checker.rules import check_rules
from hypercode_lang.parser import parse

ROOT = Path(__file__).resolve().parents[2]


def var(name):
    return {"var": name}


def call(func, *args, **kwargs):
    return {"call": {"func": func, "args": list(args), "kwargs": kwargs}}


def program(*body):
    return {"hypercode": 2, "body": list(body)}


def expr(e):
    return {"expr": e}


def pass_():
    return {"pass": None}


def define(name, params, body):
    return {"def": {"name": name, "params": params, "body": body}}


LOOP = {"while": {"test": {"const": False}, "body": [], "orelse": []}}

# name -> (IR program, the source spelling the grammar or checker refuses, expected codes)
REFUSED = {
    "return at top level": (program({"return": None}), "return\n", ["HC1004"]),
    "break at top level": (program({"break": None}), "break\n", ["HC1004"]),
    "continue at top level": (program({"continue": None}), "continue\n", ["HC1004"]),
    "break in a def inside a loop": (
        program({"while": {"test": {"const": False}, "orelse": [], "body": [define("f", [], [{"break": None}])]}}),
        "while False:\n    def f():\n        break\n", ["HC1004"]),
    "return in a loop's else at top level": (
        program({"for": {"target": var("i"), "iter": {"list": []}, "body": [pass_()], "orelse": [{"return": None}]}}),
        "for i in []:\n    pass\nelse:\n    return\n", ["HC1004"]),
    "import with ..": (program({"import": "../outside/secret"}), None, ["HC1005"]),
    "import of an absolute path": (program({"import": "/etc/passwd"}), None, ["HC1005"]),
    "import with a dot": (program({"import": "os.path"}), "import os.path\n", ["HC1005"]),
    "import of an empty name": (program({"import": ""}), None, ["HC1005"]),
    "import of a keyword": (program({"import": "if"}), "import if\n", ["HC1005"]),
    "variable that isn't a name": (program(expr(var("a-b"))), None, ["HC0001"]),
    "variable that is a keyword": (program(expr(var("None"))), None, ["HC0001"]),
    "variable starting with a digit": (program({"assign": {"targets": [var("1x")], "value": {"const": 1}}}),
                                       "1x = 1\n", ["HC0001"]),
    "def named with a space": (program(define("two words", [], [pass_()])), None, ["HC0001"]),
    "parameter that is a keyword": (program(define("f", [{"name": "class", "default": None}], [pass_()])),
                                    "def f(class):\n    pass\n", ["HC0001"]),
    "repeated parameter": (program(define("f", [{"name": "a", "default": None}, {"name": "a", "default": None}],
                                          [pass_()])), "def f(a, a):\n    pass\n", ["HC0001"]),
    "default before no default": (
        program(define("f", [{"name": "a", "default": {"const": 1}}, {"name": "b", "default": None}], [pass_()])),
        "def f(a=1, b):\n    pass\n", ["HC0001"]),
    "keyword argument that isn't a name": (program(expr(call(var("print"), **{"a b": {"const": 1}}))), None,
                                           ["HC0001"]),
    "attribute that isn't a name": (program(expr({"attr": {"value": {"list": []}, "name": "x y"}})), None,
                                    ["HC0001"]),
    "dunder attribute": (program(expr({"attr": {"value": {"var": "print"}, "name": "__class__"}})),
                         "print.__class__\n", ["HC2006"]),
    "private attribute of a module": (program({"import": "math"}, expr({"attr": {"value": var("math"), "name": "_x"}})),
                                      "import math\nmath._x\n", ["HC2006"]),
    "capture pattern that isn't a name": (
        program({"match": {"subject": {"const": 1}, "cases": [{"pattern": {"capture": "a.b"}, "guard": None,
                                                                 "body": [pass_()]}]}}), None, ["HC0001"]),
    "except with a kind that isn't a name": (
        program({"try": {"body": [pass_()], "handlers": [{"kind": "Value Error", "name": None, "body": [pass_()]}],
                         "orelse": [], "finally": []}}), None, ["HC0001"]),
    "for target that isn't a name": (
        program({"for": {"target": var("x!"), "iter": {"list": []}, "body": [pass_()], "orelse": []}}), None,
        ["HC0001"]),
    "unknown name (the checker runs on IR too)": (program(expr(call(var("prnt"), {"const": 1}))), "prnt(1)\n",
                                                  ["HC1001"]),
    "wrong argument count": (program(expr(call(var("len")))), "len()\n", ["HC1003"]),
    "nested too deeply": (program(expr(json.loads('{"list": [' * 200 + ']}' * 200))), None, ["HC0010"]),
    "not the schema": ({"hypercode": 2, "body": [{"exec": "print(1)"}]}, None, ["HC0001"]),
    "an import of a file outside through a symlink-free path": (program({"import": "..\\secret"}), None, ["HC1005"]),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_ir_form_is_refused_like_source(name, tmp_path):
    ir_program, source, expected = REFUSED[name]
    filename = str(tmp_path / "program.json")
    loaded, diagnostics = load_ir_program(json.dumps(ir_program), filename)
    assert [d.code for d in diagnostics if d.is_error] == expected
    assert all(d.filename == filename for d in diagnostics)
    if source is not None:  # the same mistake in source is refused too (by the grammar or the same rules)
        assert any(d.is_error for d in hc.check(source, str(tmp_path / "program.hc")))


@pytest.mark.parametrize("name", ["return at top level", "import with ..", "dunder attribute", "nested too deeply",
                                  "repeated parameter", "not the schema"])
def test_hcvm_run_json_gives_diagnostics_not_exit_70(name, hcvm, tmp_path):
    ir_program, _, expected = REFUSED[name]
    path = tmp_path / "program.json"
    path.write_text(json.dumps(ir_program))
    done = hcvm("run", "--json", path)
    assert done.returncode == 2
    assert [d["code"] for d in json.loads(done.stdout)["diagnostics"]] == expected
    done = hcvm("run", "--plain", path)
    assert done.returncode == 2 and f"error {expected[0]}" in done.stderr


def test_hcvm_run_json_cannot_import_outside_its_folder(hcvm, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.hc").write_text("print('SECRET LOADED')\n")
    app = tmp_path / "app"
    app.mkdir()
    for name in ("../outside/secret", str(outside / "secret")):
        path = app / "program.json"
        path.write_text(json.dumps(program({"import": name})))
        done = hcvm("run", path)
        assert done.returncode == 2 and "SECRET LOADED" not in done.stdout + done.stderr
        assert "HC1005" in done.stderr


def test_a_valid_ir_file_still_runs(hcvm, tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(program(expr(call(var("print"), {"const": "fine"})))))
    done = hcvm("run", path)
    assert done.returncode == 0 and done.stdout == "fine\n"


@pytest.mark.parametrize("path", sorted(ROOT.glob("examples/*.hc")) + sorted(ROOT.glob("tests/programs/*.hc")),
                         ids=lambda p: p.name)
def test_what_the_parser_makes_keeps_every_rule(path):
    """The rules are the grammar's: IR from correct source never breaks one."""
    parsed = parse(path.read_text())
    if parsed.ok:
        assert check_rules(parsed.program) == []
