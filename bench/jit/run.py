"""JIT benchmark: the same functions run natively (hypercode_lang.jit) and by CPython.

    .venv/bin/python bench/jit/run.py [--repeat 5] [--write]

Both run in this one process, on this machine, median of `--repeat` runs. The JIT column
excludes compilation (the first call, which compiles, is timed separately as "compile").
The HyperCode VM column appears when `hypercode_lang.vm` can run the program
(`--vm`, slow: it runs every case too). `--write` rewrites bench/jit/RESULTS.md.
"""

from __future__ import annotations

import argparse
import ast
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parents[1] / "tests" / "jit"))

from hypercode_lang.jit import compile_numeric_functions  # noqa: E402

SOURCE = '''
import math

def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def nested(n):
    total = 0
    for i in range(n):
        for j in range(n):
            total += (i * j) % 7 - (i + j) // 3
    return total

def mandel(size, limit):
    count = 0
    for py in range(size):
        for px in range(size):
            cr = 3.0 * px / size - 2.0
            ci = 2.0 * py / size - 1.0
            zr = 0.0
            zi = 0.0
            k = 0
            while k < limit and zr * zr + zi * zi <= 4.0:
                zr, zi_next = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                zi = zi_next
                k += 1
            if k == limit:
                count += 1
    return count
'''
# HyperCode has tuple assignment but the JIT does not: write mandel without it.
SOURCE = SOURCE.replace(
    "zr, zi_next = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci\n                zi = zi_next",
    "t = zr * zr - zi * zi + cr\n                zi = 2.0 * zr * zi + ci\n                zr = t",
)

CASES = [("fib(30)", "fib", (30,)), ("nested(1000)", "nested", (1000,)), ("mandel(200, 200)", "mandel", (200, 200))]


def to_ir(source):
    try:
        from hypercode_lang.parser import parse

        result = parse(source)
        if not result.diagnostics:
            return result.program
    except Exception:
        pass
    from pyir import python_to_ir

    return python_to_ir(source)


def median_time(fn, args, repeat):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def vm_runner(program):
    """A callable running `name(*args)` in the HyperCode VM, or None if the VM is not ready."""
    try:
        from hypercode_lang.vm import run_program
    except Exception:
        return None

    def run(name, args):
        call = {"expr": {"call": {"func": {"var": "print"}, "args": [
            {"call": {"func": {"var": name}, "args": [{"const": a} for a in args], "kwargs": {}}}], "kwargs": {}}}}
        prog = {"hypercode": 2, "body": program["body"] + [call]}
        out = []
        run_program(prog, filename="bench.hc", write_out=out.append, read_line=lambda: "", env={},
                    limits=None, load_module=None)
        return "".join(out).strip()

    return run


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--vm", action="store_true", help="also time the bytecode VM")
    ap.add_argument("--write", action="store_true", help="write bench/jit/RESULTS.md")
    opts = ap.parse_args(argv)

    program = to_ir(SOURCE)
    ns: dict = {}
    exec(compile(ast.parse(SOURCE), "<bench>", "exec"), ns)
    vm = vm_runner(program) if opts.vm else None

    rows = []
    for label, name, args in CASES:
        natives = compile_numeric_functions(program)
        native = natives[name]
        start = time.perf_counter()
        first = native(*args)
        first_time = time.perf_counter() - start
        jit_time, jit_result = median_time(native, args, opts.repeat)
        compile_time = max(0.0, first_time - jit_time)
        py_time, py_result = median_time(ns[name], args, opts.repeat)
        assert first == jit_result == py_result, (label, first, jit_result, py_result)
        vm_time = None
        if vm is not None:
            try:
                times = []
                for _ in range(opts.repeat):
                    start = time.perf_counter()
                    out = vm(name, args)
                    times.append(time.perf_counter() - start)
                assert out == str(py_result), (out, py_result)
                vm_time = statistics.median(times)
            except Exception as exc:  # the VM is someone else's work in progress
                print(f"  (VM failed on {label}: {exc!r})", file=sys.stderr)
        rows.append((label, py_time, jit_time, compile_time, vm_time))

    header = "| case | CPython | JIT | speed-up | JIT compile (first call) |" + (" VM |" if vm else "")
    lines = [header, "|" + " --- |" * (header.count("|") - 1)]
    for label, py_time, jit_time, compile_time, vm_time in rows:
        line = (f"| {label} | {py_time * 1000:.1f} ms | {jit_time * 1000:.2f} ms | "
                f"{py_time / jit_time:.0f}x | {compile_time * 1000:.0f} ms |")
        if vm:
            line += f" {vm_time * 1000:.0f} ms |" if vm_time is not None else " n/a |"
        lines.append(line)
    table = "\n".join(lines)
    print(table)

    if opts.write:
        import llvmlite

        text = f"""# JIT benchmark

`bench/jit/run.py` (median of {opts.repeat}, same process): the same function run by CPython
and by the llvmlite JIT (`hypercode_lang.jit`). The JIT time excludes compilation; the first
call compiles that argument-type specialisation (LLVM O3 through the new pass manager,
MCJIT), its extra cost is the last column.

{table}

Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()},
llvmlite {llvmlite.__version__}, {platform.system()} {platform.release()}.

Workloads (source in `run.py`): `fib` is the doubly recursive Fibonacci (1.6 million calls,
each checking the call budget, the time tick and add overflow); `nested` is a 1000 x 1000 int
loop with `*`, `%` and `//` (Python floor semantics, overflow checked); `mandel` counts the
Mandelbrot points of a 200 x 200 grid with float arithmetic (at most 200 iterations each).
"""
        (HERE / "RESULTS.md").write_text(text)


if __name__ == "__main__":
    main()
