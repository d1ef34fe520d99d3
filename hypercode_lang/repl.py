"""`hcvm repl`: an interactive prompt.

Each entry is parsed, checked and run in one ongoing session: names defined earlier stay
defined (the compiler continues the same global slots), and functions defined earlier see
later changes to globals, as in Python. A block (a line ending in ':') or an open bracket
continues on '...' lines until a blank line. An expression's value is echoed, as in Python.
"""

from __future__ import annotations

import os
import sys
import time

from .diagnostics.render import render_all
from .parser import parse
from .parser.scanner import scan

PROMPT, MORE = ">>> ", "... "
HISTORY = os.path.expanduser("~/.hypercode_history")
ENTRY_TIMEOUT = 30.0
ECHO = "_"   # the hidden name an echoed expression is stored in (Python's `_`)


class Session:
    """One REPL session: a VM and the global slots every entry shares."""

    def __init__(self, write_out, read_line, *, timeout: float = ENTRY_TIMEOUT, filename: str = "<repl>"):
        from .api import module_resolver
        from .vm import Limits
        from .vm.machine import VM
        self.filename = filename
        self.timeout = timeout
        self.sources: dict = {}
        self.vm = VM(write_out=write_out, read_line=read_line, env={}, limits=Limits(timeout=timeout),
                     load_module=module_resolver(self.sources))
        self.names: list[str] = []      # global slot -> name, shared by every entry's code
        self.values: list = []          # global slot -> value

    def defined(self) -> set[str]:
        from .vm.values import UNBOUND
        return {n for n, v in zip(self.names, self.values) if v is not UNBOUND and not n.startswith(".")}

    def execute(self, source: str):
        """Run one entry. Returns (echo text or None, diagnostics)."""
        from .checker import check_program
        from .vm import compile_program
        from .vm.errors import RuntimeFault
        from .vm.values import UNBOUND
        self.sources[self.filename] = source
        parsed = parse(source, self.filename)
        diagnostics = list(parsed.diagnostics)
        diagnostics += [d for d in check_program(parsed.program, filename=self.filename, predefined=self.defined())
                        if d.code != "HC1002"]
        if any(d.is_error for d in diagnostics):
            return None, diagnostics
        program = parsed.program
        body = program["body"]
        echo = bool(body) and "expr" in body[-1]
        if echo:  # keep the value of a final expression so it can be shown
            last = body[-1]
            body = body[:-1] + [{"assign": {"targets": [{"var": ECHO}], "value": last["expr"]}, "loc": last.get("loc")}]
            program = {**program, "body": body}
        code = compile_program(program, self.filename, self.names)
        builtins = self.vm.builtin_values
        self.values.extend(builtins.get(name, UNBOUND) for name in self.names[len(self.values):])
        self.vm.main_globals = self.values
        self.vm.deadline = time.monotonic() + self.timeout
        self.vm.depth = 0
        try:
            self.vm.run(code, self.values, self.values, 0)
        except RuntimeFault as fault:
            from .api import runtime_diagnostic
            self.vm.flush()
            return None, diagnostics + [runtime_diagnostic(fault, program)]
        finally:
            self.vm.flush()
        if echo:
            value = self.values[self.names.index(ECHO)]
            if value is not None and value is not UNBOUND:
                return repr(value), diagnostics
        return None, diagnostics


def needs_more(entry: str) -> bool:
    """Is the entry unfinished: a block still open, or a bracket or triple-quoted string open?"""
    lines = entry.split("\n")
    if lines[-1].strip() == "" and len(lines) > 1:
        return False  # a blank line ends a block
    if any(d.code in ("HC0003", "HC0004") and d.params.get("kind") != "stray" for d in scan(entry + "\n").problems):
        return True
    if lines[-1].rstrip().endswith(":") or lines[-1].rstrip().endswith("\\"):
        return True
    # Inside a block, keep reading until a blank line.
    return len(lines) > 1 and lines[0].rstrip().endswith(":") and lines[-1].strip() != ""


def main() -> int:
    try:
        import readline  # noqa: F401  (line editing and history for input())
        try:
            readline.read_history_file(HISTORY)
        except OSError:
            pass
    except ImportError:
        readline = None
    out = sys.stdout
    colour = sys.stderr.isatty() and not os.environ.get("NO_COLOR")

    def read_line(prompt: str):
        try:
            return input(prompt)
        except EOFError:
            return None

    from .diagnostics.catalogue import message
    session = Session(out.write, read_line)
    print(message("repl.welcome"))
    while True:
        try:
            entry = input(PROMPT)
            while needs_more(entry):
                entry += "\n" + input(MORE)
        except EOFError:
            print()
            break
        except KeyboardInterrupt:
            print("\n" + message("repl.interrupted"))
            continue
        if not entry.strip():
            continue
        try:
            echo, diagnostics = session.execute(entry + "\n")
        except KeyboardInterrupt:
            print("\n" + message("repl.stopped"))
            continue
        out.flush()
        if diagnostics:
            sys.stderr.write(render_all(diagnostics, session.sources, style="friendly", colour=colour))
        if echo is not None:
            print(echo)
    if readline is not None:
        try:
            readline.write_history_file(HISTORY)
        except OSError:
            pass
    return 0
