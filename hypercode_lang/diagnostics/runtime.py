"""A fault the VM reported (code, kind, message, params, loc, filename, trace) as a diagnostic
with its quick fixes. The same words whether the fault came from the sandboxed child (as JSON)
or from an in-process run (a RuntimeFault)."""

from __future__ import annotations

from ..ir.tree import find_node
from . import catalogue
from .model import Span

TRACE_ENDS = 10  # a deep recursion's trace keeps this many calls at each end


def runtime_diagnostic(fault, program: dict | None):
    loc = fault.loc or [1, 1, 1, 1]
    params = dict(fault.params or {})
    if fault.code == "HC2010":
        params.setdefault("kind", fault.kind)
        params.setdefault("message", fault.message)
    params.setdefault("detail", fault.message)  # Python's own words, for the catalogue's special cases
    node = find_node(program, loc) if program else None
    fixes = catalogue.runtime_fixes(fault.code, params, node)
    trace = list(fault.trace or ())
    if len(trace) > 2 * TRACE_ENDS:  # deep recursion: the two ends tell the story
        omitted = len(trace) - 2 * TRACE_ENDS
        left_out = catalogue.message("render.calls_left_out", omitted=omitted)
        trace = trace[:TRACE_ENDS] + [(left_out, "", 0)] + trace[-TRACE_ENDS:]
    try:
        return catalogue.diagnostic(fault.code, Span.from_loc(loc), fixes=fixes, filename=fault.filename,
                                    trace=tuple(trace), **params)
    except (KeyError, ValueError, TypeError):
        # A fault whose parameters don't fit its template still reaches the person, in Python's words.
        return catalogue.diagnostic("HC2010", Span.from_loc(loc), filename=fault.filename,
                                    trace=tuple(trace), kind=fault.kind, message=fault.message)
