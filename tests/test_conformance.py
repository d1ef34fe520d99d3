"""Every tests/programs/NN_*.hc prints the same under CPython and under `hcvm run`.

CPython runs the file with a tiny bootstrap that lets `import name` find the sibling `name.hc`
(HyperCode's import rule), so module programs are checked too. `mod_*.hc` files are modules,
not programs. A program may have `NN_name.stdin` beside it: both runs get it as stdin.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "programs"
ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for p in PROGRAMS.glob("*.hc") if not p.name.startswith("mod_"))

PY_BOOTSTRAP = r"""
import importlib.machinery, importlib.util, os, runpy, sys
prog = sys.argv[1]
folder = os.path.dirname(os.path.abspath(prog))

class HcFinder:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        fn = os.path.join(folder, name + ".hc")
        if "." in name or not os.path.exists(fn):
            return None
        loader = importlib.machinery.SourceFileLoader(name, fn)
        return importlib.util.spec_from_file_location(name, fn, loader=loader)

sys.meta_path.append(HcFinder)
sys.argv = [prog]
sys.dont_write_bytecode = True
runpy.run_path(prog, run_name="__main__")
"""


def _run(cmd, program: Path):
    stdin_file = program.with_suffix(".stdin")
    stdin = stdin_file.read_text() if stdin_file.exists() else ""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8", NO_COLOR="1")
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120,
                          cwd=program.parent, env=env)


def test_there_are_enough_programs():
    assert len(FILES) >= 45


@pytest.mark.parametrize("program", FILES, ids=[p.name for p in FILES])
def test_program_matches_python(program: Path):
    expected = _run([sys.executable, "-c", PY_BOOTSTRAP, program.name], program)
    assert expected.returncode == 0, f"python3 failed on {program.name}:\n{expected.stderr}"
    got = _run([sys.executable, "-m", "hypercode_lang", "run", program.name], program)
    assert got.stdout == expected.stdout, f"stdout differs for {program.name}\nstderr:\n{got.stderr}"
    assert got.returncode == 0, f"hcvm exited {got.returncode} on {program.name}:\n{got.stderr}"
