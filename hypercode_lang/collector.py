"""Pausing Python's cyclic garbage collector while a big tree of plain data is built.

Parsing, analysing or compiling a long program allocates millions of small dicts and lists and
frees few of them until it is done. Every automatic collection in between walks the new objects
again and finds nothing to free (the IR holds no cycles), so pausing the collector for the
build saves that walk: a third of a long compile. The cycles a build does leave (an analysis's
scopes and symbols) are released by their owner or collected later.

A pause alone leaves everything it built in the youngest generation, and the first collection
after it walks all of it (a tenth of a 1 MB file's open). A long-lived process that collects in
full when idle (the language server) pauses with `freeze=True`: when the pause ends, what exists
is moved out of the collector's sight (`gc.freeze`), and `collect_everything()` at the idle
moment brings it back and collects it all. Nothing frozen is lost: it is only collected later.

Pauses are counted: when several threads pause at once, collection resumes with the last one,
and only if it was on before the first.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False
_freeze_at_end = False


@contextmanager
def collector_paused(*, freeze: bool = False):
    global _pauses, _was_enabled, _freeze_at_end
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
        _freeze_at_end = _freeze_at_end or freeze
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0:
                if _freeze_at_end:
                    gc.freeze()
                    _freeze_at_end = False
                if _was_enabled:
                    gc.enable()


def collect_everything() -> int:
    """A full collection, of frozen objects too (for a process that pauses with `freeze`)."""
    gc.unfreeze()
    return gc.collect()


__all__ = ["collect_everything", "collector_paused"]
