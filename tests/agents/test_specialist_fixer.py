"""The fixer offers an edit only when the edited file passes `check` and the failing run (same
stdin and env) no longer fails the same way; otherwise it says plainly that it has none."""

from pathlib import Path

import pytest

from hypercode_lang import api
from hypercode_lang.diagnostics.model import TextEdit, apply_edits
from hypercode_lang.diagnostics import Span

from agent_bridge.specialists.common import Source, text_edit_from_range, validate_edits
from specialist_helpers import ask

ROOT = Path(__file__).resolve().parents[2]
URI = "/tmp/hc-agents/fixme.hc"


def edited(source: str, answer: dict) -> str:
    return apply_edits(source, [text_edit_from_range(e["range"], e["new_text"]) for e in answer["edits"]])


def assert_fixed_run(source: str, answer: dict, stdin: str = "", env=None):
    assert answer["edits"], answer["markdown"]
    new = edited(source, answer)
    assert not [d for d in api.check(new, URI) if d.is_error]
    result = api.run(new, filename=URI, stdin=stdin, env=env or {})
    assert result.status == "success", result.stderr
    return new, result


RUNTIME_CASES = {
    "off-by-one while": ("xs = [1, 2, 3]\ni = 0\nwhile i <= len(xs):\n    print(xs[i])\n    i += 1\n", "i < len(xs)"),
    "index at len": ("xs = [1, 2, 3]\nprint(xs[len(xs)])\n", "len(xs) - 1"),
    "range plus one": ("xs = [4, 5]\nfor i in range(len(xs) + 1):\n    print(xs[i])\n", "range(len(xs))"),
    "misspelt key": ("prices = {'apple': 1}\nprint(prices['apples'])\n", "'apple'"),
    "missing key": ("prices = {'apple': 1}\nprint(prices['pear'])\n", ".get("),
    "division": ("marks = []\nprint(sum(marks) / len(marks))\n", "!= 0"),
    "too many values": ("a, b = [1, 2, 3]\nprint(a + b)\n", "[:2]"),
}


@pytest.mark.parametrize("name", list(RUNTIME_CASES))
def test_runtime_faults_become_checked_edits(name):
    source, expected_text = RUNTIME_CASES[name]
    assert api.run(source, filename=URI).status == "error"
    answer = ask("fix", source, uri=URI)
    new, result = assert_fixed_run(source, answer)
    assert expected_text in new
    assert "it no longer fails this way" in answer["markdown"]
    assert answer["findings"][0]["code"].startswith("HC2")


def test_conversion_uses_the_same_stdin():
    source = "n = int(input('How many? '))\nprint(n * 2)\n"
    answer = ask("fix", source, uri=URI, stdin="lots\n")
    new, result = assert_fixed_run(source, answer, stdin="lots\n")
    assert "except ValueError:" in new and "n = 0" in new
    # The same program with good input has nothing to fix.
    assert ask("fix", source, uri=URI, stdin="4\n")["edits"] == []


def test_env_is_passed_to_the_failing_run():
    source = "limit = int(env('LIMIT', '0'))\nprint(10 / limit)\n"
    assert ask("fix", source, uri=URI, env={"LIMIT": "5"})["edits"] == []
    answer = ask("fix", source, uri=URI, env={"LIMIT": "0"})
    assert_fixed_run(source, answer, env={"LIMIT": "0"})


def test_static_diagnostic_uses_the_catalogue_fix_and_keeps_other_errors():
    path = ROOT / "examples" / "mistakes.hc"
    source = path.read_text()
    answer = ask("fix", source, uri=str(path), lines=(3, 3))
    assert answer["edits"][0]["new_text"] == "message"
    new = edited(source, answer)
    before = [d.code for d in api.check(source, str(path)) if d.is_error]
    after = [d.code for d in api.check(new, str(path)) if d.is_error]
    assert "HC1001" in before and "HC1001" not in after
    assert len(after) == len(before) - 1
    assert "the file's other problems are unchanged" in answer["markdown"]


def test_fixes_a_diagnostic_the_editor_sends():
    source = "def f(x)\n    return x\n"
    diagnostic = {"code": "HC0002", "range": {"line": 1, "col": 9, "end_line": 1, "end_col": 9}}
    answer = ask("fix", source, uri=URI, diagnostic=diagnostic)
    assert edited(source, answer) == "def f(x):\n    return x\n"
    assert "passes `check`" in answer["markdown"]


def test_says_plainly_when_there_is_no_fix():
    source = "a, b, c = [1, 2]\nprint(a)\n"
    answer = ask("fix", source, uri=URI)
    assert answer["edits"] == []
    assert "I don't have a fix I could check for this one." in answer["markdown"]
    assert "Unpacking" in answer["markdown"]


def test_nothing_to_fix_in_a_clean_program():
    answer = ask("fix", "print('fine')\n", uri=URI)
    assert answer["edits"] == []
    assert "I found nothing to fix" in answer["markdown"]


def test_a_fault_outside_the_selection_is_not_this_selections_problem():
    source = "x = 1\nprint(x)\nprint([][0])\n"
    assert ask("fix", source, uri=URI, lines=(1, 2))["edits"] == []
    assert ask("fix", source, uri=URI, lines=(3, 3))["edits"]


def test_a_never_ending_program_is_reported_not_fixed(monkeypatch):
    import agent_bridge.specialists.common as common
    monkeypatch.setattr(common, "RUN_TIMEOUT", 1.0)
    answer = ask("fix", "while True:\n    pass\n", uri=URI)
    assert answer["edits"] == []
    assert "Time limit" in answer["markdown"]
    assert "I don't have a fix I could check for this one." in answer["markdown"]


def test_the_gate_refuses_edits_that_break_check_or_keep_failing():
    source = Source("xs = [1]\nprint(xs[5])\n", URI)
    run = api.run(source.text, filename=URI)
    target = run.diagnostics[0]
    breaks_check = [TextEdit(Span(2, 1, 2, 6), "prnt(")]
    verdict = validate_edits(source, breaks_check, target=target, failing_run=run)
    assert not verdict.ok and verdict.reason == "check"
    still_fails = [TextEdit(Span(2, 10, 2, 11), "7")]
    verdict = validate_edits(source, still_fails, target=target, failing_run=run)
    assert not verdict.ok and verdict.reason == "same_failure"
    assert validate_edits(source, [], target=target, failing_run=run).reason == "empty"
    works = [TextEdit(Span(2, 10, 2, 11), "0")]
    assert validate_edits(source, works, target=target, failing_run=run).ok


def test_progress_is_reported_while_checking():
    progress = []
    ask("fix", "xs = [1]\nprint(xs[len(xs)])\n", uri=URI, progress=progress)
    assert progress[0] == "finding the problem"
    assert any(message.startswith("checking fix 1") for message in progress)
