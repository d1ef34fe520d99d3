"""Errors that leave the VM. The VM writes no prose: a fault is a code plus parameters."""
from __future__ import annotations

#: Codes of limit faults: a program's ``try/except`` can never catch these.
LIMIT_CODES = frozenset({"HC3001", "HC3002", "HC2007"})


class RuntimeFault(Exception):
    """A HyperCode runtime error that nobody caught (or a limit that was hit).

    ``code`` is the diagnostic code ("HC2003"), ``kind`` the Python error kind ("IndexError"),
    ``message`` exactly what Python's ``str(e)`` gives, ``params`` the catalogue parameters,
    ``loc`` ``[line, col, end_line, end_col]`` of the failing expression, ``filename`` the file
    it happened in and ``trace`` ``[(function, filename, line)]`` outermost first.
    """

    def __init__(self, code, kind, message, params=None, loc=None, filename=None, trace=None):
        super().__init__(message)
        self.code = code
        self.kind = kind
        self.message = message
        self.params = params if params is not None else {}
        self.loc = loc
        self.filename = filename
        self.trace = trace if trace is not None else []

    @property
    def is_limit(self) -> bool:
        return self.code in LIMIT_CODES

    def __repr__(self):
        return f"RuntimeFault({self.code!r}, {self.kind!r}, {self.message!r}, {self.params!r}, loc={self.loc!r})"


class LoaderError(BaseException):
    """Carries an exception raised by ``load_module`` (e.g. a syntax error in the imported file,
    with ``.diagnostics``) through the VM untouched; ``run_program`` re-raises ``error``.
    A BaseException so that no program-level handler or fault translation sees it."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


class NativeFallback(Exception):
    """Raised by a JIT-compiled native function to say: run the bytecode instead."""
