"""The stack VM: one ``run`` loop over flat ``(opcode, arg)`` instructions.

Frames live on an explicit list, so a HyperCode call never recurses in Python. The current
frame's state is kept in local variables of ``run``; a call saves it as a tuple
``(code, instrs, pc, stack, slots, globals, blocks)``. ``blocks`` is the frame's stack of active
``try`` handlers ``(handler_pc, stack_depth)``.

Errors: operations raise Python exceptions or ``RuntimeFault``; the single ``except`` around the
loop turns them into faults (``translate``), stamps the failing instruction's span, and either
jumps to the innermost handler or unwinds frames, recording the trace.
"""
from __future__ import annotations

import functools
import time
from itertools import islice

from . import opcodes as O
from .builtins import (METHOD_ARITY, METHOD_ARITY_BY_TYPE, METHODS, Builtins,
                       arity_fault, check_spec, make_math_module, size_fault)
from .compiler import compile_program
from .errors import LIMIT_CODES, LoaderError, NativeFallback, RuntimeFault
from .ops import make_operators
from .values import (ERROR_PARENTS, UNBOUND, Cell, ErrorKind, ErrorValue, builtin_function_or_method,
                     function, kind_matches, module, type_name)

_TICKS = 2048  # backward jumps + calls between two clock reads


class Limits:
    """Resource limits of one run. (A plain class: the VM loads on every `hcvm run`, and the
    dataclasses module costs ~10 ms of start-up.)"""

    __slots__ = ("timeout", "max_depth", "max_size")

    def __init__(self, timeout: float = 30.0, max_depth: int = 1000, max_size: int = 10_000_000):
        self.timeout = timeout        # seconds (HC3001)
        self.max_depth = max_depth    # nested calls (HC2007)
        self.max_size = max_size      # elements of one str/list/tuple/dict, or digits of an int (HC3002)

    def __repr__(self) -> str:
        return f"Limits(timeout={self.timeout!r}, max_depth={self.max_depth!r}, max_size={self.max_size!r})"


class _Frame:
    """What ``invoke`` returns when the callee is a HyperCode function: its fresh slot list."""

    __slots__ = ("slots",)

    def __init__(self, slots):
        self.slots = slots


def suggest(name: str, candidates) -> str | None:
    """"Did you mean …?" by the same rule as the checker's (diagnostics/suggest.py), so a typo gets
    the same suggestion before and during a run. Imported only when an error needs it."""
    from ..diagnostics.suggest import closest
    return closest(name, [c for c in candidates if isinstance(c, str) and not c.startswith(".")])


def _fault(code_, kind_, message_, **params):
    return RuntimeFault(code_, kind_, message_, params)


class VM:
    """One program run: output buffer, limits, loaded modules and the run loop."""

    def __init__(self, *, write_out, read_line, env, limits, load_module, native_functions=None):
        self.write_out = write_out
        self.read_line = read_line
        self.env = dict(env or {})
        self.limits = limits
        self.load_module = load_module
        self.natives = dict(native_functions or {})
        self.out = []
        self.deadline = time.monotonic() + limits.timeout
        self.depth = 0
        self.builtins = Builtins(self)
        self.builtin_values = self.builtins.table()
        self.math = make_math_module()
        self.modules = {}
        self.main_globals = None
        self.ops, self.int_ops = make_operators(limits.max_size)
        # (type, method name) -> (min args, max args, keyword names, fn(obj, *args, **kw))
        self.methods = {}
        for t, names in METHODS.items():
            for name in names:
                lo, hi, kwn = METHOD_ARITY_BY_TYPE.get((t, name)) or METHOD_ARITY[name]
                special = getattr(self, f"m_{t.__name__}_{name}", None)
                self.methods[(t, name)] = (lo, hi, kwn, special if special is not None else getattr(t, name))

    # -- output
    def write(self, text):
        out = self.out
        out.append(text)
        if len(out) > 256 or len(text) > 65536:  # big pieces go at once: the output cap sees them
            self.flush()

    def flush(self):
        if self.out:
            text = "".join(self.out)
            self.out = []
            self.write_out(text)

    # -- modules
    def new_globals(self, code):
        b = self.builtin_values
        return [b.get(n, UNBOUND) for n in code.global_names]

    def run_main(self, program, filename):
        code = compile_program(program, filename)
        g = self.new_globals(code)
        self.main_globals = g
        self.run(code, g, g, 0)

    def import_module(self, name, importer):
        if name == "math":
            return self.math
        mod = self.modules.get(name)
        if mod is not None:
            return mod
        try:
            program, filename = self.load_module(name, importer)
        except FileNotFoundError:
            raise _fault("HC1001", "ModuleNotFoundError", f"No module named '{name}'",
                         name=name, suggestion=None) from None
        except Exception as error:  # noqa: BLE001  (the caller's problem report, passed on as is)
            raise LoaderError(error) from None
        code = compile_program(program, filename)
        g = self.new_globals(code)
        mod = module(name, {n: code.global_names.index(n) for n in code.exports}, g, filename)
        self.modules[name] = mod
        self.run(code, g, g, self.depth)
        return mod

    # -- calls from built-ins back into HyperCode
    def to_python_callable(self, f):
        tf = type(f)
        if tf is function:
            return lambda *xs: self.call_function(f, xs)
        if tf is builtin_function_or_method or tf is ErrorKind:
            return lambda *xs: self.call_value(f, list(xs), None)
        raise _fault("HC2002", "TypeError", f"'{type_name(f)}' object is not callable", type=type_name(f))

    def call_function(self, f, args):
        slots = self.bind_args(f, list(args), None)
        depth = self.depth + 1
        if depth >= self.limits.max_depth:
            raise self.depth_fault()
        saved = self.depth
        try:
            return self.run(f.code, slots, f.globals, depth)
        finally:
            self.depth = saved

    def call_value(self, f, args, kw):
        r = self.invoke(f, args, kw)
        if type(r) is _Frame:
            depth = self.depth + 1
            if depth >= self.limits.max_depth:
                raise self.depth_fault()
            saved = self.depth
            try:
                return self.run(f.code, r.slots, f.globals, depth)
            finally:
                self.depth = saved
        return r

    def depth_fault(self):
        n = self.limits.max_depth
        return _fault("HC2007", "RecursionError", "maximum recursion depth exceeded", limit=n)

    def time_fault(self):
        t = self.limits.timeout
        return _fault("HC3001", "TimeoutError", f"time limit reached ({t:g} s)", seconds=t)

    def bind_args(self, f, args, kw):
        """The slot list of a new frame for f(*args, **kw), or a HC1003 fault."""
        code = f.code
        np = code.nparams
        names = code.param_names
        defaults = f.defaults
        nd = len(defaults)
        lo = np - nd
        given = len(args)
        got = given + (len(kw) if kw else 0)
        expected = str(np) if nd == 0 else f"{lo} to {np}"
        if given > np:
            if nd:
                takes = f"from {lo} to {np} positional arguments"
            else:
                takes = f"{np} positional argument{'' if np == 1 else 's'}"
            was = "was" if given == 1 else "were"
            raise _fault("HC1003", "TypeError", f"{f.name}() takes {takes} but {given} {was} given",
                         func=f.name, expected=expected, got=got, keyword=None)
        slots = list(args)
        if given < np:
            slots.extend([UNBOUND] * (np - given))
        if kw:
            for k, v in kw.items():
                try:
                    i = names.index(k)
                except ValueError:
                    raise _fault("HC1003", "TypeError", f"{f.name}() got an unexpected keyword argument '{k}'",
                                 func=f.name, expected=expected, got=got, keyword=k) from None
                if slots[i] is not UNBOUND:
                    raise _fault("HC1003", "TypeError", f"{f.name}() got multiple values for argument '{k}'",
                                 func=f.name, expected=expected, got=got, keyword=k)
                slots[i] = v
        if given < np or kw:
            missing = []
            for i in range(np):
                if slots[i] is UNBOUND:
                    if i >= lo:
                        slots[i] = defaults[i - lo]
                    else:
                        missing.append(names[i])
            if missing:
                q = [f"'{m}'" for m in missing]
                if len(q) == 1:
                    lst = q[0]
                elif len(q) == 2:
                    lst = f"{q[0]} and {q[1]}"
                else:
                    lst = ", ".join(q[:-1]) + f", and {q[-1]}"
                s = "" if len(q) == 1 else "s"
                raise _fault("HC1003", "TypeError",
                             f"{f.name}() missing {len(q)} required positional argument{s}: {lst}",
                             func=f.name, expected=expected, got=got, keyword=None)
        slots.extend(f.tail)
        return slots

    def invoke(self, f, args, kw):
        """Call anything callable: a _Frame for HyperCode functions (the caller runs it), else the result."""
        tf = type(f)
        if tf is function:
            if f.native is not None and not kw:
                try:
                    # A JIT function takes what is left of the depth budget, so HC2007 stays exact;
                    # any other native callable is called plainly.
                    with_depth = getattr(f.native, "call_with_depth", None)
                    if with_depth is not None:
                        return with_depth(self.limits.max_depth - self.depth, *args)
                    return f.native(*args)
                except NativeFallback:
                    pass
            return _Frame(self.bind_args(f, args, kw))
        if tf is builtin_function_or_method:
            n = len(args)
            if n < f.min_args or (f.max_args is not None and n > f.max_args):
                raise arity_fault(f.name, f.min_args, f.max_args, n + (len(kw) if kw else 0))
            if kw:
                allowed = f.kwnames
                if allowed is not None:
                    for k in kw:
                        if k not in allowed:
                            raise arity_fault(f.name, f.min_args, f.max_args, n + len(kw), keyword=k)
                return f.fn(*args, **kw)
            return f.fn(*args)
        if tf is ErrorKind:
            if kw:
                k = next(iter(kw))
                raise arity_fault(f.name, 0, None, len(args) + len(kw), keyword=k,
                                  message=f"{f.name}() takes no keyword arguments")
            return ErrorValue(f.name, tuple(args))
        raise _fault("HC2002", "TypeError", f"'{type_name(f)}' object is not callable", type=type_name(f))

    # -- attributes
    def get_attr(self, obj, name):
        t = type(obj)
        if t is module and not name.startswith("_"):
            v = obj.get(name)
            if v is not UNBOUND:
                return v
        elif not name.startswith("_"):
            m = self.methods.get((t, name))
            if m is not None:
                lo, hi, kwn, fn = m
                return builtin_function_or_method(name, functools.partial(fn, obj), lo, hi, kwn, self_obj=obj)
        raise self.attr_fault(obj, name)

    def attr_fault(self, obj, name):
        t = type(obj)
        if t is module:
            cands = obj.member_names()
            msg = f"module '{obj.name}' has no attribute '{name}'"
        else:
            cands = METHODS.get(t, ())
            msg = f"'{type_name(obj)}' object has no attribute '{name}'"
        return _fault("HC2006", "AttributeError", msg, name=name, type=type_name(obj),
                      suggestion=suggest(name, cands))

    def call_method(self, obj, name, args, kw):
        """obj.name(*args, **kw) for an allowed method of a str, list or dict."""
        m = self.methods.get((type(obj), name))
        if m is None:
            raise self.attr_fault(obj, name)
        lo, hi, kwn, fn = m
        n = len(args)
        if n < lo or n > hi:
            raise arity_fault(f"{type(obj).__name__}.{name}", lo, hi, n + (len(kw) if kw else 0))
        if kw:
            if kwn is not None:
                for k in kw:
                    if k not in kwn:
                        raise arity_fault(f"{type(obj).__name__}.{name}", lo, hi, n + len(kw), keyword=k)
            return fn(obj, *args, **kw)
        return fn(obj, *args)

    # methods that need the size limit or call back into HyperCode
    def m_list_append(self, xs, v):
        if len(xs) >= self.limits.max_size:
            raise size_fault("list", self.limits.max_size)
        xs.append(v)

    def m_list_insert(self, xs, i, v):
        if len(xs) >= self.limits.max_size:
            raise size_fault("list", self.limits.max_size)
        xs.insert(i, v)

    def m_list_extend(self, xs, items):
        items = self.builtins.bounded(items, "list")
        if len(xs) + len(items) > self.limits.max_size:
            raise size_fault("list", self.limits.max_size)
        xs.extend(items)

    def m_list_sort(self, xs, key=None, reverse=False):
        xs.sort(key=self.builtins.key_fn(key), reverse=reverse)

    def m_str_join(self, sep, items):
        items = self.builtins.bounded(items, "list")
        total = len(sep) * max(len(items) - 1, 0)
        for s in items:
            if type(s) is str:
                total += len(s)
        if total > self.limits.max_size:
            raise size_fault("str", self.limits.max_size)
        return sep.join(items)

    def m_str_replace(self, s, old, new, count=-1):
        if type(old) is str and type(new) is str and len(new) > len(old):
            n = s.count(old) if old else len(s) + 1
            if count is not None and type(count) is int and count >= 0:
                n = min(n, count)
            if len(s) + n * (len(new) - len(old)) > self.limits.max_size:
                raise size_fault("str", self.limits.max_size)
        return s.replace(old, new, count)

    def m_dict_update(self, d, other=(), **kw):
        if type(other) is not dict:
            other = self.builtins.bounded(other, "dict")
        d.update(other, **kw)
        if len(d) > self.limits.max_size:
            raise size_fault("dict", self.limits.max_size)

    def m_dict_setdefault(self, d, k, v=None):
        if len(d) >= self.limits.max_size and k not in d:
            raise size_fault("dict", self.limits.max_size)
        return d.setdefault(k, v)

    # -- errors
    def unbound_fault(self, code, slot, fl, deref=False):
        name = code.varnames[slot]
        if code.is_module:
            return self.name_fault(code, name, fl)
        if deref and name in code.freevars:
            msg = (f"cannot access free variable '{name}' where it is not associated with a value"
                   " in enclosing scope")
            kind = "NameError"
        else:
            msg = f"cannot access local variable '{name}' where it is not associated with a value"
            kind = "UnboundLocalError"
        return _fault("HC1001", kind, msg, name=name, suggestion=None)

    def name_fault(self, code, name, gl):
        cands = set(self.builtin_values)
        if gl is not None:
            cands.update(n for i, n in enumerate(code.global_names) if i < len(gl) and gl[i] is not UNBOUND)
        if not code.is_module:
            cands.update(code.varnames)
        return _fault("HC1001", "NameError", f"name '{name}' is not defined", name=name,
                      suggestion=suggest(name, cands))

    def translate(self, exc, op, arg, a, b, f):
        """A RuntimeFault for a Python exception raised while executing (op, arg)."""
        et = type(exc)
        msg = str(exc)
        if et is RecursionError:
            return self.depth_fault()
        if et is MemoryError:
            return size_fault("memory", self.limits.max_size)
        if op == O.CALL_VAR_BIN and f is None:  # the argument's operator failed, not the call
            op = O.BIN_FC
            arg = arg[2:]
        if op in _OPERATOR_OPS:
            o = _operator_of(op, arg)
            sym = O.SYMBOLS[o]
            if et is ZeroDivisionError:
                return _fault("HC2005", "ZeroDivisionError", msg, op=sym)
            if et is TypeError:
                return _fault("HC2001", "TypeError", msg, op=sym, left=type_name(a), right=type_name(b))
            return _fault("HC2008", et.__name__, msg, func=sym, value=_safe_repr(a))
        if op in _SUBSCR_OPS:
            tn = type_name(a)
            if et is IndexError:
                return _fault("HC2003", "IndexError", msg, index=b, length=_safe_len(a), type=tn)
            if et is KeyError:
                return self.key_fault(a, b)
            if et is TypeError:
                return _fault("HC2001", "TypeError", msg, op="[]", left=tn, right=type_name(b))
            return _fault("HC2008", et.__name__, msg, func="[]", value=_safe_repr(b))
        if op in _CALL_OPS:
            # f: the callee (or method name), a: the receiver for methods, b: the positional args
            if op == O.CALL_METHOD and type(f) is str:
                fname = f"{type_name(a)}.{f}"
                recv = a
                first = b[0] if b else None
            else:
                fname = getattr(f, "name", type_name(f))
                recv = None
                first = b[0] if b else None
            if et is IndexError:
                idx = b[0] if (b and recv is not None) else None
                return _fault("HC2003", "IndexError", msg, index=idx,
                              length=_safe_len(recv if recv is not None else first), type=type_name(recv if recv is not None else first))
            if et is KeyError:
                return self.key_fault(recv, first)
            if et is ZeroDivisionError:
                return _fault("HC2005", "ZeroDivisionError", msg, op=f"{fname}()")
            if et is TypeError:
                if "argument" in msg and ("given" in msg or "keyword" in msg or "missing" in msg or "expected" in msg):
                    return _fault("HC1003", "TypeError", msg, func=fname, expected="?", got=len(b or ()), keyword=None)
                left = type_name(recv if recv is not None else first)
                right = type_name(first if recv is not None else (b[1] if b and len(b) > 1 else None)) \
                    if (recv is not None and b) or (b and len(b) > 1) else None
                return _fault("HC2001", "TypeError", msg, op=f"{fname}()", left=left, right=right)
            if et is ValueError or et is OverflowError:
                return _fault("HC2008", et.__name__, msg, func=fname, value=_safe_repr(first))
            return _fault("HC2010", et.__name__, msg, kind=et.__name__, message=msg)
        if op == O.UNARY_NEG or op == O.UNARY_POS:
            sym = "unary -" if op == O.UNARY_NEG else "unary +"
            return _fault("HC2001", "TypeError", msg, op=sym, left=type_name(a), right=None)
        if op in (O.FOR_ITER, O.FOR_ITER_STORE, O.FOR_BACK, O.GET_ITER, O.UNPACK, O.LIST_APPEND):
            if et is TypeError:
                return _fault("HC2001", "TypeError", msg, op="for" if op != O.UNPACK else "unpack",
                              left=type_name(a), right=None)
            return _fault("HC2010", et.__name__, msg, kind=et.__name__, message=msg)
        if op == O.FORMAT:
            if et is TypeError:
                return _fault("HC2001", "TypeError", msg, op="format", left=type_name(a), right=None)
            return _fault("HC2008", et.__name__, msg, func="format", value=_safe_repr(a))
        if op in (O.GET_SLICE, O.STORE_SLICE):
            if et is TypeError:
                return _fault("HC2001", "TypeError", msg, op="[:]", left=type_name(a), right=None)
            return _fault("HC2008", et.__name__, msg, func="slice", value=_safe_repr(b))
        if op == O.BUILD_DICT:
            return _fault("HC2001", "TypeError", msg, op="{}", left=type_name(a), right=None)
        return _fault("HC2010", et.__name__, msg, kind=et.__name__, message=msg)

    def key_fault(self, d, key):
        r = _safe_repr(key)
        sugg = None
        if type(key) is str and type(d) is dict:
            s = suggest(key, [k for k in d if type(k) is str])
            sugg = repr(s) if s is not None else None
        fault = _fault("HC2004", "KeyError", r, key=r, suggestion=sugg)
        fault.value = ErrorValue("KeyError", (key,), fault)
        return fault

    def raise_fault(self, x):
        """The fault for ``raise x``."""
        if type(x) is ErrorKind:
            x = ErrorValue(x.name, ())
        if type(x) is not ErrorValue:
            return _fault("HC2001", "TypeError", "exceptions must derive from BaseException",
                          op="raise", left=type_name(x), right=None)
        if x.fault is not None:
            return x.fault
        m = str(x)
        fault = _fault("HC2010", x.kind, m, kind=x.kind, message=m)
        fault.value = x
        x.fault = fault
        return fault

    @staticmethod
    def error_value(fault):
        ev = getattr(fault, "value", None)
        if ev is None:
            ev = ErrorValue(fault.kind, (fault.message,), fault)
            fault.value = ev
        return ev

    # -- the loop
    def run(self, code, fl, gl, base):  # noqa: C901  (one case per opcode, on purpose)
        """Run code in a frame with slots fl and globals gl until that frame returns."""
        # Dispatch: first by group (vm/opcodes.py says which opcodes are hot), then by name.
        HOT_END = O.GROUP_END[O.HOT]
        WARM_END = O.GROUP_END[O.WARM]
        COOL_END = O.GROUP_END[O.COOL]
        LOAD_FAST2 = O.LOAD_FAST2
        LOAD_CONST = O.LOAD_CONST
        BINARY = O.BINARY
        FOR_BACK = O.FOR_BACK
        BIN_FC = O.BIN_FC
        CALL_VAR = O.CALL_VAR
        STORE_FAST = O.STORE_FAST
        LOAD_FAST = O.LOAD_FAST
        CMP_FC_JUMP = O.CMP_FC_JUMP
        CMP_FF_JUMP = O.CMP_FF_JUMP
        BIN_FF = O.BIN_FF
        BIN_FF_STORE = O.BIN_FF_STORE
        RETURN_VALUE = O.RETURN_VALUE
        RETURN_FAST = O.RETURN_FAST
        CALL_METHOD = O.CALL_METHOD
        STORE_SUBSCR_FF = O.STORE_SUBSCR_FF
        CALL_VAR_BIN = O.CALL_VAR_BIN
        BINARY_RETURN = O.BINARY_RETURN
        INC_FAST = O.INC_FAST
        JUMP_BACK = O.JUMP_BACK
        POP_JUMP_IF_FALSE = O.POP_JUMP_IF_FALSE
        JUMP_IF_FALSE_FAST = O.JUMP_IF_FALSE_FAST
        STORE_SUBSCR_FFC = O.STORE_SUBSCR_FFC
        POP_TOP = O.POP_TOP
        BIN_C = O.BIN_C
        FOR_ITER_STORE = O.FOR_ITER_STORE
        SUBSCR_FF = O.SUBSCR_FF
        BIN_FC_STORE = O.BIN_FC_STORE
        LOAD_GLOBAL = O.LOAD_GLOBAL
        CALL = O.CALL
        JUMP = O.JUMP
        STORE_SUBSCR = O.STORE_SUBSCR
        BINARY_SUBSCR = O.BINARY_SUBSCR
        SUBSCR_FC = O.SUBSCR_FC
        FORMAT = O.FORMAT
        BUILD_STRING = O.BUILD_STRING
        GET_ITER = O.GET_ITER
        CMP_JUMP = O.CMP_JUMP
        LOAD_FAST_CONST = O.LOAD_FAST_CONST
        BINARY_STORE = O.BINARY_STORE
        POP_JUMP_IF_TRUE = O.POP_JUMP_IF_TRUE
        JUMP_IF_FALSE_OR_POP = O.JUMP_IF_FALSE_OR_POP
        JUMP_IF_TRUE_OR_POP = O.JUMP_IF_TRUE_OR_POP
        FOR_ITER = O.FOR_ITER
        LOAD_DEREF = O.LOAD_DEREF
        STORE_DEREF = O.STORE_DEREF
        CALL_KW = O.CALL_KW
        UNPACK = O.UNPACK
        GET_SLICE = O.GET_SLICE
        BUILD_LIST = O.BUILD_LIST
        BUILD_TUPLE = O.BUILD_TUPLE
        BUILD_DICT = O.BUILD_DICT
        LIST_APPEND = O.LIST_APPEND
        DUP_TOP = O.DUP_TOP
        ROT_TWO = O.ROT_TWO
        ROT_THREE = O.ROT_THREE
        STORE_SLICE = O.STORE_SLICE
        UNARY_NOT = O.UNARY_NOT
        UNARY_NEG = O.UNARY_NEG
        UNARY_POS = O.UNARY_POS
        GET_ATTR = O.GET_ATTR
        MAKE_FUNCTION = O.MAKE_FUNCTION
        MAKE_CELL = O.MAKE_CELL
        SETUP_EXCEPT = O.SETUP_EXCEPT
        POP_BLOCK = O.POP_BLOCK
        RAISE = O.RAISE
        RERAISE = O.RERAISE
        EXC_MATCH = O.EXC_MATCH
        IMPORT = O.IMPORT
        ASSERT_FAIL = O.ASSERT_FAIL
        MATCH_SEQ = O.MATCH_SEQ
        MATCH_IS = O.MATCH_IS
        TO_LIST = O.TO_LIST

        _type = type
        _int = int
        _len = len
        _next = next
        _function = function
        _Frame_ = _Frame
        _builtin = builtin_function_or_method
        methods = self.methods
        _UNBOUND = UNBOUND
        ops = self.ops
        int_ops = self.int_ops
        limit = self.limits.max_size
        maxd = self.limits.max_depth - base
        deadline = self.deadline
        monotonic = time.monotonic
        natives = self.natives
        main_globals = self.main_globals

        frames = []
        instrs = code.instrs
        pc = 0
        stack = []
        push = stack.append
        pop = stack.pop
        blocks = None
        ticks = _TICKS
        op = arg = a = b = f = None
        if monotonic() > deadline:
            raise self.time_fault()

        while True:
            try:
                while True:
                    op, arg = instrs[pc]
                    pc += 1
                    if op < HOT_END:
                        if op == LOAD_FAST2:
                            a = fl[arg[0]]
                            b = fl[arg[1]]
                            if a is _UNBOUND or b is _UNBOUND:
                                raise self.unbound_fault(code, arg[0] if a is _UNBOUND else arg[1], fl)
                            push(a)
                            push(b)
                        elif op == LOAD_CONST:
                            push(arg)
                        elif op == BINARY:
                            b = pop()
                            a = stack[-1]
                            if _type(a) is _int and _type(b) is _int:
                                stack[-1] = int_ops[arg](a, b)
                            else:
                                stack[-1] = ops[arg](a, b)
                        elif op == FOR_BACK:
                            a = _next(stack[-1], _UNBOUND)
                            if a is _UNBOUND:
                                pop()
                                pc = arg[2]
                            else:
                                fl[arg[0]] = a
                                pc = arg[1]
                                ticks -= 1
                                if not ticks:
                                    ticks = _TICKS
                                    if self.out:  # a long-running loop still shows what it printed
                                        self.flush()
                                    if monotonic() > deadline:
                                        raise self.time_fault()
                        elif op == BIN_FC:
                            o, x, b = arg
                            a = fl[x]
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, x, fl)
                            if _type(a) is _int and _type(b) is _int:
                                push(int_ops[o](a, b))
                            else:
                                push(ops[o](a, b))
                        elif op == CALL_VAR:
                            x, argc, g = arg
                            f = gl[x] if g else fl[x]
                            if f is _UNBOUND:
                                if g:
                                    fault = self.name_fault(code, code.global_names[x], gl)
                                else:
                                    fault = self.unbound_fault(code, x, fl)
                                fault.loc = code.name_locs.get(pc - 1)
                                raise fault
                            n = _len(stack) - argc
                            if _type(f) is _function and f.fast_argc == argc:
                                nfl = stack[n:]
                                del stack[n:]
                                nfl.extend(f.tail)
                            else:
                                b = stack[n:]
                                del stack[n:]
                                self.depth = base + _len(frames)
                                if _type(f) is _builtin and f.min_args <= argc <= f.max_n:
                                    push(f.fn(*b))
                                    continue
                                r = self.invoke(f, b, None)
                                if _type(r) is not _Frame_:
                                    push(r)
                                    continue
                                nfl = r.slots
                            if _len(frames) >= maxd:
                                raise self.depth_fault()
                            frames.append((code, instrs, pc, stack, fl, gl, blocks))
                            code = f.code
                            instrs = code.instrs
                            pc = 0
                            stack = []
                            push = stack.append
                            pop = stack.pop
                            fl = nfl
                            gl = f.globals
                            blocks = None
                            ticks -= 1
                            if not ticks:
                                ticks = _TICKS
                                if self.out:  # a long-running loop still shows what it printed
                                    self.flush()
                                if monotonic() > deadline:
                                    raise self.time_fault()
                        elif op == STORE_FAST:
                            fl[arg] = pop()
                        elif op == LOAD_FAST:
                            a = fl[arg]
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, arg, fl)
                            push(a)
                    elif op < WARM_END:
                        if op == CMP_FC_JUMP:
                            o, x, b, t = arg
                            a = fl[x]
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, x, fl)
                            if not ops[o](a, b):
                                pc = t
                        elif op == CMP_FF_JUMP:
                            o, x, y, t = arg
                            a = fl[x]
                            b = fl[y]
                            if a is _UNBOUND or b is _UNBOUND:
                                raise self.unbound_fault(code, x if a is _UNBOUND else y, fl)
                            if not ops[o](a, b):
                                pc = t
                        elif op == BIN_FF:
                            o, x, y = arg
                            a = fl[x]
                            b = fl[y]
                            if a is _UNBOUND or b is _UNBOUND:
                                raise self.unbound_fault(code, x if a is _UNBOUND else y, fl)
                            if _type(a) is _int and _type(b) is _int:
                                push(int_ops[o](a, b))
                            else:
                                push(ops[o](a, b))
                        elif op == BIN_FF_STORE:
                            o, x, y, z = arg
                            a = fl[x]
                            b = fl[y]
                            if a is _UNBOUND or b is _UNBOUND:
                                raise self.unbound_fault(code, x if a is _UNBOUND else y, fl)
                            if _type(a) is _int and _type(b) is _int:
                                fl[z] = int_ops[o](a, b)
                            else:
                                fl[z] = ops[o](a, b)
                        elif op == RETURN_VALUE:
                            a = pop()
                            if not frames:
                                return a
                            code, instrs, pc, stack, fl, gl, blocks = frames.pop()
                            push = stack.append
                            pop = stack.pop
                            push(a)
                        elif op == RETURN_FAST:
                            a = fl[arg]
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, arg, fl)
                            if not frames:
                                return a
                            code, instrs, pc, stack, fl, gl, blocks = frames.pop()
                            push = stack.append
                            pop = stack.pop
                            push(a)
                        elif op == CALL_METHOD:
                            f, argc, kwnames = arg
                            nkw = _len(kwnames) if kwnames else 0
                            n = _len(stack) - argc - nkw
                            a = stack[n - 1]
                            b = stack[n:n + argc]
                            kw = dict(zip(kwnames, stack[n + argc:])) if nkw else None
                            del stack[n - 1:]
                            self.depth = base + _len(frames)
                            if _type(a) is module:
                                f = self.get_attr(a, f)
                                r = self.invoke(f, b, kw)
                                if _type(r) is _Frame_:
                                    if _len(frames) >= maxd:
                                        raise self.depth_fault()
                                    frames.append((code, instrs, pc, stack, fl, gl, blocks))
                                    code = f.code
                                    instrs = code.instrs
                                    pc = 0
                                    stack = []
                                    push = stack.append
                                    pop = stack.pop
                                    fl = r.slots
                                    gl = f.globals
                                    blocks = None
                                else:
                                    push(r)
                            else:
                                m = methods.get((_type(a), f))
                                if m is not None and kw is None and m[0] <= argc <= m[1]:
                                    push(m[3](a, *b))
                                else:
                                    push(self.call_method(a, f, b, kw))
                        elif op == STORE_SUBSCR_FF:
                            a = fl[arg[0]]
                            b = fl[arg[1]]
                            if a is _UNBOUND or b is _UNBOUND:
                                raise self.unbound_fault(code, arg[0] if a is _UNBOUND else arg[1], fl)
                            v = pop()
                            if _type(a) is dict and _len(a) >= limit and b not in a:
                                raise size_fault("dict", limit)
                            a[b] = v
                        elif op == CALL_VAR_BIN:
                            # f(x <op> c): the argument's operator, then the call
                            x, g, o, y, b = arg
                            f = None
                            a = fl[y]
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, y, fl)
                            if _type(a) is _int and _type(b) is _int:
                                a = int_ops[o](a, b)
                            else:
                                a = ops[o](a, b)
                            f = gl[x] if g else fl[x]
                            if f is _UNBOUND:
                                if g:
                                    fault = self.name_fault(code, code.global_names[x], gl)
                                else:
                                    fault = self.unbound_fault(code, x, fl)
                                fault.loc = code.name_locs.get(pc - 1)
                                raise fault
                            if _type(f) is _function and f.fast_argc == 1:
                                nfl = [a]
                                nfl.extend(f.tail)
                            else:
                                b = [a]
                                self.depth = base + _len(frames)
                                r = self.invoke(f, b, None)
                                if _type(r) is not _Frame_:
                                    push(r)
                                    continue
                                nfl = r.slots
                            if _len(frames) >= maxd:
                                raise self.depth_fault()
                            frames.append((code, instrs, pc, stack, fl, gl, blocks))
                            code = f.code
                            instrs = code.instrs
                            pc = 0
                            stack = []
                            push = stack.append
                            pop = stack.pop
                            fl = nfl
                            gl = f.globals
                            blocks = None
                            ticks -= 1
                            if not ticks:
                                ticks = _TICKS
                                if self.out:  # a long-running loop still shows what it printed
                                    self.flush()
                                if monotonic() > deadline:
                                    raise self.time_fault()
                        elif op == BINARY_RETURN:
                            b = pop()
                            a = pop()
                            if _type(a) is _int and _type(b) is _int:
                                a = int_ops[arg](a, b)
                            else:
                                a = ops[arg](a, b)
                            if not frames:
                                return a
                            code, instrs, pc, stack, fl, gl, blocks = frames.pop()
                            push = stack.append
                            pop = stack.pop
                            push(a)
                    elif op < COOL_END:
                        if op == INC_FAST:
                            x, b, o = arg
                            a = fl[x]
                            if _type(a) is _int:
                                fl[x] = a + b
                            else:
                                if a is _UNBOUND:
                                    raise self.unbound_fault(code, x, fl)
                                fl[x] = ops[o](a, b)
                        elif op == JUMP_BACK:
                            pc = arg
                            ticks -= 1
                            if not ticks:
                                ticks = _TICKS
                                if self.out:  # a long-running loop still shows what it printed
                                    self.flush()
                                if monotonic() > deadline:
                                    raise self.time_fault()
                        elif op == POP_JUMP_IF_FALSE:
                            if not pop():
                                pc = arg
                        elif op == JUMP_IF_FALSE_FAST:
                            a = fl[arg[0]]
                            if not a:
                                pc = arg[1]
                            elif a is _UNBOUND:
                                raise self.unbound_fault(code, arg[0], fl)
                        elif op == STORE_SUBSCR_FFC:
                            a = fl[arg[0]]
                            b = fl[arg[1]]
                            if a is _UNBOUND or b is _UNBOUND:
                                raise self.unbound_fault(code, arg[0] if a is _UNBOUND else arg[1], fl)
                            if _type(a) is dict and _len(a) >= limit and b not in a:
                                raise size_fault("dict", limit)
                            a[b] = arg[2]
                        elif op == POP_TOP:
                            pop()
                        elif op == BIN_C:
                            o, b = arg
                            a = stack[-1]
                            if _type(a) is _int and _type(b) is _int:
                                stack[-1] = int_ops[o](a, b)
                            else:
                                stack[-1] = ops[o](a, b)
                        elif op == FOR_ITER_STORE:
                            a = _next(stack[-1], _UNBOUND)
                            if a is _UNBOUND:
                                pop()
                                pc = arg[1]
                            else:
                                fl[arg[0]] = a
                        elif op == SUBSCR_FF:
                            a = fl[arg[0]]
                            b = fl[arg[1]]
                            if a is _UNBOUND or b is _UNBOUND:
                                raise self.unbound_fault(code, arg[0] if a is _UNBOUND else arg[1], fl)
                            push(a[b])
                        elif op == BIN_FC_STORE:
                            o, x, b, z = arg
                            a = fl[x]
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, x, fl)
                            if _type(a) is _int and _type(b) is _int:
                                fl[z] = int_ops[o](a, b)
                            else:
                                fl[z] = ops[o](a, b)
                    else:
                        if op == LOAD_GLOBAL:
                            a = gl[arg]
                            if a is _UNBOUND:
                                raise self.name_fault(code, code.global_names[arg], gl)
                            push(a)
                        elif op == CALL:
                            f = stack[-arg - 1]
                            if _type(f) is _function and f.fast_argc == arg:
                                n = _len(stack) - arg
                                nfl = stack[n:]
                                del stack[n - 1:]
                                nfl.extend(f.tail)
                            else:
                                n = _len(stack) - arg
                                b = stack[n:]
                                del stack[n - 1:]
                                self.depth = base + _len(frames)
                                r = self.invoke(f, b, None)
                                if _type(r) is not _Frame_:
                                    push(r)
                                    continue
                                nfl = r.slots
                            if _len(frames) >= maxd:
                                raise self.depth_fault()
                            frames.append((code, instrs, pc, stack, fl, gl, blocks))
                            code = f.code
                            instrs = code.instrs
                            pc = 0
                            stack = []
                            push = stack.append
                            pop = stack.pop
                            fl = nfl
                            gl = f.globals
                            blocks = None
                            ticks -= 1
                            if not ticks:
                                ticks = _TICKS
                                if self.out:  # a long-running loop still shows what it printed
                                    self.flush()
                                if monotonic() > deadline:
                                    raise self.time_fault()
                        elif op == JUMP:
                            pc = arg
                        elif op == STORE_SUBSCR:
                            b = pop()
                            a = pop()
                            v = pop()
                            if _type(a) is dict and _len(a) >= limit and b not in a:
                                raise size_fault("dict", limit)
                            a[b] = v
                        elif op == BINARY_SUBSCR:
                            b = pop()
                            a = stack[-1]
                            stack[-1] = a[b]
                        elif op == SUBSCR_FC:
                            a = fl[arg[0]]
                            b = arg[1]
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, arg[0], fl)
                            push(a[b])
                        elif op == FORMAT:
                            a = pop()
                            spec, conv = arg
                            if conv is not None:
                                a = repr(a) if conv == "r" else (ascii(a) if conv == "a" else str(a))
                            if spec:
                                check_spec(spec, limit)
                                push(format(a, spec))
                            else:
                                push(a if _type(a) is str else format(a, ""))
                        elif op == BUILD_STRING:
                            a = "".join(stack[-arg:])
                            del stack[-arg:]
                            if _len(a) > limit:
                                raise size_fault("str", limit)
                            push(a)
                        elif op == GET_ITER:
                            a = stack[-1]
                            stack[-1] = iter(a)
                        elif op == CMP_JUMP:
                            b = pop()
                            a = pop()
                            if not ops[arg[0]](a, b):
                                pc = arg[1]
                        elif op == LOAD_FAST_CONST:
                            a = fl[arg[0]]
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, arg[0], fl)
                            push(a)
                            push(arg[1])
                        elif op == BINARY_STORE:
                            b = pop()
                            a = pop()
                            o = arg[0]
                            if _type(a) is _int and _type(b) is _int:
                                fl[arg[1]] = int_ops[o](a, b)
                            else:
                                fl[arg[1]] = ops[o](a, b)
                        elif op == POP_JUMP_IF_TRUE:
                            if pop():
                                pc = arg
                        elif op == JUMP_IF_FALSE_OR_POP:
                            if stack[-1]:
                                pop()
                            else:
                                pc = arg
                        elif op == JUMP_IF_TRUE_OR_POP:
                            if stack[-1]:
                                pc = arg
                            else:
                                pop()
                        elif op == FOR_ITER:
                            a = _next(stack[-1], _UNBOUND)
                            if a is _UNBOUND:
                                pop()
                                pc = arg
                            else:
                                push(a)
                        elif op == LOAD_DEREF:
                            a = fl[arg].value
                            if a is _UNBOUND:
                                raise self.unbound_fault(code, arg, fl, True)
                            push(a)
                        elif op == STORE_DEREF:
                            fl[arg].value = pop()
                        elif op == CALL_KW:
                            argc, kwnames = arg
                            nkw = _len(kwnames)
                            n = _len(stack) - argc - nkw
                            f = stack[n - 1]
                            b = stack[n:n + argc]
                            kw = dict(zip(kwnames, stack[n + argc:]))
                            del stack[n - 1:]
                            self.depth = base + _len(frames)
                            r = self.invoke(f, b, kw)
                            if _type(r) is _Frame_:
                                if _len(frames) >= maxd:
                                    raise self.depth_fault()
                                frames.append((code, instrs, pc, stack, fl, gl, blocks))
                                code = f.code
                                instrs = code.instrs
                                pc = 0
                                stack = []
                                push = stack.append
                                pop = stack.pop
                                fl = r.slots
                                gl = f.globals
                                blocks = None
                            else:
                                push(r)
                        elif op == UNPACK:
                            a = pop()
                            ta = _type(a)
                            if ta is not list and ta is not tuple:
                                a = list(islice(iter(a), arg + 1))
                            if _len(a) != arg:
                                if _len(a) > arg:
                                    raise _fault("HC2009", "ValueError", f"too many values to unpack (expected {arg})",
                                                 expected=arg, got=None)
                                raise _fault("HC2009", "ValueError",
                                             f"not enough values to unpack (expected {arg}, got {_len(a)})",
                                             expected=arg, got=_len(a))
                            stack.extend(reversed(a))
                        elif op == GET_SLICE:
                            st = pop()
                            hi = pop()
                            lo = pop()
                            a = stack[-1]
                            b = lo
                            stack[-1] = a[lo:hi:st]
                        elif op == BUILD_LIST:
                            if arg:
                                a = stack[-arg:]
                                del stack[-arg:]
                                push(a)
                            else:
                                push([])
                        elif op == BUILD_TUPLE:
                            if arg:
                                a = tuple(stack[-arg:])
                                del stack[-arg:]
                                push(a)
                            else:
                                push(())
                        elif op == BUILD_DICT:
                            d = {}
                            if arg:
                                items = stack[-2 * arg:]
                                del stack[-2 * arg:]
                                for i in range(0, 2 * arg, 2):
                                    a = items[i]
                                    d[a] = items[i + 1]
                            push(d)
                        elif op == LIST_APPEND:
                            a = stack[-arg - 1]
                            a.append(pop())
                            if _len(a) > limit:
                                raise size_fault("list", limit)
                        elif op == DUP_TOP:
                            push(stack[-1])
                        elif op == ROT_TWO:
                            stack[-1], stack[-2] = stack[-2], stack[-1]
                        elif op == ROT_THREE:
                            a = pop()
                            stack.insert(-2, a)
                        elif op == STORE_SLICE:
                            st = pop()
                            hi = pop()
                            lo = pop()
                            a = pop()
                            v = pop()
                            b = v
                            if _type(v) is not list:
                                v = self.builtins.bounded(v, "list")
                            if _type(a) is list and _len(a) + _len(v) > limit:
                                raise size_fault("list", limit)
                            a[lo:hi:st] = v
                        elif op == UNARY_NOT:
                            stack[-1] = not stack[-1]
                        elif op == UNARY_NEG:
                            a = stack[-1]
                            stack[-1] = -a
                        elif op == UNARY_POS:
                            a = stack[-1]
                            stack[-1] = +a
                        elif op == GET_ATTR:
                            a = stack[-1]
                            stack[-1] = self.get_attr(a, arg)
                        elif op == MAKE_FUNCTION:
                            c, ndef, cells = arg
                            if ndef:
                                d = tuple(stack[-ndef:])
                                del stack[-ndef:]
                            else:
                                d = ()
                            f = _function(c, d, tuple([fl[s] for s in cells]), gl)
                            if natives and fl is main_globals and c.name in natives:
                                f.native = natives[c.name]
                                f.fast_argc = -1
                            push(f)
                        elif op == MAKE_CELL:
                            x, is_param = arg
                            fl[x] = Cell(fl[x] if is_param else _UNBOUND)
                        elif op == SETUP_EXCEPT:
                            if blocks is None:
                                blocks = []
                            blocks.append((arg, _len(stack)))
                        elif op == POP_BLOCK:
                            blocks.pop()
                        elif op == RAISE:
                            if arg:
                                raise self.raise_fault(pop())
                            raise _fault("HC2010", "RuntimeError", "No active exception to reraise",
                                         kind="RuntimeError", message="No active exception to reraise")
                        elif op == RERAISE:
                            raise self.raise_fault(pop())
                        elif op == EXC_MATCH:
                            a = pop()
                            if arg not in ERROR_PARENTS:
                                raise self.name_fault(code, arg, gl)
                            push(kind_matches(a.kind, arg))
                        elif op == IMPORT:
                            self.depth = base + _len(frames)
                            push(self.import_module(arg, code.filename))
                        elif op == ASSERT_FAIL:
                            ev = ErrorValue("AssertionError", (pop(),) if arg else ())
                            raise self.raise_fault(ev)
                        elif op == MATCH_SEQ:
                            a = pop()
                            ta = _type(a)
                            if ta is list or ta is tuple or ta is range:
                                push(_len(a) >= arg[0] if arg[1] else _len(a) == arg[0])
                            else:
                                push(False)
                        elif op == MATCH_IS:
                            push(pop() is arg)
                        elif op == TO_LIST:
                            stack[-1] = list(stack[-1])
                        else:
                            raise AssertionError(f"unknown opcode {op}")
            except Exception as exc:  # noqa: BLE001  (every failure becomes a fault)
                if isinstance(exc, RuntimeFault):
                    fault = exc
                else:
                    fault = self.translate(exc, op, arg, a, b, f)
                # The clock is read after a jump has moved pc to the loop's start (or on entry, pc 0),
                # so a time limit belongs to the instruction at pc; any other fault to the one before.
                at = pc if fault.code == "HC3001" and pc < len(code.locs) else pc - 1
                if fault.loc is None:
                    fault.loc = code.locs[at]
                if fault.filename is None:
                    fault.filename = code.filename
                catchable = fault.code not in LIMIT_CODES
                while True:
                    if catchable and blocks:
                        hpc, depth = blocks.pop()
                        del stack[depth:]
                        push(self.error_value(fault))
                        pc = hpc
                        break
                    fault.trace.insert(0, (code.name, code.filename, code.locs[at][0]))
                    if not frames:
                        raise fault from None
                    code, instrs, pc, stack, fl, gl, blocks = frames.pop()
                    at = pc - 1  # outer frames: the call that is still waiting
                    push = stack.append
                    pop = stack.pop


def _safe_len(x):
    try:
        return len(x)
    except Exception:  # noqa: BLE001
        return None


def _safe_repr(x):
    try:
        r = repr(x)
    except Exception:  # noqa: BLE001
        return "<?>"
    return r if len(r) <= 200 else r[:197] + "..."


_OPERATOR_OPS = frozenset({O.BIN_FC, O.BIN_FF, O.BINARY, O.BIN_C, O.CMP_FC_JUMP, O.CMP_FF_JUMP,
                           O.CMP_JUMP, O.INC_FAST, O.BIN_FC_STORE, O.BIN_FF_STORE, O.BINARY_STORE,
                           O.BINARY_RETURN})
_SUBSCR_OPS = frozenset({O.BINARY_SUBSCR, O.STORE_SUBSCR, O.SUBSCR_FF, O.SUBSCR_FC, O.STORE_SUBSCR_FF,
                         O.STORE_SUBSCR_FFC})
_CALL_OPS = frozenset({O.CALL, O.CALL_KW, O.CALL_METHOD, O.CALL_VAR, O.CALL_VAR_BIN})


def _operator_of(op, arg):
    if op == O.BINARY or op == O.BINARY_RETURN:
        return arg
    if op == O.INC_FAST:
        return arg[2]
    return arg[0]
