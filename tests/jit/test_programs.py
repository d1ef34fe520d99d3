"""Whole programs through the public API: `jit=True` prints exactly what python3 and the
plain VM print (in the sandbox), and the native functions really ran (counted in-process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import hypercode_lang.jit as jit

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.hc"))


@pytest.fixture
def native_results(monkeypatch):
    """Count native calls that returned a result (not a fallback)."""
    counts = {"native": 0}
    original = jit.compile_numeric_functions

    def counting(program, **kw):
        natives = original(program, **kw)

        class Counting:
            def __init__(self, fn):
                self.fn = fn

            def __call__(self, *args):
                result = self.fn(*args)
                counts["native"] += 1
                return result

            def call_with_depth(self, depth_left, *args):
                result = self.fn.call_with_depth(depth_left, *args)
                counts["native"] += 1
                return result

        return {name: Counting(fn) for name, fn in natives.items()}

    monkeypatch.setattr(jit, "compile_numeric_functions", counting)
    return counts


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_program_matches_python(path, native_results):
    from hypercode_lang import api
    source = path.read_text()
    expected = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True).stdout
    plain = api.run(source, filename=str(path))
    jitted = api.run(source, filename=str(path), jit=True)
    assert plain.stdout == expected
    assert jitted.stdout == expected, jitted.stderr
    assert jitted.exit_code == 0
    # `api.run` executes in the sandbox's child process; count native calls in this process.
    program, diagnostics = api.checked_program(source, str(path))
    assert not diagnostics
    output: list[str] = []
    result = api.execute(program, filename=str(path), write_out=output.append, read_line=lambda prompt: None,
                         env={}, timeout=30, jit=True)
    assert result.exit_code == 0 and "".join(output) == expected
    assert native_results["native"] > 0


def test_conformance_programs_unchanged_by_jit():
    """Every shared conformance program prints the same with and without --jit."""
    from hypercode_lang import api
    root = Path(__file__).parents[1] / "programs"
    paths = sorted(root.glob("*.hc"))
    assert paths, "the conformance programs are missing"
    for path in paths:
        source = path.read_text()
        stdin = ""
        stdin_file = path.with_suffix(".stdin")
        if stdin_file.exists():
            stdin = stdin_file.read_text()
        plain = api.run(source, filename=str(path), stdin=stdin)
        jitted = api.run(source, filename=str(path), stdin=stdin, jit=True)
        assert (jitted.stdout, jitted.exit_code) == (plain.stdout, plain.exit_code), path.name
