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

from .errors import RuntimeFault
from .values import ERROR_PARENTS, ErrorKind, ErrorValue, builtin_function_or_method, module, type_name

# Methods a program may call, per type (spec §5). Nothing else is reachable.
METHODS = {
    str: ("upper", "lower", "strip", "lstrip", "rstrip", "split", "join", "replace", "startswith",
          "endswith", "find", "count", "isdigit", "isalpha", "title"),
    list: ("append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse",
           "copy", "clear"),
    dict: ("get", "keys", "values", "items", "pop", "setdefault", "update", "copy", "clear"),
}
METHOD_SETS = {t: frozenset(ms) for t, ms in METHODS.items()}

# (min positional, max positional, keyword names) per method.
METHOD_ARITY = {
    "upper": (0, 0, ()), "lower": (0, 0, ()), "title": (0, 0, ()), "isdigit": (0, 0, ()),
    "isalpha": (0, 0, ()), "strip": (0, 1, ()), "lstrip": (0, 1, ()), "rstrip": (0, 1, ()),
    "split": (0, 2, ("sep", "maxsplit")), "join": (1, 1, ()), "replace": (2, 3, ()),
    "startswith": (1, 3, ()), "endswith": (1, 3, ()), "find": (1, 3, ()),
    "append": (1, 1, ()), "extend": (1, 1, ()), "insert": (2, 2, ()), "remove": (1, 1, ()),
    "index": (1, 3, ()), "sort": (0, 0, ("key", "reverse")), "reverse": (0, 0, ()),
    "copy": (0, 0, ()), "clear": (0, 0, ()), "get": (1, 2, ()), "keys": (0, 0, ()),
    "values": (0, 0, ()), "items": (0, 0, ()), "setdefault": (1, 2, ()),
}
# methods whose arity depends on the type
METHOD_ARITY_BY_TYPE = {
    (str, "count"): (1, 3, ()), (list, "count"): (1, 1, ()),
    (list, "pop"): (0, 1, ()), (dict, "pop"): (1, 2, ()),
    (dict, "update"): (0, 1, None),  # None: any keyword
}

MATH_NAMES = ("sqrt", "floor", "ceil", "pi", "e", "sin", "cos", "tan", "log", "exp", "pow", "inf",
              "isclose")

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
        B = builtin_function_or_method
        t = {
            "print": B("print", self.b_print, 0, None, ("sep", "end")),
            "input": B("input", self.b_input, 0, 1),
            # Python's own functions where the semantics are exactly the spec's
            "len": B("len", len, 1, 1),
            "range": B("range", range, 1, 3),
            "str": B("str", str, 0, 1),
            "int": B("int", int, 0, 2),
            "float": B("float", float, 0, 1),
            "bool": B("bool", bool, 0, 1),
            "list": B("list", self.b_list, 0, 1),
            "tuple": B("tuple", self.b_tuple, 0, 1),
            "dict": B("dict", self.b_dict, 0, 1, None),
            "abs": B("abs", abs, 1, 1),
            "min": B("min", self.b_min, 1, None, ("key", "default")),
            "max": B("max", self.b_max, 1, None, ("key", "default")),
            "sum": B("sum", self.b_sum, 1, 2, ("start",)),
            "round": B("round", round, 1, 2, ("ndigits",)),
            "sorted": B("sorted", self.b_sorted, 1, 1, ("key", "reverse")),
            "reversed": B("reversed", reversed, 1, 1),
            "enumerate": B("enumerate", enumerate, 1, 2, ("start",)),
            "zip": B("zip", zip, 0, None),
            "any": B("any", self.b_any, 1, 1),
            "all": B("all", self.b_all, 1, 1),
            "type": B("type", self.b_type, 1, 1),
            "env": B("env", self.b_env, 1, 2, ("default",)),
        }
        for kind in ERROR_KINDS:
            t[kind] = ErrorKind(kind)
        return t


def make_math_module():
    values = []
    names = {}
    for n in MATH_NAMES:
        v = getattr(math, n)
        if callable(v):
            lo, hi = {"log": (1, 2), "pow": (2, 2), "isclose": (2, 2)}.get(n, (1, 1))
            kw = ("rel_tol", "abs_tol") if n == "isclose" else ()
            v = builtin_function_or_method(n, v, lo, hi, kw)
        names[n] = len(values)
        values.append(v)
    return module("math", names, values)


def make_error(kind, args):
    return ErrorValue(kind, tuple(args))
