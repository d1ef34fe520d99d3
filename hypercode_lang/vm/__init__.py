"""The HyperCode bytecode compiler and stack VM.

``compile_program(program, filename) -> Code`` and ``run_program(program, *, ...)``; errors leave as
``RuntimeFault`` (code + params; the diagnostics catalogue writes the words).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

from .compiler import Code, CompileError, compile_program
from .disasm import disassemble
from .errors import LoaderError, NativeFallback, RuntimeFault
from .machine import VM, Limits


def run_program(program: dict, *, filename: str, write_out: Callable[[str], None],
                read_line: Callable[[str], "str | None"], env: dict, limits: Limits | None = None,
                load_module: Callable[[str, str], tuple] | None = None,
                native_functions: dict | None = None) -> None:
    """Run a program IR to completion.

    - ``write_out(text)`` receives everything ``print`` writes (buffered; always flushed before
      returning, raising, or asking for input).
    - ``read_line(prompt)`` implements ``input(prompt)``: the VM does NOT write the prompt; the
      caller echoes it (to stdout, as Python does) and returns the line without its newline, or
      None at end of input (then the program gets EOFError, HC2010).
    - ``load_module(name, importing_filename) -> (program_ir, module_filename)`` for ``import
      name``; FileNotFoundError becomes ModuleNotFoundError (HC1001); any other exception (e.g. a
      syntax error with ``.diagnostics``) propagates unchanged. ``import math`` never calls it.
    - ``native_functions`` maps top-level function names of the main program to callables tried
      first for positional-only calls; they raise ``NativeFallback`` to run the bytecode instead.

    Raises ``RuntimeFault`` for an uncaught runtime error or a limit (HC3001/HC3002/HC2007).
    """
    if limits is None:
        limits = Limits()
    if load_module is None:
        def load_module(name, importer):
            raise FileNotFoundError(name)
    vm = VM(write_out=write_out, read_line=read_line, env=env, limits=limits, load_module=load_module,
            native_functions=native_functions)
    try:
        vm.run_main(program, filename)
    except LoaderError as passed:
        raise passed.error from None
    finally:
        vm.flush()


__all__ = ["Code", "CompileError", "Limits", "NativeFallback", "RuntimeFault", "compile_program",
           "disassemble", "run_program"]
