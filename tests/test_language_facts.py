"""One source of truth for the language (hypercode_lang/language/): the generated editor files
are in sync with it, and every reader — checker, VM, JIT, IDE analysis, parser, editors —
agrees with its tables. Each test fails if a reader keeps a copy that drifts."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from hypercode_lang import api
from hypercode_lang.language import builtins as facts
from hypercode_lang.language import errors, export, keywords, methods
from hypercode_lang.language.nodes import EXPRESSIONS, STATEMENTS, children

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ generated files

def test_generated_editor_files_are_in_sync():
    for path, text in export.outputs().items():
        assert path.read_text(encoding="utf-8") == text, \
            f"{path.relative_to(ROOT)} is stale: run python -m hypercode_lang.language.export"
    assert export.main(["--check"]) == 0


def test_the_vscode_grammar_is_built_from_the_facts():
    grammar = (ROOT / "vscode-extension/syntaxes/hypercode.tmLanguage.json").read_text(encoding="utf-8")
    repository = json.loads(grammar)["repository"]
    error_pattern = repository["error-kind"]["match"]
    assert all(re.search(rf"\b{kind}\b", error_pattern) for kind in errors.ERROR_KINDS)
    builder = (ROOT / "vscode-extension/scripts/build-grammar.mjs").read_text(encoding="utf-8")
    assert "language-facts.json" in builder
    # no hand-kept word list left in the builder
    assert '"ZeroDivisionError"' not in builder and '"isdigit"' not in builder
    node = subprocess.run(["node", "scripts/build-grammar.mjs", "--check"], cwd=ROOT / "vscode-extension",
                          capture_output=True, text=True)
    assert node.returncode == 0, node.stdout + node.stderr


def test_hyperflow_reads_the_generated_module():
    source = (ROOT / "editor_web/web/hypercode-lang.js").read_text(encoding="utf-8")
    assert 'from "./language-facts.js"' in source
    assert "ZeroDivisionError" not in source  # its own copy is gone
    module = (ROOT / "editor_web/web/language-facts.js").read_text(encoding="utf-8")
    listed = json.loads(re.search(r"export const ERROR_KINDS = Object.freeze\((.*)\);", module).group(1))
    assert listed == list(errors.ERROR_KINDS)


# ------------------------------------------------------------------ built-ins: checker and VM agree

def _checker_codes(source: str) -> list[str]:
    return [d.code for d in api.check(source)]


def _vm_fault(source: str) -> str | None:
    """The code the VM raises for `source`, run without the checker in front of it."""
    parsed = api.parse(source)
    assert not parsed.diagnostics, parsed.diagnostics
    out: list[str] = []
    result = api.execute(parsed.program, filename="<facts>", write_out=out.append, read_line=lambda *a: None,
                         env={}, timeout=10)
    return result.diagnostics[0].code if result.diagnostics else None


def _calls_with_wrong_counts(name: str, low: int, high: int | None, callee: str) -> list[str]:
    calls = []
    if low > 0:
        calls.append(f"{callee}({', '.join(['1'] * (low - 1))})")
    if high is not None:
        calls.append(f"{callee}({', '.join(['1'] * (high + 1))})")
    return calls


@pytest.mark.parametrize("name", facts.FUNCTION_NAMES)
def test_vm_and_checker_share_each_builtins_arity(name):
    from hypercode_lang.vm import builtins as vm_builtins

    signature = facts.FUNCTIONS[name]
    low, high = signature.arity()
    value = vm_builtins.Builtins.__new__(vm_builtins.Builtins)
    value.vm, value.limit = None, 10
    built = value.table()[name]
    assert (built.min_args, built.max_args) == (low, high)
    assert (None if built.kwnames is None else tuple(built.kwnames)) == signature.vm_arity()[2]
    for call in _calls_with_wrong_counts(name, low, high, name):
        assert _checker_codes(f"x = {call}\n") == ["HC1003"], call
        # through an alias the checker can't see, the VM refuses the same call the same way
        assert _vm_fault(f"f = {name}\nx = {call.replace(name, 'f', 1)}\n") == "HC1003", call


def test_max_of_nothing_is_a_check_time_error_in_plain_words():
    found = api.check("print(max())\n")
    assert [d.code for d in found] == ["HC1003"]
    assert "takes at least 1 argument," in found[0].message
    assert "1 arguments" not in found[0].message


def test_keyword_names_match_the_vm():
    # round's keyword is `ndigits` (Python's name), and sum's first parameter is positional only
    assert _checker_codes("x = round(2.5, ndigits=1)\n") == []
    assert _vm_fault("x = round(2.5, ndigits=1)\n") is None
    assert _checker_codes("x = round(2.5, digits=1)\n") == ["HC1003"]
    assert _vm_fault("f = round\nx = f(2.5, digits=1)\n") == "HC1003"
    assert _checker_codes("x = sum(items=[1])\n") == ["HC1003"]
    assert _vm_fault("f = sum\nx = f(items=[1])\n") == "HC1003"


@pytest.mark.parametrize("type_name", list(methods.METHODS))
def test_vm_methods_are_the_table(type_name):
    from hypercode_lang.vm import builtins as vm_builtins

    python_type = {"str": str, "list": list, "dict": dict}[type_name]
    assert vm_builtins.METHODS[python_type] == tuple(methods.METHODS[type_name])
    for name, signature in methods.METHODS[type_name].items():
        assert vm_builtins.METHOD_ARITY_BY_TYPE[(python_type, name)] == signature.vm_arity()
        assert getattr(python_type, name)  # every listed method exists on the Python type


def test_method_arity_checked_the_same_way():
    for source in ['x = "a b".split(" ", 1, 2)\n', "xs = [1]\nxs.append()\n", "d = {}\nd.get()\n"]:
        assert _checker_codes(source) == ["HC1003"], source
        assert _vm_fault(source) == "HC1003", source


def test_math_module_is_the_table():
    from hypercode_lang.vm.builtins import make_math_module

    math_module = make_math_module()
    assert set(math_module.names) == set(facts.MATH) | set(facts.MATH_CONSTANTS) == set(facts.MATH_NAMES)
    for name, signature in facts.MATH.items():
        value = math_module.values[math_module.names[name]]
        assert (value.min_args, value.max_args) == signature.arity()


# ------------------------------------------------------------------ error kinds

def test_every_error_kind_is_known_to_checker_and_vm():
    from hypercode_lang.vm import values

    assert values.ERROR_PARENTS is errors.ERROR_PARENTS
    for kind in errors.ERROR_KINDS:
        source = f"try:\n    raise {kind}('x')\nexcept {kind}:\n    print('caught')\n"
        assert _checker_codes(source) == [], kind
        result = api.execute(api.parse(source).program, filename="<k>", write_out=(out := []).append,
                             read_line=lambda *a: None, env={}, timeout=10)
        assert result.status == "success" and "".join(out) == "caught\n", kind
    assert _checker_codes("try:\n    pass\nexcept ValueEror:\n    pass\n") == ["HC1001"]


def test_error_hierarchy_is_pythons():
    import builtins as python

    for kind, parent in errors.ERROR_PARENTS.items():
        if kind == "Error" or parent is None:
            continue
        assert issubclass(getattr(python, kind), getattr(python, parent)), kind
        assert errors.kind_matches(kind, parent)


# ------------------------------------------------------------------ JIT, analysis, parser readers

def test_jit_lists_come_from_the_table_and_stay_inside_it():
    from hypercode_lang.jit import eligibility

    assert eligibility.BUILTINS is facts.JIT_BUILTINS
    assert eligibility.MATH_FUNCS is facts.JIT_MATH_FUNCTIONS
    assert eligibility.MATH_CONSTS == set(facts.MATH_CONSTANTS)
    for name, (low, high) in facts.JIT_BUILTINS.items():
        table_low, table_high = facts.FUNCTIONS[name].arity()
        assert table_low <= low and (table_high is None or high <= table_high), name
    for name, count in facts.JIT_MATH_FUNCTIONS.items():
        table_low, table_high = facts.MATH[name].arity()
        assert table_low <= count <= table_high, name


def test_analysis_reads_the_same_tables():
    from hypercode_lang.analysis import builtins as analysis_builtins

    assert analysis_builtins.FUNCTIONS is facts.FUNCTIONS
    assert analysis_builtins.METHODS is methods.METHODS
    assert analysis_builtins.MATH is facts.MATH
    assert list(analysis_builtins.ERROR_KINDS) == list(errors.ERROR_KINDS)


def test_parser_keyword_sets_are_the_language_ones():
    from hypercode_lang.ir import names
    from hypercode_lang.parser import recovery, scanner

    assert names.KEYWORDS is keywords.HARD_KEYWORDS
    assert recovery.BLOCK_KEYWORDS == keywords.BLOCK_KEYWORDS
    assert recovery.STATEMENT_KEYWORDS == list(keywords.STATEMENT_KEYWORDS)
    assert scanner.STATEMENT_WORDS is keywords.STATEMENT_START_WORDS
    assert scanner.CONTINUES_CHUNK is keywords.CLAUSE_KEYWORDS


@pytest.mark.parametrize("word", sorted(keywords.HARD_KEYWORDS))
def test_no_hard_keyword_is_a_name(word):
    from hypercode_lang.ir.names import is_name

    assert not is_name(word)
    assert any(d.is_error for d in api.check(f"{word} = 1\n")), word


# ------------------------------------------------------------------ node declarations

def test_children_follow_the_declarations():
    program = api.parse(
        "def f(a, b=len([1])):\n"
        "    for x in range(a):\n"
        "        if x > b:\n"
        "            print(f'{x}', sep='-')\n"
        "    return {1: a}\n").program
    definition = program["body"][0]
    assert set(EXPRESSIONS) and set(STATEMENTS)
    kids = children(definition, "statement")
    assert [next(iter(k)) for k in kids] == ["call", "for", "return"]  # the default, then the body
    loop = kids[1]
    assert [next(iter(k)) for k in children(loop, "statement")] == ["var", "call", "if"]
    test_if = children(loop, "statement")[2]
    compare, call_statement = children(test_if, "statement")
    call = children(call_statement, "statement")[0]
    assert [next(iter(k)) for k in children(call)] == ["var", "fstring", "const"]
    assert children({"const": 1}) == [] and children("not a node") == []
