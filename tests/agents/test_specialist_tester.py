"""The tester picks boundary inputs from how parameters are used, records results by running the
function in the sandbox, writes a test file that passes `hcvm run`, and reports crashing inputs."""

import subprocess
import sys
from pathlib import Path

from agent_bridge.specialists.tester import plan_inputs
from hypercode_lang import api
from specialist_helpers import ask

HCVM = Path(sys.executable).with_name("hcvm")
GRADES = """def grade(score):
    if score >= 90:
        return "A"
    if score >= 50:
        return "pass"
    return "fail"

def average(marks):
    return sum(marks) / len(marks)

def first_word(text):
    return text.split()[0]
"""


def write_and_run(folder: Path, name: str, source: str, answer: dict) -> subprocess.CompletedProcess:
    (folder / name).write_text(source)
    [test_file] = answer["files"]
    assert Path(test_file["path"]) == folder / f"test_{name}"
    Path(test_file["path"]).write_text(test_file["text"])
    return subprocess.run([str(HCVM), "run", test_file["path"]], capture_output=True, text=True, timeout=60)


def test_boundaries_come_from_how_parameters_are_used():
    program = api.parse(GRADES).program
    plans = {f["def"]["name"]: plan_inputs(f) for f in program["body"]}
    assert plans["grade"][0].values[:6] == [89, 90, 91, 49, 50, 51]
    assert [] in plans["average"][0].values and [1] in plans["average"][0].values
    assert "" in plans["first_word"][0].values and "a" in plans["first_word"][0].values
    index_use = api.parse("def at(xs, i):\n    return xs[i]\n").program["body"][0]
    xs, i = plan_inputs(index_use)
    assert [] in xs.values and i.values == [0, 1, -1]
    divisor = api.parse("def share(total, people):\n    return total / people\n").program["body"][0]
    assert 0 in plan_inputs(divisor)[1].values


def test_writes_a_test_file_that_passes_hcvm_run_and_reports_crashes(tmp_path):
    answer = ask("test", GRADES, uri=str(tmp_path / "grades.hc"))
    text = answer["files"][0]["text"]
    assert "import grades" in text
    assert "assert grades.grade(90) == 'A'" in text
    assert "assert grades.grade(89) == 'pass'" in text
    assert "assert grades.grade(49) == 'fail'" in text
    assert "assert grades.average([3, 1, 2]) == 2.0" in text
    crashes = {f["input"]: f["code"] for f in answer["findings"]}
    assert crashes["average([])"] == "HC2005"
    assert crashes["first_word('')"] == "HC2003"
    assert "average([])" not in text          # a crash is a finding, never an assert
    ran = write_and_run(tmp_path, "grades.hc", GRADES, answer)
    assert ran.returncode == 0, ran.stderr
    assert "passed" in ran.stdout
    assert "it passes `hcvm run`" in answer["markdown"]


def test_a_file_that_runs_code_at_the_top_is_copied_not_imported(tmp_path):
    source = "def double(n):\n    return n * 2\n\nname = input('Name? ')\nprint(double(len(name)))\n"
    answer = ask("test", source, uri=str(tmp_path / "noisy.hc"))
    text = answer["files"][0]["text"]
    assert "import noisy" not in text and "def double(n):" in text
    assert "input(" not in text
    assert "assert double(1) == 2" in text
    ran = write_and_run(tmp_path, "noisy.hc", source, answer)
    assert ran.returncode == 0, ran.stderr


def test_the_selected_function_only(tmp_path):
    answer = ask("test", GRADES, uri=str(tmp_path / "grades.hc"), lines=(9, 9))
    text = answer["files"][0]["text"]
    assert "average(" in text and "grade(" not in text


def test_never_ending_inputs_are_findings_and_stop_early(tmp_path, monkeypatch):
    import agent_bridge.specialists.tester as tester
    monkeypatch.setattr(tester, "RUN_SECONDS", 0.5)
    source = "def countdown(n):\n    while n != 0:\n        n = n - 2\n    return n\n"
    answer = ask("test", source, uri=str(tmp_path / "spin.hc"))
    slow = [f for f in answer["findings"] if f["code"] == "HC3001"]
    assert 1 <= len(slow) <= tester.MAX_TIMEOUTS
    assert "countdown(" in slow[0]["input"]
    assert "assert spin.countdown(0) == 0" in answer["files"][0]["text"]


def test_a_file_with_problems_is_not_run():
    answer = ask("test", "def f(x)\n    return x\n")
    assert answer["files"] == []
    assert "can't run it yet" in answer["markdown"]


def test_no_function_to_test():
    answer = ask("test", "print('hi')\n")
    assert answer["files"] == [] and "no function" in answer["markdown"]


def test_cancelling_stops_running_inputs(tmp_path):
    answer = ask("test", GRADES, uri=str(tmp_path / "grades.hc"), cancelled=lambda: True)
    assert answer["findings"] == []
