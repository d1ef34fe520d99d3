"""`hcvm run` of an unchanged file starts fast because it loads only what running needs.

Issue 7's budget is hello world within 100 ms and 4x `python3 hello.py` (bench/run.py measures
it). Wall time is too noisy to assert on a shared machine, so this pins the cause instead: a
warm `hcvm run` (program cache filled) must not import the front end, the diagnostics catalogue,
or the standard-library modules that cost the most start-up time.
"""

import json
import os
import subprocess
import sys

import pytest

NOT_ON_THE_WARM_PATH = [
    "lark", "hypercode_lang.parser", "hypercode_lang.checker", "hypercode_lang.analysis",
    "hypercode_lang.diagnostics.catalogue", "hypercode_lang.diagnostics.model", "jsonschema",
    "dataclasses", "typing", "pathlib", "tempfile", "shutil", "hashlib", "inspect", "importlib.metadata",
]

PROBE = """
import json, sys
sys.argv = ["hcvm", "run", sys.argv[1]]
from hypercode_lang.cli import main
code = main()
sys.stdout.flush()
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _warm_run(program, env):
    subprocess.run([sys.executable, "-m", "hypercode_lang", "run", str(program)], env=env, check=True,
                   capture_output=True, timeout=60)  # fills the program cache
    done = subprocess.run([sys.executable, "-c", PROBE, str(program)], env=env, capture_output=True, text=True,
                          timeout=60)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, report


@pytest.fixture
def warm_env(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    return {**os.environ, "HYPERCODE_CACHE": str(cache)}


def test_a_warm_run_loads_only_what_running_needs(tmp_path, warm_env):
    program = tmp_path / "hello.hc"
    program.write_text('print("Hello, world!")\n')
    stdout, report = _warm_run(program, warm_env)
    assert stdout == "Hello, world!\n" and report["exit"] == 0
    loaded = set(report["modules"])
    assert "hypercode_lang.vm.machine" in loaded  # the probe really ran a program
    unexpected = sorted(name for name in NOT_ON_THE_WARM_PATH
                        if name in loaded or any(m.startswith(name + ".") for m in loaded))
    assert not unexpected, f"a warm `hcvm run` imports {unexpected}: they cost start-up time (see bench/RESULTS.md)"


def test_a_failing_run_still_gets_its_words(tmp_path, warm_env):
    """The lazy catalogue still loads when there is something to say."""
    program = tmp_path / "oops.hc"
    program.write_text("print(1 / 0)\n")
    done = subprocess.run([sys.executable, "-m", "hypercode_lang", "run", "--plain", str(program)], env=warm_env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "HC2" in done.stderr and "Traceback" not in done.stderr
