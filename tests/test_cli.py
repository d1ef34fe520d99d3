"""hcvm end to end (spec §7): subcommands, exit codes, output streams, JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hypercode_lang.diagnostics import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent


def hcvm(*args, stdin: str = "", cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hypercode_lang", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, cwd=cwd)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_run_prints_program_output_and_exits_0(tmp_path):
    result = hcvm("run", write(tmp_path, "hello.hc", 'print("Hello, world!")\n'))
    assert (result.returncode, result.stdout, result.stderr) == (0, "Hello, world!\n", "")


def test_runtime_error_exit_1_with_diagnostic_on_stderr_and_no_traceback(tmp_path):
    result = hcvm("run", write(tmp_path, "boom.hc", "print('before')\nxs = [1]\nprint(xs[3])\n"))
    assert result.returncode == 1
    assert result.stdout == "before\n"
    assert "HC2003" in result.stderr and "line 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_failure_exit_2_and_nothing_runs(tmp_path):
    result = hcvm("run", write(tmp_path, "bad.hc", "print('side effect')\nprint(mesage)\n"))
    assert result.returncode == 2 and result.stdout == ""
    assert "Did you mean" not in result.stdout and "HC1001" in result.stderr


def test_time_limit_exit_3(tmp_path):
    result = hcvm("run", "--timeout", "0.5", write(tmp_path, "loop.hc", "while True:\n    pass\n"))
    assert result.returncode == 3 and "HC3001" in result.stderr


def test_size_limit_exit_3(tmp_path):
    result = hcvm("run", write(tmp_path, "big.hc", "s = 'x' * 10 ** 12\n"))
    assert result.returncode == 3 and "HC3002" in result.stderr


def test_json_has_the_spec_shape(tmp_path):
    result = hcvm("run", "--json", write(tmp_path, "j.hc", "print(1)\nprint(1 / 0)\n"))
    data = json.loads(result.stdout)
    assert set(data) == {"stdout", "stderr", "exit_code", "status", "duration", "diagnostics"}
    assert (data["stdout"], data["exit_code"], data["status"]) == ("1\n", 1, "error")
    assert data["diagnostics"][0]["code"] == "HC2005"
    assert result.returncode == 1


def test_env_and_stdin_reach_the_program(tmp_path):
    path = write(tmp_path, "io.hc", "name = input('Name? ')\nprint('Hi', name, env('MOOD', 'calm'))\n")
    result = hcvm("run", "--env", "MOOD=happy", path, stdin="Ada\n")
    assert result.stdout == "Name? Hi Ada happy\n"
    assert hcvm("run", path, stdin="Bo\n").stdout == "Name? Hi Bo calm\n"


def test_host_environment_is_not_visible(tmp_path, monkeypatch):
    path = write(tmp_path, "env.hc", "print(env('HOME'))\n")
    assert hcvm("run", path).stdout == "None\n"


def test_plain_has_no_icons(tmp_path):
    result = hcvm("check", "--plain", write(tmp_path, "p.hc", "print(x)\n"))
    assert result.returncode == 2 and "✖" not in result.stderr and "error HC1001" in result.stderr


def test_check_json_lists_every_error(tmp_path):
    result = hcvm("check", "--json", str(ROOT / "examples" / "mistakes.hc"))
    assert [d["code"] for d in json.loads(result.stdout)] == ["HC1001", "HC0002", "HC0006"]
    assert result.returncode == 2


def test_check_clean_file(tmp_path):
    result = hcvm("check", write(tmp_path, "ok.hc", "print(1)\n"))
    assert result.returncode == 0 and "No problems" in result.stderr


def test_ir_prints_json_that_runs(tmp_path):
    source = write(tmp_path, "p.hc", "x = 6\nprint(x * 7)\n")
    ir_text = hcvm("ir", source).stdout
    assert json.loads(ir_text)["hypercode"] == 2
    ir_file = write(tmp_path, "p.json", ir_text)
    assert hcvm("run", ir_file).stdout == "42\n"


def test_bad_ir_file_is_a_clear_error(tmp_path):
    path = write(tmp_path, "bad.json", '{"hypercode": 2, "body": [{"expr": {"nope": 1}}]}')
    result = hcvm("run", path)
    assert result.returncode == 2 and "$.body[0].expr" in result.stderr and "Traceback" not in result.stderr


def test_fmt_rewrites_and_check_mode(tmp_path):
    path = write(tmp_path, "f.hc", "x=( 1+2 )\nif x :\n  print( x )\n")
    assert hcvm("fmt", "--check", path).returncode == 1
    assert hcvm("fmt", path).returncode == 0
    assert Path(path).read_text() == "x = 1 + 2\nif x:\n    print(x)\n"
    assert hcvm("fmt", "--check", path).returncode == 0


def test_fmt_leaves_broken_files_alone(tmp_path):
    text = "def f(\n    pass\n"
    path = write(tmp_path, "broken.hc", text)
    assert hcvm("fmt", path).returncode == 2
    assert Path(path).read_text() == text


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_explain_every_code(code):
    result = hcvm("explain", code.lower())
    assert result.returncode == 0 and result.stdout.startswith(code)


def test_explain_unknown_code_suggests():
    result = hcvm("explain", "HC1010")
    assert result.returncode == 2 and "Did you mean" in result.stderr


def test_missing_file_is_calm(tmp_path):
    result = hcvm("run", str(tmp_path / "nope.hc"))
    assert result.returncode == 2 and "There is no file" in result.stderr and "Traceback" not in result.stderr


def test_dis_shows_bytecode(tmp_path):
    result = hcvm("dis", write(tmp_path, "d.hc", "x = 1\nprint(x + 2)\n"))
    assert result.returncode == 0 and result.stdout.strip()


def test_import_sibling_module(tmp_path):
    write(tmp_path, "helper.hc", "def twice(x):\n    return 2 * x\nprint('loading helper')\n")
    main = write(tmp_path, "main.hc", "import helper\nimport helper\nprint(helper.twice(21))\n")
    assert hcvm("run", main).stdout == "loading helper\n42\n"


def test_import_with_syntax_error_reports_that_file(tmp_path):
    write(tmp_path, "helper.hc", "def twice(x)\n    return 2 * x\n")
    main = write(tmp_path, "main.hc", "import helper\nprint(helper.twice(21))\n")
    result = hcvm("run", main)
    assert result.returncode == 2 and "helper.hc" in result.stderr and "HC0002" in result.stderr


def test_tour_runs():
    result = hcvm("run", str(ROOT / "examples" / "tour.hc"))
    assert result.returncode == 0 and "That's the tour" in result.stdout
