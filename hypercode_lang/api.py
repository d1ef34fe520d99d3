"""The Python API shared by the CLI, the language server and the editors.

    parse(source, filename)   -> ParseResult (IR + syntax diagnostics)
    check(source, filename)   -> list[Diagnostic] (syntax + static checks)
    run(source, *, timeout, env, stdin, filename) -> ExecResult (spec §7 JSON shape)
    format_source(source)     -> str

None of these raise for bad input: problems come back as diagnostics.
"""

from __future__ import annotations

import time

from .modules import ModuleLoadError  # noqa: F401  (re-exported: callers catch it)
from .runner.result import RESOURCE_LIMIT_CODES, ExecResult

TYPE_CHECKING = False
if TYPE_CHECKING:  # imports stay lazy so `hcvm run` of a cached program never loads the parser
    from .diagnostics import Diagnostic
    from .parser import ParseResult

DEFAULT_TIMEOUT = 30.0


def parse(source: str, filename: str | None = None) -> "ParseResult":
    from .parser import parse as _parse
    return _parse(source, filename)


def check(source: str, filename: str | None = None, *, parsed: "ParseResult | None" = None,
          module_names: set | None = None) -> "list[Diagnostic]":
    """Every diagnostic for `source`: syntax errors first found by the parser, then the checker's.
    `module_names` (the importable siblings) is looked up from `filename` when not given."""
    from .checker import check_program
    from .collector import collector_paused
    with collector_paused():
        parsed = parsed or parse(source, filename)
        diagnostics = list(parsed.diagnostics)
        if module_names is None:
            module_names = _sibling_modules(filename)
        diagnostics.extend(check_program(parsed.program, filename=filename, module_names=module_names))
    diagnostics.sort(key=lambda d: (d.span.line, d.span.col, d.code))
    return diagnostics


def _sibling_modules(filename: str | None) -> set[str] | None:
    """Names importable from `filename`'s folder, or None when unknown (no file on disk)."""
    from .modules import sibling_modules
    return sibling_modules(filename)


def checked_program(source: str, filename: str | None = None) -> tuple[dict, "list[Diagnostic]"]:
    """(program IR, diagnostics), from the program cache when this exact text already passed
    `check` cleanly (see cache.py), so running an unchanged file skips the parser."""
    from . import cache
    siblings = _sibling_modules(filename)
    key = cache.program_key(source, filename, siblings)
    program = cache.load_program(key)
    if program is not None:
        return program, []
    parsed = parse(source, filename)
    diagnostics = check(source, filename, parsed=parsed, module_names=siblings)
    if not diagnostics:
        cache.store_program(key, parsed.program)
    return parsed.program, diagnostics


def format_source(source: str) -> str | None:
    """Canonical formatting, or None if the source has syntax errors (nothing is ever lost)."""
    from .ir import format_program
    parsed = parse(source)
    if any(d.is_error for d in parsed.diagnostics):
        return None
    return format_program(parsed.program)


def run(source: str, *, timeout: float = DEFAULT_TIMEOUT, env: dict | None = None, stdin: str = "",
        filename: str = "<input>", jit: bool = False, max_depth: int = 1000,
        max_size: int = 10_000_000, memory_mb: int = 512, max_output: int = 10_000_000) -> ExecResult:
    """Check a program here, then run it in the sandboxed child (see runner/), capturing its
    output. Never raises for anything the program does."""
    started = time.perf_counter()
    program, diagnostics = checked_program(source, filename)
    sources = {filename: source}
    if any(d.is_error for d in diagnostics):
        from .diagnostics.render import render_all
        return ExecResult("", render_all(diagnostics, sources, style="plain"), 2, "error",
                          time.perf_counter() - started, diagnostics)
    from .runner import Policy
    from .runner import execute as run_sandboxed
    input_lines = stdin.splitlines()
    input_lines.reverse()
    policy = Policy(timeout=timeout, memory_mb=memory_mb, max_output=max_output, max_depth=max_depth,
                    max_size=max_size)
    result = run_sandboxed(program, filename=filename, sources=sources, env=env or {}, policy=policy, jit=jit,
                           read_line=lambda prompt, deadline: input_lines.pop() if input_lines else None,
                           resolve_module=module_resolver(sources))
    result.duration = time.perf_counter() - started
    warnings = [d for d in diagnostics if not d.is_error]
    result.diagnostics = warnings + result.diagnostics
    return result


def execute(program: dict, *, filename: str, write_out, read_line, env: dict, timeout: float,
            jit: bool = False, max_depth: int = 1000, max_size: int = 10_000_000,
            sources: dict | None = None) -> ExecResult:
    """Run checked IR in THIS process with the given I/O (no OS limits: the runner's child calls
    this kind of loop; everyone else goes through `run` or `runner.execute`). Returns an
    ExecResult whose stdout is left empty (output went to `write_out`)."""
    from .vm import Limits, run_program
    from .vm.errors import RuntimeFault
    started = time.perf_counter()
    sources = sources if sources is not None else {}
    limits = Limits(timeout=timeout, max_depth=max_depth, max_size=max_size)
    native = None
    if jit:
        from .jit import compile_numeric_functions
        # Native code checks the same deadline, so `--jit` can't outrun the time limit.
        native = compile_numeric_functions(program, deadline=time.monotonic() + timeout, max_depth=max_depth)
    try:
        run_program(program, filename=filename, write_out=write_out, read_line=read_line, env=env,
                    limits=limits, load_module=module_resolver(sources), native_functions=native)
    except RuntimeFault as fault:
        from .diagnostics.render import render_all
        diagnostic = runtime_diagnostic(fault, program if fault.filename == filename else None)
        status = "timeout" if fault.code == "HC3001" else "error"
        exit_code = 3 if fault.code in RESOURCE_LIMIT_CODES else 1
        return ExecResult("", render_all([diagnostic], sources, style="plain"), exit_code, status,
                          time.perf_counter() - started, [diagnostic])
    except ModuleLoadError as problem:
        from .diagnostics.render import render_all
        return ExecResult("", render_all(problem.diagnostics, sources, style="plain"), 2, "error",
                          time.perf_counter() - started, problem.diagnostics)
    return ExecResult("", "", 0, "success", time.perf_counter() - started, [])


def module_resolver(sources: dict):
    """`import name` for a run of checked programs: the runner's rules (modules.py), each module
    checked here (from the program cache when unchanged); `sources` collects their text."""
    from .runner import default_resolver
    return default_resolver(sources, checked_program)


def runtime_diagnostic(fault, program: dict | None) -> "Diagnostic":
    """Turn a VM fault into a diagnostic with its quick fixes (the catalogue holds the words)."""
    from .diagnostics.runtime import runtime_diagnostic as diagnose
    return diagnose(fault, program)
