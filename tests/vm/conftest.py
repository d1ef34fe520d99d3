"""Helpers for the VM tests: run HyperCode source through the parser and the VM."""
from __future__ import annotations

import textwrap

import pytest

from hypercode_lang.parser import parse
from hypercode_lang.vm import Limits, RuntimeFault, run_program


class Result:
    def __init__(self, out, fault):
        self.out = out
        self.fault = fault


def run_source(source, *, stdin=None, env=None, modules=None, natives=None, **limits):
    """Run dedented source; return Result(out, fault). modules: {name: source} for import."""
    source = textwrap.dedent(source)
    program = parse(source, "main.hc").program
    out = []
    lines = list(stdin or [])

    def read_line(prompt):
        out.append(prompt)
        return lines.pop(0) if lines else None

    def load_module(name, importer):
        if not modules or name not in modules:
            raise FileNotFoundError(name)
        src = modules[name]
        if isinstance(src, Exception):
            raise src
        return parse(textwrap.dedent(src), f"{name}.hc").program, f"{name}.hc"

    try:
        run_program(program, filename="main.hc", write_out=out.append, read_line=read_line,
                    env=env or {}, limits=Limits(**limits), load_module=load_module,
                    native_functions=natives)
        return Result("".join(out), None)
    except RuntimeFault as fault:
        return Result("".join(out), fault)


@pytest.fixture
def run():
    return run_source


@pytest.fixture
def out():
    def go(source, **kw):
        r = run_source(source, **kw)
        assert r.fault is None, f"unexpected fault {r.fault!r}"
        return r.out
    return go


@pytest.fixture
def fault():
    def go(source, **kw):
        r = run_source(source, **kw)
        assert r.fault is not None, f"expected a fault, got output {r.out!r}"
        return r.fault
    return go
