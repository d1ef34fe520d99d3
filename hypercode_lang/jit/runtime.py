"""State shared between Python and native code, and the fallback exception. No LLVM here."""

from __future__ import annotations

import ctypes
import time

TICK_RESET = 1 << 16  # loop iterations / calls between two looks at the clock
NATIVE_DEPTH_CAP = 10_000  # never let native recursion go deeper than this (C stack)


class _Runtime:
    def __init__(self):
        # Read and written by native code through the symbols hcrt_tick / hcrt_deadline.
        self.tick = ctypes.c_int64(TICK_RESET)
        self.deadline_ns = ctypes.c_int64(0)  # 0: no deadline; else time.monotonic_ns() value
        self.max_depth = 1000
        self.native_depth = 1000  # min(max_depth, NATIVE_DEPTH_CAP)


RUNTIME = _Runtime()


def set_limits(*, deadline: float | None = None, max_depth: int | None = None) -> None:
    """Tell native code the run's limits.

    `deadline` is a `time.monotonic()` value (None: no deadline): native code that runs
    past it stops and raises NativeFallback, so the VM re-runs the call and reports the
    time limit itself. `max_depth` is the call budget used by `native(*args)` when the
    caller does not pass one (`native.call_with_depth`).
    """
    RUNTIME.deadline_ns.value = 0 if deadline is None else max(1, int(deadline * 1e9))
    if max_depth is not None:
        RUNTIME.max_depth = max_depth
        RUNTIME.native_depth = min(max_depth, NATIVE_DEPTH_CAP)


def monotonic_ns() -> int:
    return time.monotonic_ns()


_fallback_class = None


class _LocalNativeFallback(Exception):
    """Stand-in used while `hypercode_lang.vm.errors.NativeFallback` does not exist."""


def native_fallback_class() -> type[Exception]:
    """The exception a native function raises when the VM must run the bytecode instead."""
    global _fallback_class
    if _fallback_class is None:
        try:
            from hypercode_lang.vm.errors import NativeFallback  # noqa: PLC0415
        except Exception:  # no VM yet (or it fails to import): nobody else can catch it anyway
            NativeFallback = _LocalNativeFallback
        _fallback_class = NativeFallback
    return _fallback_class
