"""LLVM set-up, shared by every compiled module: one MCJIT engine, made on first use.

Only this module and `codegen.py` import llvmlite, and only `native.py` imports them,
lazily, on the first call of a native function.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

import llvmlite.binding as llvm

from .runtime import RUNTIME

_lock = threading.Lock()
_engine = None
_target_machine = None
_counter = 0

# Runtime symbols the generated code calls by these names (bound with add_symbol, so
# LLVM never mistakes them for the C library functions it knows how to rewrite).
LIBM_FUNCS = ("pow", "sin", "cos", "tan", "exp", "log")


def _libm():
    libs = [ctypes.CDLL(None)]
    name = ctypes.util.find_library("m")
    if name:
        libs.append(ctypes.CDLL(name))
    return libs


def _symbol(libs, name):
    for lib in libs:
        try:
            return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value
        except AttributeError:
            continue
    raise RuntimeError(f"cannot find C symbol {name}")


def _init():
    global _engine, _target_machine
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    _target_machine = target.create_target_machine(
        cpu=llvm.get_host_cpu_name(),
        features=llvm.get_host_cpu_features().flatten(),
        opt=3,
        reloc="default",
        codemodel="jitdefault",
    )
    libs = _libm()
    for name in LIBM_FUNCS:
        llvm.add_symbol(f"hcrt_{name}", _symbol(libs, name))
    llvm.add_symbol("hcrt_clock_gettime", _symbol(libs, "clock_gettime"))
    llvm.add_symbol("hcrt_tick", ctypes.addressof(RUNTIME.tick))
    llvm.add_symbol("hcrt_deadline", ctypes.addressof(RUNTIME.deadline_ns))
    _engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), _target_machine)


def next_prefix() -> str:
    global _counter
    with _lock:
        _counter += 1
        return f"hc{_counter}"


def compile_ir(ir_text: str, entry_names: list[str], opt_level: int = 3) -> dict[str, int]:
    """Optimise and machine-compile one module; return the addresses of `entry_names`."""
    with _lock:
        if _engine is None:
            _init()
        mod = llvm.parse_assembly(ir_text)
        mod.verify()
        pto = llvm.create_pipeline_tuning_options(speed_level=opt_level)
        pb = llvm.create_pass_builder(_target_machine, pto)
        pm = pb.getModulePassManager()
        pm.run(mod, pb)
        _engine.add_module(mod)
        _engine.finalize_object()
        return {name: _engine.get_function_address(name) for name in entry_names}


def optimized_ir(ir_text: str, opt_level: int = 3) -> str:
    """The optimised LLVM IR text of a module (for tests and curious readers)."""
    with _lock:
        if _engine is None:
            _init()
        mod = llvm.parse_assembly(ir_text)
        pto = llvm.create_pipeline_tuning_options(speed_level=opt_level)
        pb = llvm.create_pass_builder(_target_machine, pto)
        pb.getModulePassManager().run(mod, pb)
        return str(mod)
