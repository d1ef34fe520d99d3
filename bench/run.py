"""Benchmark: the same .hc programs under `hcvm run` and `python3`, cold and warm, in one run.

Usage: python bench/run.py [--runs N] [--no-write] [--only NAME ...]

Both sides use the SAME interpreter binary (this Python: `hcvm` is started as
`python .venv/bin/hcvm`, the peer as `python prog.py`), and runs are interleaved so machine
load hits both alike, after one warm-up each.

- cold: nothing cached. Python gets an empty PYTHONPYCACHEPREFIX (so every standard-library and
  hypercode module is compiled from source) and -B; hcvm gets the same plus HYPERCODE_CACHE=off
  (no program cache, no grammar cache).
- warm: what a second run on a user's machine sees: .pyc files present (the program itself
  imported from its .pyc via `python -m prog`), and hcvm's program cache filled.

Two measurements each:
- process: the whole command, start-up included;
- work: inside one process, from source text to the program's end. python3: compile + exec
  (cold) or unmarshal the .pyc + exec (warm); hcvm: parse + check (cold) or read the program
  cache (warm), then the run through the sandboxed runner (fork, limits, seccomp, VM) — what
  `hcvm run` really does.
The tables show medians and ratios; they are printed and written to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROGRAMS = HERE / "programs"
BENCHES = [
    ("fib", "recursive fib(25)"),
    ("loops", "1,000,000-iteration nested integer loop"),
    ("sieve", "prime sieve to 200,000"),
    ("strings", "string building with join"),
    ("wordcount", "dictionary word count"),
    ("hello", "hello world (whole process)"),
]
PYTHON = sys.executable  # one binary for both sides


def hcvm_command() -> list[str]:
    script = Path(sys.executable).with_name("hcvm")
    if script.exists():
        return [PYTHON, str(script), "run"]
    return [PYTHON, "-m", "hypercode_lang", "run"]


# In-process timers: each prints the program's output, then "@@elapsed <seconds>" on stderr.
PY_WORK = r"""
import marshal, sys, time
path, mode = sys.argv[1], sys.argv[2]
if mode == "warm":
    data = open(sys.argv[3], "rb").read()
    t0 = time.perf_counter()
    code = marshal.loads(data[16:])     # a .pyc: 16-byte header, then the marshalled code
else:
    src = open(path, encoding="utf-8").read()
    t0 = time.perf_counter()
    code = compile(src, path, "exec")
exec(code, {"__name__": "__main__"})
sys.stdout.flush()
print("@@elapsed", time.perf_counter() - t0, file=sys.stderr)
"""

HC_WORK = r"""
import sys, time
from hypercode_lang.api import checked_program
from hypercode_lang.runner import Policy, execute
path = sys.argv[1]
src = open(path, encoding="utf-8").read()
t0 = time.perf_counter()
program, diagnostics = checked_program(src, path)
result = execute(program, filename=path, policy=Policy(timeout=600.0), inline=True, sources={path: src},
                 on_output=sys.stdout.write)
sys.stdout.flush()
print("@@elapsed", time.perf_counter() - t0, file=sys.stderr)
"""


class Workspace:
    """A private copy of each program as prog.py (for `python -m`), its .pyc, and cache folders."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="hypercode-bench-"))
        self.hc_cache = self.root / "hc-cache"

    def program(self, name: str) -> tuple[Path, Path, Path]:
        """(the .hc file, its .py twin, the twin's .pyc)."""
        folder = self.root / name
        folder.mkdir(exist_ok=True)
        hc = folder / f"{name}.hc"
        py = folder / f"bench_{name}.py"
        shutil.copyfile(PROGRAMS / f"{name}.hc", hc)
        shutil.copyfile(PROGRAMS / f"{name}.hc", py)
        import py_compile
        pyc = Path(py_compile.compile(str(py), doraise=True))
        return hc, py, pyc

    def env(self, cold: bool) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        if cold:
            prefix = tempfile.mkdtemp(dir=self.root, prefix="pycache-")  # fresh and empty every run
            env.update(PYTHONPYCACHEPREFIX=prefix, PYTHONDONTWRITEBYTECODE="1", HYPERCODE_CACHE="off")
        else:
            env["HYPERCODE_CACHE"] = str(self.hc_cache)
        return env

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def time_once(cmd: list[str], env: dict, cwd: Path) -> tuple[float, str, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(cwd), timeout=600)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return dt, proc.stdout, proc.stderr


def work_time(stderr: str) -> float:
    for line in stderr.splitlines():
        if line.startswith("@@elapsed "):
            return float(line.split()[1])
    raise SystemExit(f"no timing in output:\n{stderr}")


def measure(space: Workspace, name: str, runs: int) -> dict[str, float]:
    hc, py, pyc = space.program(name)
    folder = hc.parent
    module = py.stem
    commands = {
        "py_cold": ([PYTHON, "-B", "-m", module], True),
        "py_warm": ([PYTHON, "-m", module], False),
        "hc_cold": (hcvm_command() + [hc.name], True),
        "hc_warm": (hcvm_command() + [hc.name], False),
        "py_work_cold": ([PYTHON, "-c", PY_WORK, py.name, "cold"], True),
        "py_work_warm": ([PYTHON, "-c", PY_WORK, py.name, "warm", str(pyc)], False),
        "hc_work_cold": ([PYTHON, "-c", HC_WORK, hc.name], True),
        "hc_work_warm": ([PYTHON, "-c", HC_WORK, hc.name], False),
    }
    expected = time_once(commands["py_warm"][0], space.env(False), folder)[1]
    for key, (cmd, cold) in commands.items():  # warm-up (fills the caches); outputs must agree
        out = time_once(cmd, space.env(cold), folder)[1]
        if out != expected:
            raise SystemExit(f"{key} {name}: output differs from python3")
    samples: dict[str, list[float]] = {key: [] for key in commands}
    for _ in range(runs):
        for key, (cmd, cold) in commands.items():
            dt, _, err = time_once(cmd, space.env(cold), folder)
            samples[key].append(work_time(err) if "work" in key else dt)
    return {k: statistics.median(v) for k, v in samples.items()}


def table(results: dict, kind: str) -> str:
    """kind "" for whole process, "work_" for in-process."""
    rows = []
    for name, label in BENCHES:
        if name not in results:
            continue
        r = results[name]
        cells = []
        for temperature in ("cold", "warm"):
            py, hc = r[f"py_{kind}{temperature}"], r[f"hc_{kind}{temperature}"]
            digits = 1 if kind else 0
            cells.append(f"{py * 1000:.{digits}f} | {hc * 1000:.{digits}f} | {hc / max(py, 1e-6):.1f}×")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    what = "work (ms)" if kind else "process (ms)"
    return "\n".join([
        f"| benchmark | python3 cold {what} | hcvm cold {what} | ratio | python3 warm {what} "
        f"| hcvm warm {what} | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--only", nargs="*", help="run only these benchmarks (e.g. hello)")
    args = ap.parse_args()
    space = Workspace()
    results = {}
    try:
        for name, _label in BENCHES:
            if args.only and name not in args.only:
                continue
            r = measure(space, name, args.runs)
            results[name] = r
            print(f"{name:10} " + "  ".join(f"{k} {v * 1000:.1f}" for k, v in r.items()), file=sys.stderr)
    finally:
        space.close()
    header = (f"Median of {args.runs} runs each, python3 and hcvm interleaved on the same machine in the same "
              f"run, both with the same interpreter binary ({platform.python_implementation()} "
              f"{platform.python_version()}, {os.cpu_count()} cores). \"process\" is the whole command, "
              f"start-up included; \"work\" is measured inside the process from source text to the program's "
              f"end (python3: compile or unmarshal + exec; hcvm: parse + check or the program cache, then the "
              f"sandboxed run). \"cold\": no .pyc and no HyperCode cache; \"warm\": both present.")
    parts = [f"# Benchmarks\n\n{header}\n", "## Whole process\n", table(results, ""), "",
             "## Work inside the process\n", table(results, "work_"), ""]
    if "hello" in results:
        hello = results["hello"]
        parts.append(f"hcvm hello world, warm: {hello['hc_warm'] * 1000:.0f} ms "
                     f"({hello['hc_warm'] / hello['py_warm']:.1f}× python3 hello.py); cold: "
                     f"{hello['hc_cold'] * 1000:.0f} ms ({hello['hc_cold'] / hello['py_cold']:.1f}×).\n")
    parts.append("Regenerate with `make bench` (or `python bench/run.py`).\n")
    text = "\n".join(parts)
    print(text)
    if not args.no_write and not args.only:
        (HERE / "RESULTS.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
