"""Property tests (hypothesis):
(a) any text given to check() and run() comes back as diagnostics, never a Python exception;
(b) generated programs round-trip source → IR → JSON → IR, and fmt is idempotent and keeps the IR;
(c) generated arithmetic / comparison / string expressions evaluate exactly as Python evaluates them.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import hypercode_lang as hc
from hypercode_lang import ir
from hypercode_lang.parser import parse

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- (a) no exceptions, ever

TOKENS = ["def", "f", "(", ")", ":", "\n", "    ", "x", "=", "==", "1", "'s'", '"', "if", "else", "elif",
          "for", "in", "range", "while", "return", "print", "[", "]", "{", "}", ",", "+", "-", "*", "/", "**",
          "match", "case", "_", "try", "except", "finally", "import", "lambda", "class", "f'{x}'", "#", "\t",
          "and", "not", ".", "append", "break", "continue", "é", "\\", "'''", "0x", "1e", "@", "$", ";"]
hypercode_like = st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join)


@FAST
@given(st.one_of(st.text(max_size=200), hypercode_like))
def test_check_never_raises(source):
    diagnostics = hc.check(source, "fuzz.hc")
    for d in diagnostics:
        assert d.code.startswith("HC") and d.message
        json.dumps(d.to_json())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=120), hypercode_like))
def test_run_never_raises_or_shows_a_traceback(source):
    result = hc.run(source, filename="fuzz.hc", timeout=0.5)
    assert result.status in ("success", "error", "timeout")
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    json.dumps(result.to_json())


# ---------------------------------------------------------------- (b) generated programs

NAMES = st.sampled_from(["a", "b", "total", "name", "xs", "count"])
# Source spells -1 as `neg 1`, so canonical IR has only non-negative number constants.
SCALARS = st.one_of(st.integers(0, 1000), st.booleans(), st.none(),
                    st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=1e6).map(abs),
                    st.text(alphabet="abc xyz'\"\\\n{}é", max_size=6))


def expressions():
    leaves = st.one_of(SCALARS.map(lambda v: {"const": v}), NAMES.map(lambda n: {"var": n}))

    def extend(children):
        return st.one_of(
            st.builds(lambda op, l, r: {"binop": {"op": op, "left": l, "right": r}},
                      st.sampled_from(["add", "sub", "mul", "div", "floordiv", "mod", "pow"]), children, children),
            st.builds(lambda op, e: {"unary": {"op": op, "operand": e}}, st.sampled_from(["neg", "pos", "not"]), children),
            st.builds(lambda op, vs: {"boolop": {"op": op, "values": vs}}, st.sampled_from(["and", "or"]),
                      st.lists(children, min_size=2, max_size=3)),
            st.builds(lambda l, ops_and: {"compare": {"left": l, "ops": [o for o, _ in ops_and],
                                                      "comparators": [c for _, c in ops_and]}},
                      children, st.lists(st.tuples(st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge", "in", "notin"]),
                                                   children), min_size=1, max_size=2)),
            st.builds(lambda f, args: {"call": {"func": {"var": f}, "args": args, "kwargs": {}}},
                      st.sampled_from(["print", "len", "str"]), st.lists(children, max_size=2)),
            st.builds(lambda xs: {"list": xs}, st.lists(children, max_size=3)),
            st.builds(lambda xs: {"tuple": xs}, st.lists(children, max_size=3)),
            st.builds(lambda kv: {"dict": [list(p) for p in kv]}, st.lists(st.tuples(children, children), max_size=2)),
            st.builds(lambda t, b, o: {"ifexp": {"test": t, "body": b, "orelse": o}}, children, children, children),
            st.builds(lambda v, i: {"index": {"value": v, "index": i}}, children, children),
            st.builds(lambda v, lo, hi: {"slice": {"value": v, "lower": lo, "upper": hi, "step": None}},
                      children, st.none() | children, st.none() | children),
            st.builds(lambda v, n: {"attr": {"value": v, "name": n}}, children, st.sampled_from(["upper", "append"])),
            st.builds(lambda e, t, it: {"listcomp": {"elt": e, "target": {"var": t}, "iter": it, "ifs": []}},
                      children, NAMES, children),
            st.builds(lambda parts: {"fstring": parts},
                      st.lists(st.one_of(st.text(alphabet="ab {}'", min_size=1, max_size=3),
                                         st.builds(lambda v, s: {"value": v, "spec": s, "conv": None},
                                                   children, st.sampled_from([None, ">4", ".2f"]))),
                               min_size=1, max_size=3).filter(_canonical_fstring)),
        )
    return st.recursive(leaves, extend, max_leaves=5)


def _canonical_fstring(parts):
    """As the parser builds them: at least one field, and no two text parts side by side."""
    return any(isinstance(p, dict) for p in parts) and \
        all(not (isinstance(a, str) and isinstance(b, str)) for a, b in zip(parts, parts[1:]))


def statements():
    e = expressions()
    simple = st.one_of(
        st.builds(lambda v: {"expr": v}, e),
        st.builds(lambda n, v: {"assign": {"targets": [{"var": n}], "value": v}}, NAMES, e),
        st.builds(lambda n, op, v: {"augassign": {"op": op, "target": {"var": n}, "value": v}}, NAMES,
                  st.sampled_from(["add", "sub", "mul"]), e),
        st.just({"pass": None}),
    )

    def extend(children):
        block = st.lists(children, min_size=1, max_size=3)
        return st.one_of(
            st.builds(lambda t, b, o: {"if": {"test": t, "body": b, "orelse": o}}, e, block, st.just([]) | block),
            st.builds(lambda t, b: {"while": {"test": t, "body": b + [{"break": None}], "orelse": []}}, e, block),
            st.builds(lambda n, it, b: {"for": {"target": {"var": n}, "iter": it, "body": b, "orelse": []}}, NAMES, e, block),
            st.builds(lambda n, b, v: {"def": {"name": "f_" + n, "params": [{"name": "p", "default": None}],
                                               "body": b + [{"return": v}]}}, NAMES, block, e),
            st.builds(lambda b, h: {"try": {"body": b, "handlers": [{"kind": "ValueError", "name": "e", "body": h}],
                                            "orelse": [], "finally": []}}, block, block),
        )
    return st.recursive(simple, extend, max_leaves=4)


programs = st.lists(statements(), min_size=1, max_size=4).map(lambda body: {"hypercode": 2, "body": body})


@FAST
@given(programs)
def test_generated_programs_round_trip_and_format_stably(program):
    # With two quote characters, Python 3.11 (and so HyperCode) can't spell a string literal inside
    # an f-string inside an f-string; such IR has no source, so it isn't generated.
    assume(_fstring_depth(program) <= 1)
    source = ir.format_program(program)
    parsed = parse(source)
    assert [d.message for d in parsed.diagnostics if d.is_error] == [], source
    assert ir.strip_locs(parsed.program) == program, source        # fmt keeps the IR
    assert ir.load(ir.dump(parsed.program)) == parsed.program       # source → IR → JSON → IR
    assert ir.format_program(parsed.program) == source              # fmt is idempotent


def _fstring_depth(tree) -> int:
    if isinstance(tree, dict):
        inner = max((_fstring_depth(v) for v in tree.values()), default=0)
        return inner + 1 if "fstring" in tree else inner
    if isinstance(tree, list):
        return max((_fstring_depth(v) for v in tree), default=0)
    return 0


# ---------------------------------------------------------------- (c) same values as Python

SMALL = st.one_of(st.integers(-30, 30), st.floats(-20, 20, allow_nan=False).map(lambda f: round(f, 3)),
                  st.sampled_from(["", "a", "bc", "ab"]), st.booleans())


def arithmetic():
    leaves = SMALL.map(lambda v: {"const": v})

    def extend(children):
        return st.one_of(
            st.builds(lambda op, l, r: {"binop": {"op": op, "left": l, "right": r}},
                      st.sampled_from(["add", "sub", "mul", "div", "floordiv", "mod"]), children, children),
            st.builds(lambda l, r: {"binop": {"op": "pow", "left": l, "right": r}}, children,
                      st.integers(-2, 4).map(lambda v: {"const": v})),
            st.builds(lambda op, e: {"unary": {"op": op, "operand": e}}, st.sampled_from(["neg", "pos", "not"]), children),
            st.builds(lambda op, vs: {"boolop": {"op": op, "values": vs}}, st.sampled_from(["and", "or"]),
                      st.lists(children, min_size=2, max_size=3)),
            st.builds(lambda l, op, r: {"compare": {"left": l, "ops": [op], "comparators": [r]}}, children,
                      st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge", "in", "notin"]), children),
            st.builds(lambda t, b, o: {"ifexp": {"test": t, "body": b, "orelse": o}}, children, children, children),
        )
    return st.recursive(leaves, extend, max_leaves=6)


# The Python error kinds each runtime code stands for. A code that isn't here fails the test:
# every code must be able to fail it (HC2010 is checked against the kind it carries).
KINDS = {"HC2001": {"TypeError"}, "HC2002": {"TypeError"}, "HC2003": {"IndexError"}, "HC2004": {"KeyError"},
         "HC2005": {"ZeroDivisionError"}, "HC2006": {"AttributeError"}, "HC2007": {"RecursionError"},
         "HC2008": {"ValueError", "OverflowError"}, "HC2009": {"ValueError"}}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arithmetic())
def test_expressions_evaluate_exactly_as_python(expression):
    text = ir.format_program({"hypercode": 2, "body": [{"expr": expression}]}).strip()
    source = f"print([{text}])\n"
    try:
        expected, expected_error = repr([eval(text, {"__builtins__": {}})]) + "\n", None  # noqa: S307
    except Exception as error:  # noqa: BLE001
        expected, expected_error = None, type(error).__name__
    if expected is not None and len(expected) > 10_000:
        return
    result = hc.run(source, timeout=2)
    if expected_error is None:
        assert result.stdout == expected, (text, result.stderr)
    else:
        assert result.exit_code != 0, (text, result.stdout)
        diagnostic = result.diagnostics[-1]
        kinds = {diagnostic.params.get("kind")} if diagnostic.code == "HC2010" else KINDS.get(diagnostic.code, set())
        assert expected_error in kinds, (text, diagnostic.code, expected_error)


# ---------------------------------------------------------------- (d) the IR path never raises

WEIRD_NAMES = st.sampled_from(["a", "if", "None", "a-b", "", "1x", "__class__", "_p", "../x", "/etc/passwd", "é"])


def _rename(tree, names):
    """The same tree with every name replaced by the next of `names` (positions dropped too)."""
    if isinstance(tree, dict):
        out = {}
        for key, value in tree.items():
            if key == "loc":
                continue
            if key in ("var", "name", "import", "capture") and isinstance(value, str):
                out[key] = next(names)
            else:
                out[key] = _rename(value, names)
        return out
    if isinstance(tree, list):
        return [_rename(item, names) for item in tree]
    return tree


@FAST
@given(programs, st.lists(WEIRD_NAMES, min_size=1, max_size=8))
def test_any_schema_valid_ir_gets_diagnostics_never_an_exception(program, names):
    import itertools
    from hypercode_lang.checker import load_ir_program
    from hypercode_lang.checker.rules import is_name
    renamed = _rename(program, itertools.cycle(names))
    loaded, diagnostics = load_ir_program(json.dumps(renamed), "fuzz.json")
    for d in diagnostics:
        assert d.code.startswith("HC") and d.message and d.span.line >= 1
        json.dumps(d.to_json())
    used = _names_used(renamed)
    if any(not is_name(n) for n in used):  # a name that isn't one is never silently accepted
        assert loaded is None and {d.code for d in diagnostics} & {"HC0001", "HC1005"}


def _names_used(tree) -> list:
    found = []
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("var", "name", "import", "capture") and isinstance(value, str):
                    found.append(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found
