"""`hcvm ask …` from a terminal: readable by default, --json for tools, --apply writes a fix, and
`test` writes test_<file>.hc beside the file. Run as real `hcvm` processes, with no server."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HCVM = Path(sys.executable).with_name("hcvm")


@pytest.fixture
def env(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HYPERCODE_LLM")}
    return {**clean, "HYPERCODE_DATA": str(tmp_path / "data"), "HYPERCODE_CONFIG": str(tmp_path / "config")}


def hcvm(env, *args, cwd=ROOT, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(HCVM), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120,
                          input=stdin)


def test_explain_a_line_of_the_mistakes_example_right_away(env):
    done = hcvm(env, "ask", "explain", "examples/mistakes.hc:3")
    assert done.returncode == 0, done.stderr
    assert "Nothing called `mesage` has been given a value before this line." in done.stdout
    assert "You probably meant `message`, which is set on line 2." in done.stdout
    assert "answered by explainer (rules)" in done.stdout
    assert "Traceback" not in done.stderr


def test_explain_a_range_of_lines(env, tmp_path):
    program = tmp_path / "fib.hc"
    program.write_text("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n")
    done = hcvm(env, "ask", "explain", f"{program}:1-4")
    assert "`fib` takes one value, `n`." in done.stdout


def test_fix_shows_a_diff_then_apply_writes_it(env, tmp_path):
    program = tmp_path / "mistakes.hc"
    shutil.copy(ROOT / "examples" / "mistakes.hc", program)
    shown = hcvm(env, "ask", "fix", f"{program}:3")
    assert shown.returncode == 0, shown.stderr
    assert "-print(mesage)\n+print(message)" in shown.stdout
    assert "add --apply" in shown.stdout
    assert "mesage" in program.read_text()       # nothing written without --apply
    applied = hcvm(env, "ask", "fix", f"{program}:3", "--apply")
    assert "Applied the fix" in applied.stdout
    assert "print(message)" in program.read_text()
    checked = hcvm(env, "check", "--json", str(program))
    codes = [d["code"] for d in json.loads(checked.stdout)]
    assert "HC1001" not in codes and len(codes) == 2


def test_fix_uses_stdin_and_env_for_the_failing_run(env, tmp_path):
    program = tmp_path / "ask_number.hc"
    program.write_text("n = int(input())\nprint(100 / int(env('SHARE', '1')) + n)\n")
    (tmp_path / "input.txt").write_text("seven\n")
    done = hcvm(env, "ask", "fix", str(program), "--stdin", str(tmp_path / "input.txt"), "--json")
    result = json.loads(done.stdout)
    assert result["edits"] and "except ValueError" in result["edits"][0]["new_text"]
    done = hcvm(env, "ask", "fix", str(program), "--env", "SHARE=0", "--stdin", "-", "--json", stdin="3\n")
    assert "!= 0" in json.loads(done.stdout)["edits"][0]["new_text"]


def test_json_has_the_result_shape(env):
    done = hcvm(env, "ask", "review", "examples/mistakes.hc", "--json")
    result = json.loads(done.stdout)
    assert set(result) >= {"markdown", "edits", "files", "findings", "agent", "duration"}
    assert result["agent"]["role"] == "reviewer"


def test_test_writes_the_file_beside_the_program_and_it_runs(env, tmp_path):
    program = tmp_path / "shapes.hc"
    program.write_text("def area(width, height):\n    if width < 0:\n        return 0\n    return width * height\n")
    done = hcvm(env, "ask", "test", str(program))
    assert done.returncode == 0, done.stderr
    test_file = tmp_path / "test_shapes.hc"
    assert f"Wrote {test_file}" in done.stdout
    ran = hcvm(env, "run", str(test_file))
    assert ran.returncode == 0, ran.stderr
    assert "passed" in ran.stdout
    # An existing test file is replaced only with --apply.
    test_file.write_text("# mine\n")
    again = hcvm(env, "ask", "test", str(program))
    assert test_file.read_text() == "# mine\n" and "add --apply" in again.stdout
    hcvm(env, "ask", "test", str(program), "--apply")
    assert "assert shapes.area" in test_file.read_text()


def test_ask_without_a_model_says_so_and_offers_the_others(env):
    done = hcvm(env, "ask", "ask", "examples/mistakes.hc", "--question", "What is wrong?")
    assert done.returncode == 0
    assert "No language model is set up" in done.stdout
    assert "`explain`" in done.stdout and "`review`" in done.stdout


def test_bad_input_gets_a_calm_message_and_exit_2(env, tmp_path):
    missing = hcvm(env, "ask", "explain", str(tmp_path / "nope.hc"))
    assert missing.returncode == 2 and "There is no file called" in missing.stderr
    bad_range = hcvm(env, "ask", "explain", "examples/mistakes.hc:5-2")
    assert bad_range.returncode == 2 and "isn't FILE, FILE:LINE or FILE:LINE-LINE" in bad_range.stderr
    bad_kind = hcvm(env, "ask", "summarise", "examples/mistakes.hc")
    assert bad_kind.returncode == 2 and "invalid choice" in bad_kind.stderr
    for done in (missing, bad_range, bad_kind):
        assert "Traceback" not in done.stderr


def test_hcvm_lists_ask_and_hypercode_lang_never_imports_agent_bridge(env):
    assert "ask " in hcvm(env, "--help").stdout
    probe = ("import sys, hypercode_lang.cli as cli, hypercode_lang.api as api\n"
             "api.run('print(1)\\n')\n"
             "cli.main(['check', 'examples/tour.hc'])\n"
             "print(sorted(m for m in sys.modules if m.startswith('agent_bridge')))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]"
