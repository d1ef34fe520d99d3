"""`hcvm`: run, check, format and explain HyperCode programs (spec §7).

Exit codes: 0 success · 1 uncaught runtime error · 2 did not pass `check` · 3 a limit was hit.
Program output goes to stdout; diagnostics go to stderr. Imports stay inside the commands so
`hcvm run hello.hc` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys

EXIT_OK, EXIT_RUNTIME, EXIT_CHECK, EXIT_LIMIT, EXIT_INTERNAL = 0, 1, 2, 3, 70
PLUGIN_COMMANDS: dict = {}  # name -> handler, from the `hcvm.commands` entry points
REPORT_URL = "https://github.com/hypercode-lang/hypercode/issues"


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own formatter, told the width up front: otherwise every `add_argument` imports
    shutil (and bz2, lzma, fnmatch) for the terminal size, ~3 ms of each `hcvm run`."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "")) - 2
            except ValueError:
                try:
                    width = os.get_terminal_size(sys.__stdout__.fileno()).columns - 2
                except (AttributeError, ValueError, OSError):
                    width = 78
        super().__init__(prog, indent_increment, max_help_position, width)


class _ArgumentParser(argparse.ArgumentParser):
    """Every parser and subcommand parser (plugins' included) uses _HelpFormatter."""

    def __init__(self, *args, formatter_class=_HelpFormatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)


def build_parser(with_plugins: bool = False) -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="hcvm", description="Run, check, format and explain HyperCode programs.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="run a .hc program (or an IR .json file)")
    run.add_argument("file")
    run.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="time limit (default 30)")
    run.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                     help="a value the program can read with env(NAME); may be repeated")
    run.add_argument("--json", action="store_true", help="print one JSON object describing the run")
    run.add_argument("--plain", action="store_true", help="diagnostics without icons or colour")
    run.add_argument("--jit", action="store_true", help="compile numeric functions to machine code")
    run.add_argument("--memory", type=int, default=512, metavar="MB", help="memory limit (default 512)")
    run.add_argument("--max-output", type=int, default=10_000_000, metavar="BYTES",
                     help="output limit (default 10000000); the output before it is kept")

    check = commands.add_parser("check", help="report problems without running")
    check.add_argument("file")
    check.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    check.add_argument("--plain", action="store_true", help="diagnostics without icons or colour")

    ir = commands.add_parser("ir", help="print the program's IR as JSON")
    ir.add_argument("file")
    ir.add_argument("--compact", action="store_true", help="one line instead of indented JSON")

    fmt = commands.add_parser("fmt", help="format a file in place ('-' reads stdin, writes stdout)")
    fmt.add_argument("file")
    fmt.add_argument("--check", action="store_true", help="only report whether the file would change")

    explain = commands.add_parser("explain", help="explain a diagnostic code, e.g. HC1001")
    explain.add_argument("code", nargs="?", help="a code such as HC1001 (omit to list every code)")

    commands.add_parser("repl", help="an interactive prompt")

    dis = commands.add_parser("dis", help="show the bytecode of a program")
    dis.add_argument("file")
    if with_plugins:
        PLUGIN_COMMANDS.update(_plugin_commands(commands))
    return parser


def _plugin_commands(commands) -> dict:
    """Subcommands other packages add through the `hcvm.commands` entry-point group (e.g. `ask`):
    each entry is `register(subparsers) -> handler`. A broken plugin never breaks `hcvm`."""
    from importlib.metadata import entry_points
    handlers = {}
    for point in entry_points(group="hcvm.commands"):
        try:
            handlers[point.name] = point.load()(commands)
        except Exception:  # noqa: BLE001
            if os.environ.get("HYPERCODE_DEBUG"):
                raise
    return handlers


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Plugins are looked up only when the command isn't a core one, so `hcvm run` stays fast.
    args = build_parser(with_plugins=not (argv and argv[0] in COMMANDS)).parse_args(argv)
    if args.command is None:
        build_parser(with_plugins=True).print_help()
        return EXIT_OK
    try:
        return (COMMANDS.get(args.command) or PLUGIN_COMMANDS[args.command])(args)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        _say("cli.stopped")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # noqa: BLE001 - the last line of defence: never show a traceback
        if os.environ.get("HYPERCODE_DEBUG"):
            raise
        _say("cli.internal_error", url=REPORT_URL)
        return EXIT_INTERNAL


# ------------------------------------------------------------------ helpers

def _read_source(path: str) -> str | None:
    """The file's text, or None after telling the person calmly what went wrong."""
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        _say("cli.no_such_file", path=path)
    except IsADirectoryError:
        _say("cli.folder", path=path)
    except UnicodeDecodeError:
        _say("cli.not_utf8", path=path)
    except OSError as error:
        _say("cli.unreadable", path=path, reason=error.strerror)
    return None


def _say(key: str, **params) -> None:
    """Tell the person something on stderr, in the catalogue's words (loaded only now)."""
    from .diagnostics.catalogue import message
    print(message(key, **params), file=sys.stderr)


def _colour() -> bool:
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def _print_diagnostics(diagnostics, sources: dict, plain: bool) -> None:
    if diagnostics:
        from .diagnostics.render import render_all
        sys.stderr.write(render_all(diagnostics, sources, style="plain" if plain else "friendly",
                                    colour=not plain and _colour()))


def _load_program(path: str, source: str):
    """(program, diagnostics) from a .hc file or an IR .json file."""
    if path.endswith(".json"):
        from .checker import load_ir_program  # the same rules as source (checker/rules.py)
        return load_ir_program(source, path)
    from .api import checked_program
    return checked_program(source, path)


# ------------------------------------------------------------------ commands

def cmd_run(args) -> int:
    source = _read_source(args.file)
    if source is None:
        return EXIT_CHECK
    env = {}
    for item in args.env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            _say("cli.env_without_equals", item=item)
            return EXIT_CHECK
        env[name] = value
    if args.json:
        return _run_json(args, source, env)
    program, diagnostics = _load_program(args.file, source)
    sources = {args.file: source}
    _print_diagnostics(diagnostics, sources, args.plain)
    if program is None or any(d.is_error for d in diagnostics):
        return EXIT_CHECK
    result = _run_sandboxed(args, program, env, sources, stream=True)
    _print_diagnostics(result.diagnostics, sources, args.plain)
    return result.exit_code


def _run_sandboxed(args, program, env: dict, sources: dict, *, stream: bool, stdin_text: str = ""):
    """Run checked IR in a forked, locked-down child of this process (see runner/)."""
    from .api import module_resolver
    from .runner import Policy, execute
    policy = Policy(timeout=args.timeout, memory_mb=args.memory, max_output=args.max_output)
    resolve_module = module_resolver(sources)
    if not stream:
        lines = stdin_text.splitlines()
        lines.reverse()
        return execute(program, filename=args.file, sources=sources, env=env, policy=policy, jit=args.jit,
                       inline=True, read_line=lambda prompt, deadline: lines.pop() if lines else None,
                       resolve_module=resolve_module)
    out = sys.stdout

    def write(text: str) -> None:
        out.buffer.write(text.encode(out.encoding or "utf-8", "backslashreplace")) if hasattr(out, "buffer") \
            else out.write(text)
        out.flush()

    def read_line(prompt: str, deadline: float):
        if prompt:
            write(prompt)
        line = sys.stdin.readline() if sys.stdin else ""
        return line[:-1] if line.endswith("\n") else (line or None)

    return execute(program, filename=args.file, sources=sources, env=env, policy=policy, jit=args.jit,
                   inline=True, on_output=write, read_line=read_line, resolve_module=resolve_module)


def _run_json(args, source: str, env: dict) -> int:
    import json
    import time
    from .api import ExecResult
    started = time.perf_counter()
    program, diagnostics = _load_program(args.file, source)
    sources = {args.file: source}
    if program is None or any(d.is_error for d in diagnostics):
        from .diagnostics.render import render_all
        result = ExecResult("", render_all(diagnostics, sources, style="plain"), EXIT_CHECK, "error", 0.0, diagnostics)
    else:
        stdin_text = sys.stdin.read() if sys.stdin and not sys.stdin.isatty() else ""
        result = _run_sandboxed(args, program, env, sources, stream=False, stdin_text=stdin_text)
        result.diagnostics = [d for d in diagnostics if not d.is_error] + result.diagnostics
    result.duration = time.perf_counter() - started
    try:
        text = json.dumps(result.to_json(), ensure_ascii=False)
        text.encode(sys.stdout.encoding or "utf-8")
    except UnicodeEncodeError:  # e.g. a lone surrogate in the output: JSON's \u escapes carry it
        text = json.dumps(result.to_json(), ensure_ascii=True)
    print(text)
    return result.exit_code


def cmd_check(args) -> int:
    source = _read_source(args.file)
    if source is None:
        return EXIT_CHECK
    program, diagnostics = _load_program(args.file, source)
    errors = [d for d in diagnostics if d.is_error]
    if args.json:
        from .diagnostics.render import to_json
        print(to_json(diagnostics))
    elif diagnostics:
        _print_diagnostics(diagnostics, {args.file: source}, args.plain)
    else:
        _say("cli.no_problems", path=args.file)
    return EXIT_CHECK if errors else EXIT_OK


def _parse_file(path: str, *, note: str | None = None, errors_only: bool = False):
    """(source, ParseResult) for a file that parses, or None after saying why (and the message `note`)."""
    source = _read_source(path)
    if source is None:
        return None
    from .api import parse
    parsed = parse(source, path)
    if not parsed.ok:
        if note:
            _say(note, path=path)
        shown = [d for d in parsed.diagnostics if d.is_error] if errors_only else parsed.diagnostics
        _print_diagnostics(shown, {path: source}, False)
        return None
    return source, parsed


def cmd_ir(args) -> int:
    found = _parse_file(args.file)
    if found is None:
        return EXIT_CHECK
    from .ir import dump
    print(dump(found[1].program, indent=None if args.compact else 2))
    return EXIT_OK


def cmd_fmt(args) -> int:
    found = _parse_file(args.file, note="cli.fmt_syntax_errors",
                        errors_only=True)
    if found is None:
        return EXIT_CHECK
    from .ir import format_program
    source, parsed = found
    formatted = format_program(parsed.program)
    if args.file == "-":
        sys.stdout.write(formatted)
        return EXIT_OK
    if formatted == source:
        if not args.check:
            _say("cli.already_formatted", path=args.file)
        return EXIT_OK
    if args.check:
        _say("cli.would_reformat", path=args.file)
        return EXIT_RUNTIME
    with open(args.file, "w", encoding="utf-8") as handle:
        handle.write(formatted)
    _say("cli.formatted", path=args.file)
    return EXIT_OK


def cmd_explain(args) -> int:
    from .diagnostics import CATALOGUE, closest, explain
    if not args.code:
        for entry in CATALOGUE.values():
            print(f"{entry.code}  {entry.title}")
        return EXIT_OK
    code = args.code.strip().upper()
    if code.isdigit():
        code = "HC" + code.zfill(4)
    if code not in CATALOGUE:
        near = closest(code, CATALOGUE)
        _say("cli.no_such_code", code=args.code, suggestion=near)
        return EXIT_CHECK
    print(explain(code))
    return EXIT_OK


def cmd_repl(args) -> int:
    from .repl import main as repl_main
    return repl_main()


def cmd_dis(args) -> int:
    source = _read_source(args.file)
    if source is None:
        return EXIT_CHECK
    program, diagnostics = _load_program(args.file, source)
    if program is None or any(d.is_error for d in diagnostics):
        _print_diagnostics(diagnostics, {args.file: source}, False)
        return EXIT_CHECK
    from .vm import compile_program, disassemble
    print(disassemble(compile_program(program, args.file)))
    return EXIT_OK


COMMANDS = {"run": cmd_run, "check": cmd_check, "ir": cmd_ir, "fmt": cmd_fmt, "explain": cmd_explain,
            "repl": cmd_repl, "dis": cmd_dis}

if __name__ == "__main__":
    raise SystemExit(main())
