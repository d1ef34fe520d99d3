"""Bad input never reaches a recursive stage or an encoder unguarded (issue 7 item 2): deep
nesting is one HC0010 naming the limit, lone surrogates print as escapes, and "Did you mean"
stays cheap for any name. Each case runs the real `hcvm` and asserts the exact outcome."""

from __future__ import annotations

import json
import time

import pytest

from hypercode_lang.ir.tree import MAX_NESTING

DEEP_SOURCES = {
    "list literal 1,000 deep": "x = " + "[" * 1000 + "]" * 1000 + "\nprint(x)\n",
    "100k-term sum": "x = " + "+".join(["1"] * 100_000) + "\nprint(x)\n",
    "parentheses 1,000 deep": "x = " + "(" * 1000 + "1" + ")" * 1000 + "\nprint(x)\n",
    "blocks 300 deep": "".join("    " * i + "if True:\n" for i in range(300)) + "    " * 300 + "pass\n",
    "calls 2,000 deep": "def f(a=0):\n    return a\nprint(" + "f(" * 2000 + ")" * 2000 + ")\n",
    "unary minus 5,000 deep": "print(" + "-" * 5000 + "1)\n",
    "dict values 1,000 deep": "d = " + "{1: " * 1000 + "1" + "}" * 1000 + "\n",
    "f-string fields nested in lists": "x = 1\nprint(f\"{" + "[" * 400 + "x" + "]" * 400 + "}\")\n",
    "not 20,000 deep": "print(" + "not " * 20_000 + "True)\n",
}


@pytest.mark.parametrize("name", sorted(DEEP_SOURCES))
@pytest.mark.parametrize("command", ["run", "check"])
def test_deep_nesting_is_hc0010_naming_the_limit(name, command, hcvm, tmp_path):
    path = tmp_path / "deep.hc"
    path.write_text(DEEP_SOURCES[name])
    done = hcvm(command, "--plain", path, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "error HC0010: Nested too deeply" in done.stderr
    assert f"more than {MAX_NESTING} levels deep" in done.stderr
    assert done.stderr.count("HC0010") == 1 and "internal error" not in done.stderr


@pytest.mark.parametrize("command", ["ir", "fmt"])
def test_tools_on_deep_input_say_hc0010_too(command, hcvm, tmp_path):
    path = tmp_path / "deep.hc"
    path.write_text(DEEP_SOURCES["list literal 1,000 deep"])
    done = hcvm(command, path)
    assert done.returncode == 2 and "HC0010" in done.stderr


def test_deep_ir_json_file_is_hc0010_not_a_crash(hcvm, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"hypercode": 2, "body": [{"expr": ' + '{"list": [' * 100_000 + ']}' * 100_000 + '}]}')
    done = hcvm("run", "--json", path)
    assert done.returncode == 2
    assert [d["code"] for d in json.loads(done.stdout)["diagnostics"]] == ["HC0010"]


def test_lone_surrogate_prints_as_its_escape_and_caches_safely(hcvm, tmp_path):
    """Python raises UnicodeEncodeError printing '\\ud800' to UTF-8 stdout; HyperCode writes it as
    the escape `\\ud800` (Python's backslashreplace, what Python itself does on stderr)."""
    import os
    import subprocess
    import sys
    path = tmp_path / "surrogate.hc"
    path.write_text('print("\\ud800", "ok")\n')
    env = {**os.environ, "HYPERCODE_CACHE": str(tmp_path / "cache")}
    for _ in range(2):  # the second run comes from the cache
        done = subprocess.run([sys.executable, "-m", "hypercode_lang", "run", str(path)], capture_output=True,
                              text=True, timeout=60, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "\\ud800 ok\n"
    assert list((tmp_path / "cache" / "programs").glob("*.json"))
    done = hcvm("run", "--json", path)
    assert json.loads(done.stdout)["stdout"] == "\ud800 ok\n"


def test_lone_surrogate_through_the_program_cache(tmp_path, monkeypatch):
    from hypercode_lang import api
    monkeypatch.setenv("HYPERCODE_CACHE", str(tmp_path / "cache"))
    source = 'print("\\udfff")\n'
    first, diagnostics = api.checked_program(source, "<input>")
    assert diagnostics == [] and list((tmp_path / "cache" / "programs").glob("*.json"))
    again, _ = api.checked_program(source, "<input>")
    assert again == first


def test_a_12000_character_misspelling_is_suggested_quickly(hcvm, tmp_path):
    long_name = "a" * 12_000
    path = tmp_path / "long.hc"
    path.write_text(f"{long_name} = 1\nprint({long_name[:-1]}b)\n")
    started = time.monotonic()
    done = hcvm("check", "--plain", path)
    assert done.returncode == 2 and "HC1001" in done.stderr
    assert time.monotonic() - started < 10  # was 70 s; whole process including start-up


def test_closest_is_linear_in_the_name_length():
    from hypercode_lang.diagnostics import closest
    from hypercode_lang.diagnostics.suggest import edit_distance
    names = ["x" * 12_000, "y" * 12_001, "message", "print"]
    started = time.perf_counter()
    for _ in range(20):
        assert closest("x" * 11_999 + "z", names) is None  # too long to be worth suggesting
    assert time.perf_counter() - started < 1.0
    assert closest("mesage", names) == "message"
    # The distance itself computes only the band around the diagonal: 12,000 × 5 cells, not 144 M.
    started = time.perf_counter()
    assert edit_distance("x" * 12_000, "x" * 11_999 + "z") == 1
    assert edit_distance("x" * 12_000, "y" * 12_000) == 3  # gives up early: "more than 2"
    assert time.perf_counter() - started < 5.0
