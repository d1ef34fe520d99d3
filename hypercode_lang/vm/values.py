"""Runtime values that are not plain Python values: functions, built-ins, modules, errors.

These classes define no operators, so Python's own rules make ``f + 1`` a TypeError and
``f == g`` an identity test, exactly as for Python functions. Their class names are the Python
type names that ``type(x)`` and error messages show.
"""
from __future__ import annotations


class _Unbound:
    __slots__ = ()

    def __repr__(self):
        return "<unbound>"


#: The value of a variable slot that was never assigned.
UNBOUND = _Unbound()


class Cell:
    """A variable shared between a function and the closures that capture it."""

    __slots__ = ("value",)

    def __init__(self, value=UNBOUND):
        self.value = value


class function:  # noqa: N801  (the Python type name)
    """A HyperCode function: code, evaluated defaults, captured cells and its module's globals."""

    __slots__ = ("code", "defaults", "closure", "globals", "name", "native", "tail", "fast_argc")

    def __init__(self, code, defaults, closure, globals_):
        self.code = code
        self.defaults = defaults
        self.closure = closure
        self.globals = globals_
        self.name = code.name
        self.native = None
        # positional-argument count of the call fast path (-1: never; e.g. a native is attached)
        self.fast_argc = code.nparams
        # What follows the positional arguments in a fresh frame's slot list.
        self.tail = [UNBOUND] * (code.nlocals - code.nparams) + list(closure)

    def __repr__(self):
        return f"<function {self.name} at 0x{id(self):012x}>"


class builtin_function_or_method:  # noqa: N801
    """A built-in function or a bound built-in method.

    ``fn`` is called as ``fn(*args, **kwargs)`` (``fn(vm, *args, **kwargs)`` when ``needs_vm``).
    """

    __slots__ = ("name", "fn", "min_args", "max_args", "max_n", "kwnames", "needs_vm", "self_obj")

    def __init__(self, name, fn, min_args=0, max_args=None, kwnames=(), needs_vm=False, self_obj=None):
        self.name = name
        self.fn = fn
        self.min_args = min_args
        self.max_args = max_args
        self.max_n = max_args if max_args is not None else 1 << 62
        self.kwnames = kwnames
        self.needs_vm = needs_vm
        self.self_obj = self_obj

    def __repr__(self):
        if self.self_obj is not None:
            return f"<built-in method {self.name} of {type(self.self_obj).__name__} object at 0x{id(self.self_obj):012x}>"
        return f"<built-in function {self.name}>"


class module:  # noqa: N801
    """An imported module: ``math`` or a ``.hc`` file. ``members`` maps name -> value getter."""

    __slots__ = ("name", "names", "values", "filename")

    def __init__(self, name, names, values, filename=None):
        self.name = name
        self.names = names  # name -> slot in values
        self.values = values
        self.filename = filename

    def get(self, name):
        slot = self.names.get(name)
        if slot is None:
            return UNBOUND
        return self.values[slot]

    def member_names(self):
        return [n for n, s in self.names.items() if self.values[s] is not UNBOUND]

    def __repr__(self):
        if self.filename is None:
            return f"<module '{self.name}' (built-in)>"
        return f"<module '{self.name}' from '{self.filename}'>"


# Error kinds and `except` matching are language facts (hypercode_lang/language/errors.py).
from ..language.errors import ERROR_PARENTS, kind_matches  # noqa: E402,F401  (re-exported)


class ErrorKind:
    """An error kind used as a value: ``ValueError`` (callable, creates an error value)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<class '{self.name}'>"


class ErrorValue:
    """An error value: what ``ValueError("m")`` creates and what ``except ... as e`` binds.

    ``fault`` is the RuntimeFault it came from when the VM raised it (so an uncaught re-raise
    keeps its code, parameters and location).
    """

    __slots__ = ("kind", "args", "fault")

    def __init__(self, kind, args, fault=None):
        self.kind = kind
        self.args = args
        self.fault = fault

    def __str__(self):
        a = self.args
        if not a:
            return ""
        if len(a) == 1:
            return repr(a[0]) if self.kind == "KeyError" else str(a[0])
        return str(a)

    def __repr__(self):
        a = self.args
        if len(a) == 1:
            return f"{self.kind}({a[0]!r})"
        return f"{self.kind}{a!r}"


def type_name(value) -> str:
    """Python's type name of a runtime value (what error messages and ``type()`` show)."""
    t = type(value)
    if t is ErrorValue:
        return value.kind
    if t is ErrorKind:
        return "type"
    return t.__name__
