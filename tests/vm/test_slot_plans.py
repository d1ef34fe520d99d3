"""One scope resolver: `scopes.analyse` decides what every name is, `scopes.slot_plans` turns that
into where the compiler keeps it, and the compiler and the JIT's eligibility read those instead of
resolving names themselves."""
from __future__ import annotations

import textwrap

from hypercode_lang.vm.disasm import nested_codes
from hypercode_lang import scopes
from hypercode_lang.jit import eligibility
from hypercode_lang.parser import parse
from hypercode_lang.vm import compile_program
from hypercode_lang.vm import compiler
from hypercode_lang.vm import opcodes as O

SOURCE = textwrap.dedent("""\
    import math
    limit = 10
    def outer(n, step=2):
        total = 0
        unused = 1
        def middle():
            def inner(x):
                return x + total + limit
            return inner
        xs = [i * step for i in range(n) if i < limit]
        return middle()(len(xs))
    print(outer(3))
    """)


def program():
    return parse(SOURCE, "plan.hc").program


def plans_by_name(prog):
    analysis = scopes.analyse(prog)
    plans = scopes.slot_plans(analysis)
    return {scope.name: plans[id(scope.node)] for scope in analysis.scopes}


def all_codes(code):
    return {c.name: c for c in nested_codes(code)}


def test_slot_plans_say_where_each_name_lives():
    plans = plans_by_name(program())
    module, outer, middle, inner, comp = (plans[n] for n in ("<module>", "outer", "middle", "inner", "<listcomp>"))
    assert module.kind == "module" and module.locals == ("limit", "math", "outer")
    assert outer.params == ("n", "step") and outer.locals == ("middle", "total", "unused", "xs")
    # total is read two functions down: a cell here, passed on through middle, free in inner
    assert outer.cells == {"total", "step"} and outer.frees == ()
    assert middle.frees == ("total",) and middle.cells == frozenset() and middle.locals == ("inner",)
    assert inner.params == ("x",) and inner.frees == ("total",) and inner.cells == frozenset()
    # the comprehension binds its own target; step comes from outer; limit is a global
    assert comp.kind == "comprehension" and comp.locals == ("i",) and comp.frees == ("step",)
    assert [inner.access(n) for n in ("x", "total", "limit", "len")] == ["fast", "deref", "global", "global"]
    assert outer.access("unused") == "fast" and outer.access("total") == "deref"


def test_the_compiled_code_follows_the_plans():
    prog = program()
    plans = plans_by_name(prog)
    codes = all_codes(compile_program(prog, "plan.hc"))
    for name in ("outer", "middle", "inner"):
        code, plan = codes[name], plans[name]
        own = list(plan.params) + [n for n in plan.locals if n not in plan.params]
        assert code.varnames[:len(own)] == own and code.freevars == plan.frees, name
        made = {code.varnames[arg[0]] for op, arg in code.instrs if op == O.MAKE_CELL}
        assert made == plan.cells, name
    inner = codes["inner"]
    globals_read = {inner.global_names[arg] for op, arg in inner.instrs if op == O.LOAD_GLOBAL}
    derefs = {inner.varnames[arg] for op, arg in inner.instrs if op == O.LOAD_DEREF}
    assert globals_read == {"limit"} and derefs == {"total"}
    assert codes["<module>"].exports == plans["<module>"].locals


def test_the_compiler_asks_the_analysis(monkeypatch):
    asked = []
    real = compiler.slot_plans

    def spy(analysis):
        asked.append(analysis)
        return real(analysis)

    monkeypatch.setattr(compiler, "slot_plans", spy)
    prog = program()
    compile_program(prog, "plan.hc")
    assert len(asked) == 1 and asked[0].module.node is prog


def test_a_plan_that_says_global_makes_a_global_load(monkeypatch):
    # the compiler has no opinion of its own: change the plan and the code changes with it
    real = compiler.slot_plans

    def everything_global(analysis):
        plans = real(analysis)
        for plan in plans.values():
            if plan.kind == "function":
                plan.cells, plan.frees = frozenset(), ()
        return plans

    monkeypatch.setattr(compiler, "slot_plans", everything_global)
    src = "def f():\n    v = 1\n    def g():\n        return v\n    return g\n"
    g = all_codes(compile_program(parse(src, "g.hc").program, "g.hc"))["g"]
    assert [O.OPNAMES[op] for op, _ in g.instrs][:1] == ["LOAD_GLOBAL"] and g.freevars == ()


def test_jit_eligibility_reads_names_from_the_same_analysis(monkeypatch):
    src = textwrap.dedent("""\
        def f(n):
            t = 0
            for i in range(n):
                t += i
            return t
        def g(n):
            return f(n) + k
        k = 1
        """)
    prog = parse(src, "j.hc").program
    asked = []
    real = eligibility.analyse
    monkeypatch.setattr(eligibility, "analyse", lambda p: asked.append(p) or real(p))
    info = eligibility.analyse_program(prog)
    assert asked == [prog]
    assert info.functions["f"].jittable and info.functions["f"].locals == {"n", "t", "i"}
    assert not info.functions["g"].jittable and info.functions["g"].reason == "reads global name 'k'"
    assert info.top_bound == {"f": 1, "g": 1, "k": 1}
    # given an analysis, it uses that one and makes none of its own
    asked.clear()
    again = eligibility.analyse_program(prog, scopes.analyse(prog))
    assert asked == [] and again.functions["f"].jittable


def test_a_shadowed_builtin_is_what_the_analysis_says():
    src = "range = 3\ndef f(n):\n    for i in range(n):\n        pass\n    return n\n"
    info = eligibility.analyse_program(parse(src, "s.hc").program)
    assert info.functions["f"].reason == "range is shadowed"
