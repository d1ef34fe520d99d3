"""Benchmark: the same .hc programs under `hcvm run` and `python3`, in one run.

Usage: python bench/run.py [--runs N] [--no-write]

Each program runs N times (default 5) under each interpreter, the two interleaved so machine load
hits both alike, after one warm-up run each. Two measurements per run:
- whole process: `hcvm run prog.hc` vs `python3 prog.hc` (start-up included);
- work: inside the process, from source text to the end of the program (python3: compile + exec;
  hcvm: parse + compile + run_program), i.e. without interpreter start-up and imports.
The table shows medians and ratios; it is printed and written to bench/RESULTS.md.
Python bytecode caching is left on, as on a user's machine.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
BENCHES = [
    ("fib", "recursive fib(25)"),
    ("loops", "1,000,000-iteration nested integer loop"),
    ("sieve", "prime sieve to 200,000"),
    ("strings", "string building with join"),
    ("wordcount", "dictionary word count"),
    ("hello", "hello world (whole process)"),
]


def hcvm_command() -> list[str]:
    script = Path(sys.executable).with_name("hcvm")
    if script.exists():
        return [str(script), "run"]
    found = shutil.which("hcvm")
    if found:
        return [found, "run"]
    return [sys.executable, "-m", "hypercode_lang", "run"]


def python_command() -> list[str]:
    """The real `python3` binary. A version manager's `python3` is often a shell-script shim
    that adds tens of milliseconds to every start, which would flatter hcvm's ratio."""
    found = shutil.which("python3")
    if not found:
        return [sys.executable]
    real = subprocess.run([found, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True)
    return [real.stdout.strip() or found]


# In-process timers: each prints the program's output, then "@@elapsed <seconds>" on stderr.
PY_WORK = r"""
import sys, time
path = sys.argv[1]
src = open(path, encoding="utf-8").read()
t0 = time.perf_counter()
exec(compile(src, path, "exec"), {"__name__": "__main__"})
sys.stdout.flush()
print("@@elapsed", time.perf_counter() - t0, file=sys.stderr)
"""

HC_WORK = r"""
import sys, time
from hypercode_lang.parser import parse
from hypercode_lang.vm import Limits, run_program
path = sys.argv[1]
src = open(path, encoding="utf-8").read()
t0 = time.perf_counter()
program = parse(src, path).program
run_program(program, filename=path, write_out=sys.stdout.write, read_line=lambda p: None, env={},
            limits=Limits(timeout=600.0), load_module=None)
sys.stdout.flush()
print("@@elapsed", time.perf_counter() - t0, file=sys.stderr)
"""


def time_once(cmd: list[str], program: Path) -> tuple[float, str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd + [str(program)], capture_output=True, text=True, env=env, timeout=600)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} {program.name} failed ({proc.returncode}):\n{proc.stderr}")
    return dt, proc.stdout, proc.stderr


def work_time(stderr: str) -> float:
    for line in stderr.splitlines():
        if line.startswith("@@elapsed "):
            return float(line.split()[1])
    raise SystemExit(f"no timing in output:\n{stderr}")


def measure(program: Path, runs: int) -> dict[str, float]:
    """Medians of whole-process and in-process times, python3 and hcvm runs interleaved."""
    py, hc = python_command(), hcvm_command()
    py_work = py + ["-c", PY_WORK]
    hc_work = [sys.executable, "-c", HC_WORK]
    _, expected, _ = time_once(py, program)
    for cmd in (hc, py_work, hc_work):  # warm-up; also checks the outputs agree
        _, out, _ = time_once(cmd, program)
        if out != expected:
            raise SystemExit(f"{' '.join(cmd[:2])} {program.name}: output differs from python3")
    samples = {"py": [], "hc": [], "py_work": [], "hc_work": []}
    for _ in range(runs):
        samples["py"].append(time_once(py, program)[0])
        samples["hc"].append(time_once(hc, program)[0])
        samples["py_work"].append(work_time(time_once(py_work, program)[2]))
        samples["hc_work"].append(work_time(time_once(hc_work, program)[2]))
    return {k: statistics.median(v) for k, v in samples.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    hc = hcvm_command()
    results = {}
    for name, _label in BENCHES:
        r = measure(PROGRAMS / f"{name}.hc", args.runs)
        results[name] = r
        print(f"{name:10} python3 {r['py'] * 1000:7.0f} ms  hcvm {r['hc'] * 1000:7.0f} ms   work: python3 "
              f"{r['py_work'] * 1000:8.2f} ms  hcvm {r['hc_work'] * 1000:8.2f} ms", file=sys.stderr)
    rows = []
    for name, label in BENCHES:
        r = results[name]
        rows.append(f"| {label} | {r['py'] * 1000:.0f} | {r['hc'] * 1000:.0f} | {r['hc'] / r['py']:.1f}× "
                    f"| {r['py_work'] * 1000:.1f} | {r['hc_work'] * 1000:.1f} "
                    f"| {r['hc_work'] / max(r['py_work'], 1e-6):.1f}× |")
    table = "\n".join([
        "| benchmark | python3 process (ms) | hcvm process (ms) | ratio | python3 work (ms) "
        "| hcvm work (ms) | work ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ])
    hello = results["hello"]
    header = (f"Median of {args.runs} runs each, python3 and hcvm interleaved on the same machine in the same "
              f"run ({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores). "
              f"\"process\" is the whole `{' '.join(Path(c).name for c in hc)} prog.hc` / `python3 prog.hc` "
              f"process; \"work\" is measured inside the process from source text to the program's end "
              f"(python3: compile + exec; hcvm: parse + compile + run), without start-up. "
              f"hcvm hello world: {hello['hc'] * 1000:.0f} ms ({hello['hc'] / hello['py']:.1f}× python3 hello.py).")
    text = f"# Benchmarks\n\n{header}\n\n{table}\n\nRegenerate with `make bench` (or `python bench/run.py`).\n"
    print(text)
    if not args.no_write:
        (HERE / "RESULTS.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
