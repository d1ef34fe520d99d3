"""Built-in functions, the method allow-list and the ``math`` module (spec §5).

Everything here works on plain Python values. Anything that could exhaust the host checks the
run's size limit before doing the work (``Fault`` HC3002). Built-ins that call back into
HyperCode (``sorted(key=)``, ``min``/``max(key=)``, ``list.sort(key=)``) go through
``vm.to_python_callable``, which runs the callback in a nested VM loop.
"""
from __future__ import annotations

import math
import re
from itertools import islice

from ..language.builtins import FUNCTIONS as SIGNATURES
from ..language.builtins import MATH as MATH_SIGNATURES
from ..language.builtins import MATH_NAMES
from ..language.methods import METHODS as LANGUAGE_METHODS
from .errors import RuntimeFault
from .values import ERROR_PARENTS, ErrorKind, ErrorValue, builtin_function_or_method, module, type_name

# Methods a program may call, per type, with their arity: language facts (spec §5), read from
# hypercode_lang/language/methods.py. Nothing else is reachable.
_PYTHON_TYPES = {"str": str, "list": list, "dict": dict}
METHODS = {_PYTHON_TYPES[t]: tuple(ms) for t, ms in LANGUAGE_METHODS.items()}
METHOD_SETS = {t: frozenset(ms) for t, ms in METHODS.items()}
# (type, method) -> (min positional, max positional, keyword names; None: any keyword)
METHOD_ARITY_BY_TYPE = {(_PYTHON_TYPES[t], name): signature.vm_arity()
                        for t, ms in LANGUAGE_METHODS.items() for name, signature in ms.items()}
METHOD_ARITY = {name: arity for (_, name), arity in reversed(METHOD_ARITY_BY_TYPE.items())}

ERROR_KINDS = tuple(ERROR_PARENTS)

_WIDTH = re.compile(r"\d{8,}")
_MISSING = object()


def size_fault(what, limit):
    return RuntimeFault("HC3002", "MemoryError", f"{what} is larger than the size limit ({limit})",
                        {"what": what, "limit": limit})


def arity_text(lo, hi):
    if hi is None:
        return f"at least {lo}"
    if lo == hi:
        return str(lo)
    return f"{lo} to {hi}"


def arity_fault(func, lo, hi, got, keyword=None, message=None):
    if message is None:
        if keyword is not None:
            message = f"{func}() got an unexpected keyword argument '{keyword}'"
        elif lo == hi == 1:
            message = f"{func}() takes exactly one argument ({got} given)"
        elif lo == hi == 0:
            message = f"{func}() takes no arguments ({got} given)"
        elif hi is not None and got > hi:
            message = f"{func}() takes at most {hi} argument{'s' if hi != 1 else ''} ({got} given)"
        else:
            message = f"{func}() takes at least {lo} argument{'s' if lo != 1 else ''} ({got} given)"
    return RuntimeFault("HC1003", "TypeError", message,
                        {"func": func, "expected": arity_text(lo, hi), "got": got, "keyword": keyword})


def check_spec(spec, limit):
    """Refuse format specs / %-formats whose width or precision would build a huge string."""
    for m in _WIDTH.findall(spec):
        if int(m) > limit:
            raise size_fault("str", limit)


class Builtins:
    """The built-in names of one run, bound to its VM."""

    def __init__(self, vm):
        self.vm = vm
        self.limit = vm.limits.max_size

    # -- helpers
    def bounded(self, iterable, what="list"):
        """A list of iterable's items, refusing more than the size limit."""
        limit = self.limit
        try:
            n = len(iterable)
        except TypeError:
            n = None
        if n is not None:
            if n > limit:
                raise size_fault(what, limit)
            return list(iterable)
        items = list(islice(iterable, limit + 1))
        if len(items) > limit:
            raise size_fault(what, limit)
        return items

    def check_len(self, iterable, what):
        try:
            n = len(iterable)
        except TypeError:
            return
        if n > self.limit:
            raise size_fault(what, self.limit)

    def key_fn(self, key):
        return None if key is None else self.vm.to_python_callable(key)

    # -- the functions
    def b_print(self, *values, sep=" ", end="\n"):
        if sep is None:
            sep = " "
        if end is None:
            end = "\n"
        if type(sep) is not str:
            raise TypeError(f"sep must be None or a string, not {type_name(sep)}")
        if type(end) is not str:
            raise TypeError(f"end must be None or a string, not {type_name(end)}")
        self.vm.write(sep.join([v if type(v) is str else str(v) for v in values]) + end)
        return None

    def b_input(self, prompt=""):
        vm = self.vm
        vm.flush()
        line = vm.read_line(str(prompt))
        if line is None:
            raise RuntimeFault("HC2010", "EOFError", "EOF when reading a line",
                               {"kind": "EOFError", "message": "EOF when reading a line"})
        return line

    def b_list(self, x=()):
        return self.bounded(x, "list")

    def b_tuple(self, x=()):
        return tuple(self.bounded(x, "tuple"))

    def b_dict(self, *args, **kw):
        if not args:
            return dict(**kw)
        x = args[0]
        if type(x) is dict:
            d = dict(x)
        else:
            d = dict(self.bounded(x, "dict"))
        d.update(kw)
        return d

    def _minmax(self, fn, name, args, key, default):
        if len(args) == 1:
            items = self.bounded(args[0], "list")
        else:
            items = list(args)
            if default is not _MISSING:
                raise TypeError(f"Cannot specify a default for {name}() with multiple positional arguments")
        kw = {}
        if key is not None:
            kw["key"] = self.key_fn(key)
        if default is not _MISSING:
            kw["default"] = default
        return fn(items, **kw)

    def b_min(self, *args, key=None, default=_MISSING):
        return self._minmax(min, "min", args, key, default)

    def b_max(self, *args, key=None, default=_MISSING):
        return self._minmax(max, "max", args, key, default)

    def b_sum(self, xs, start=0):
        items = self.bounded(xs, "list")
        return sum(items, start)

    def b_sorted(self, xs, key=None, reverse=False):
        items = self.bounded(xs, "list")
        items.sort(key=self.key_fn(key), reverse=reverse)
        return items

    def b_any(self, xs):
        self.check_len(xs, "list")
        return any(xs)

    def b_all(self, xs):
        self.check_len(xs, "list")
        return all(xs)

    def b_type(self, x):
        return type_name(x)

    def b_env(self, name, default=None):
        if type(name) is not str:
            raise TypeError(f"env() argument 'name' must be str, not {type_name(name)}")
        return self.vm.env.get(name, default)

    # -- the table
    def table(self):
        functions = {
            "print": self.b_print, "input": self.b_input,
            # Python's own functions where the semantics are exactly the spec's
            "len": len, "range": range, "str": str, "int": int, "float": float, "bool": bool,
            "list": self.b_list, "tuple": self.b_tuple, "dict": self.b_dict, "abs": abs,
            "min": self.b_min, "max": self.b_max, "sum": self.b_sum, "round": round,
            "sorted": self.b_sorted, "reversed": reversed, "enumerate": enumerate, "zip": zip,
            "any": self.b_any, "all": self.b_all, "type": self.b_type, "env": self.b_env,
        }
        # Arity and keyword names come from the one table the checker reads too.
        t = {name: builtin_function_or_method(name, fn, *SIGNATURES[name].vm_arity())
             for name, fn in functions.items()}
        for kind in ERROR_KINDS:
            t[kind] = ErrorKind(kind)
        return t


def make_math_module():
    values = []
    names = {}
    for n in MATH_NAMES:
        v = getattr(math, n)
        if callable(v):
            v = builtin_function_or_method(n, v, *MATH_SIGNATURES[n].vm_arity())
        names[n] = len(values)
        values.append(v)
    return module("math", names, values)


def make_error(kind, args):
    return ErrorValue(kind, tuple(args))
