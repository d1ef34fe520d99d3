"""Python-callable native functions: per-signature compilation, caching and ctypes calls."""

from __future__ import annotations

import ctypes
import os
import threading

from .eligibility import INT64_MAX, INT64_MIN, FuncInfo, ProgramInfo
from .infer import Solver, Unsupported
from .runtime import NATIVE_DEPTH_CAP, RUNTIME, native_fallback_class

_MISSING = object()
_TYPE_NAMES = {int: "int", float: "float"}
_CTYPES = {"int": ctypes.c_int64, "float": ctypes.c_double}


class _Out(ctypes.Union):
    _fields_ = [("i", ctypes.c_int64), ("f", ctypes.c_double)]


class _Entry:
    """One compiled specialisation, called through ctypes (the GIL is released meanwhile)."""

    __slots__ = ("key", "cfunc", "int_positions")

    def __init__(self, key, address):
        self.key = key
        argtypes = [_CTYPES[t] for t in key[1]]
        proto = ctypes.CFUNCTYPE(ctypes.c_int64, *argtypes, ctypes.POINTER(_Out), ctypes.c_int64)
        self.cfunc = proto(address)
        self.int_positions = tuple(i for i, t in enumerate(key[1]) if t == "int")

    def call(self, args, depth_left):
        for i in self.int_positions:
            a = args[i]
            if a > INT64_MAX or a < INT64_MIN:  # ctypes would silently wrap it
                raise native_fallback_class()("int argument outside int64")
        out = _Out()
        tag = self.cfunc(*args, ctypes.byref(out), depth_left)
        if tag == 0:
            return out.i
        if tag == 1:
            return out.f
        if tag == 2:
            return None
        if tag == 3:
            return out.i != 0
        raise native_fallback_class()("native code cannot give the exact result")


class ProgramJit:
    """Compiles specialisations of one program's functions on demand."""

    def __init__(self, prog: ProgramInfo):
        self.prog = prog
        self.lock = threading.RLock()
        self.entries: dict[tuple, _Entry | None] = {}
        self.reasons: dict[tuple, str] = {}

    def entry_for(self, key):
        with self.lock:
            if key not in self.entries:
                try:
                    self._compile(key)
                except Exception as exc:  # a JIT bug must not break the program: the VM runs it
                    if os.environ.get("HYPERCODE_DEBUG"):
                        raise
                    self.entries[key] = None
                    self.reasons[key] = f"internal JIT error: {exc!r}"
            return self.entries[key]

    def _compile(self, key):
        from . import codegen, engine  # noqa: PLC0415 (llvmlite loads here, on first use)

        solver = Solver(self.prog)
        solver.solve(key)
        while True:
            if key in solver.failed:
                self.entries[key] = None
                self.reasons[key] = solver.failed[key]
                return
            mg = codegen.ModuleGen(solver, engine.next_prefix())
            try:
                text = mg.generate()
            except Unsupported as exc:
                solver.failed[mg.current] = str(exc)
                solver.propagate_failures()
                continue
            break
        addresses = engine.compile_ir(text, list(mg.entries.values()))
        for k, name in mg.entries.items():
            if k not in self.entries:
                self.entries[k] = _Entry(k, addresses[name])

    def ir_for(self, key, optimized=True) -> str:
        """LLVM IR of the module that would be built for `key` (debugging aid)."""
        from . import codegen, engine  # noqa: PLC0415

        solver = Solver(self.prog)
        solver.solve(key)
        if key in solver.failed:
            return f"; not compiled: {solver.failed[key]}"
        text = codegen.ModuleGen(solver, "dbg").generate()
        return engine.optimized_ir(text) if optimized else text


class NativeFunction:
    """Callable for one top-level function: `native(*args)` gives exactly what the VM would,
    or raises NativeFallback (then the VM runs the bytecode)."""

    def __init__(self, pj: ProgramJit, info: FuncInfo):
        self._pj = pj
        self.name = info.name
        self._nparams = len(info.params)
        self._required = info.required
        self._defaults = tuple(info.defaults)
        self._cache: dict[tuple, _Entry | None] = {}

    def __repr__(self):
        return f"<native {self.name}>"

    def __call__(self, *args):
        if len(args) != self._nparams:
            args = self._fill_defaults(args)
        entry = self._cache.get(tuple(map(type, args)))
        if entry is None:
            entry = self._resolve(args)
        return entry.call(args, RUNTIME.native_depth)

    def call_with_depth(self, depth_left: int, *args):
        """Call with a budget of `depth_left` HyperCode calls, this one included."""
        if len(args) != self._nparams:
            args = self._fill_defaults(args)
        entry = self._cache.get(tuple(map(type, args)))
        if entry is None:
            entry = self._resolve(args)
        return entry.call(args, depth_left if depth_left < NATIVE_DEPTH_CAP else NATIVE_DEPTH_CAP)

    def _fill_defaults(self, args):
        if not self._required <= len(args) <= self._nparams:
            raise native_fallback_class()(f"{self.name}: wrong number of arguments")
        return args + self._defaults[len(args):]

    def _resolve(self, args):
        types = tuple(map(type, args))
        entry = self._cache.get(types, _MISSING)
        if entry is _MISSING:
            entry = self._lookup(types)
        if entry is None:
            raise native_fallback_class()(f"{self.name}: not compiled for these argument types")
        return entry

    def _lookup(self, types):
        names = tuple(_TYPE_NAMES.get(t) for t in types)
        entry = None
        if None not in names:
            entry = self._pj.entry_for((self.name, names))
        self._cache[types] = entry
        return entry

    def why_not(self, *args) -> str | None:
        """Why these argument types are not compiled (None when they are)."""
        names = tuple(_TYPE_NAMES.get(type(a), type(a).__name__) for a in args)
        key = (self.name, names + tuple(_TYPE_NAMES[type(d)] for d in self._defaults[len(args):]))
        if any(t not in ("int", "float") for t in key[1]):
            return "arguments must be int or float (bool is not int here)"
        self._pj.entry_for(key)
        return self._pj.reasons.get(key)

    def llvm_ir(self, *types: str, optimized=True) -> str:
        return self._pj.ir_for((self.name, tuple(types)), optimized)
