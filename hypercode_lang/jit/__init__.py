"""Optional llvmlite JIT for numeric functions (`hcvm run --jit`).

    natives = compile_numeric_functions(program)     # cheap: no LLVM work yet
    natives["fib"](30)                                # compiles fib(int) once, then runs it

`compile_numeric_functions` returns a callable for each top-level `def` in the numeric
subset: int/float parameters and locals; number and bool constants; arithmetic
`+ - * / // % **`, unary `- + not`, comparisons (chained), `and`/`or`, `x if c else y`;
assignment and augmented assignment to names; `if`/`elif`/`else`, `while`/`else`,
`for name in range(...)`/`else`, `break`, `continue`, `pass`, `return`; calls of itself
and other such functions (positional arguments), `abs`, `min`, `max`, `int`, `float`,
and `math.sqrt floor ceil sin cos tan exp log pow pi e inf`. It may not read globals.

Each callable compiles a specialisation per argument-type tuple on first use and gives
exactly the Python/VM result, or raises NativeFallback (`runtime.native_fallback_class()`)
whenever it cannot: bool or non-number arguments, ints outside int64, integer overflow,
division by zero, domain errors, unbound locals, recursion past the budget, the run's
deadline. The VM then runs the bytecode, which reports any error itself; since these
functions have no side effects, running them again is safe.

llvmlite is imported only on the first native call, so importing this package is cheap.

How the VM calls a native function `nat` (positional arguments only):
    try:
        result = nat.call_with_depth(max_depth - current_depth, *args)   # or nat(*args)
    except NativeFallback:
        ...run the bytecode...
`call_with_depth(n, ...)` lets native code make at most n nested calls, this one included
(`nat(*args)` uses `set_limits(max_depth=...)`, default 1000). Before running, pass the
run's deadline: `compile_numeric_functions(program, deadline=time.monotonic() + timeout)`
or `set_limits(deadline=...)`; without it an endless native loop cannot be stopped.
The deadline and depth settings are process-wide (one run at a time per process).
"""

from __future__ import annotations

from collections.abc import Callable

from .runtime import native_fallback_class, set_limits

__all__ = ["compile_numeric_functions", "explain", "native_fallback_class", "set_limits"]


def compile_numeric_functions(
    program: dict, *, deadline: float | None = None, max_depth: int | None = None
) -> dict[str, Callable]:
    """Native callables for the program's JIT-able top-level functions, by name.

    `deadline` (a `time.monotonic()` value) and `max_depth` are the run's limits, as in
    `set_limits`; pass them so an endless native loop stops at the time limit.
    """
    if deadline is not None or max_depth is not None:
        set_limits(deadline=deadline, max_depth=max_depth)
    from .eligibility import analyse_program  # noqa: PLC0415
    from .native import NativeFunction, ProgramJit  # noqa: PLC0415

    try:
        info = analyse_program(program)
    except Exception:  # unexpected IR shape: no JIT, the VM runs everything
        return {}
    pj = ProgramJit(info)
    return {name: NativeFunction(pj, f) for name, f in info.functions.items() if f.jittable}


def explain(program: dict) -> dict[str, str]:
    """For each top-level function: "" if JIT-able, else why not (for `--jit` diagnostics)."""
    from .eligibility import analyse_program  # noqa: PLC0415

    info = analyse_program(program)
    return {name: ("" if f.jittable else f.reason) for name, f in info.functions.items()}
