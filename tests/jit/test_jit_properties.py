"""Hypothesis: random arithmetic in a function body gives exactly Python's result,
or NativeFallback (when Python raises or the int result leaves int64)."""

from __future__ import annotations

import ast
import functools
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyir import python_to_ir

from hypercode_lang.jit import compile_numeric_functions, native_fallback_class

NativeFallback = native_fallback_class()
INT64 = (-(2**63), 2**63 - 1)

edge_ints = st.sampled_from([0, 1, -1, 2, -2, 3, 7, -7, 2**31, 2**53 + 1, 2**62, 2**63 - 1, -(2**63)])
ints = st.one_of(edge_ints, st.integers(-1000, 1000), st.integers(*INT64))
floats = st.one_of(
    st.sampled_from([0.0, -0.0, 0.5, -1.5, 3.0, 1e300, -1e-300, math.inf, -math.inf, math.nan]),
    st.floats(allow_nan=True, allow_infinity=True),
)

ARITH = ["+", "-", "*", "//", "%", "/", "**"]


def expressions(leaf):
    def extend(children):
        binop = st.tuples(children, st.sampled_from(ARITH), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
        unary = st.tuples(st.sampled_from(["-", "+"]), children).map(lambda t: f"({t[0]}{t[1]})")
        cmp = st.tuples(children, st.sampled_from(["<", "<=", "==", "!=", ">", ">="]), children, children, children)
        ifexp = cmp.map(lambda t: f"({t[3]} if {t[0]} {t[1]} {t[2]} else {t[4]})")
        call = st.tuples(st.sampled_from(["abs", "min", "max"]), children, children).map(
            lambda t: f"{t[0]}({t[1]})" if t[0] == "abs" else f"{t[0]}({t[1]}, {t[2]})"
        )
        return st.one_of(binop, unary, ifexp, call)

    return st.recursive(leaf, extend, max_leaves=6)


def int_leaf(edges=True):
    small = st.integers(-20, 20).map(lambda v: f"({v})")
    if not edges:
        return st.one_of(st.sampled_from(["a", "b", "c"]), small)
    return st.one_of(st.sampled_from(["a", "b", "c"]), small, edge_ints.map(lambda v: f"({v})"))


def float_leaf():
    consts = st.sampled_from(["0.5", "(-2.25)", "3.0", "(-0.0)", "1e308"])
    return st.one_of(st.sampled_from(["a", "b", "c", "x", "y"]), consts, st.integers(-5, 5).map(str))


class TooBig(ArithmeticError):
    """An int ** int that CPython could take ages to compute (it is far past int64 anyway)."""


def _pow(a, b):
    if type(a) is int and type(b) is int and b > 0 and abs(a) > 1 and b * abs(a).bit_length() > 4096:
        raise TooBig
    return a**b


class _PowToCall(ast.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            return ast.Call(ast.Name("_pow", ast.Load()), [node.left, node.right], [])
        return node


@functools.lru_cache(maxsize=4096)
def python_function(source):
    tree = ast.fix_missing_locations(_PowToCall().visit(ast.parse(source)))
    ns: dict = {"_pow": _pow}
    exec(compile(tree, "<expr>", "exec"), ns)
    return ns["f"]


@functools.lru_cache(maxsize=4096)
def natives_for(source):
    return compile_numeric_functions(python_to_ir(source))


def python_result(source, args):
    try:
        return python_function(source)(*args), None
    except (ArithmeticError, ValueError, TypeError) as exc:
        return None, exc


def assert_same(source, args):
    want, error = python_result(source, args)
    natives = natives_for(source)
    assert "f" in natives
    try:
        got = natives["f"](*args)
    except NativeFallback:
        exact_impossible = error is not None or (type(want) is int and not INT64[0] <= want <= INT64[1])
        # Falling back is always allowed to be correct; but it must happen when Python fails.
        return exact_impossible
    assert error is None, f"native gave {got!r} where Python raised {error!r}"
    assert type(got) is type(want) and repr(got) == repr(want), (source, args, got, want)
    return True


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(expressions(int_leaf()), ints, ints, ints)
def test_int_expressions(expr, a, b, c):
    source = f"def f(a, b, c):\n    return {expr}\n"
    assert_same(source, (a, b, c))


@SETTINGS
@given(expressions(float_leaf()), ints, ints, ints, floats, floats)
def test_mixed_expressions(expr, a, b, c, x, y):
    source = f"def f(a, b, c, x, y):\n    return {expr}\n"
    assert_same(source, (a, b, c, x, y))


@SETTINGS
@given(expressions(int_leaf(edges=False)), st.integers(-50, 50), st.integers(-50, 50), st.integers(-50, 50))
def test_int_expressions_small_values_rarely_fall_back(expr, a, b, c):
    """With small values, falling back should only happen when Python itself fails
    (or an intermediate leaves int64, which `**` can do)."""
    source = f"def f(a, b, c):\n    return {expr}\n"
    want, error = python_result(source, (a, b, c))
    natives = natives_for(source)
    try:
        got = natives["f"](a, b, c)
    except NativeFallback:
        legit = error is not None or "**" in expr or "/" in expr or "*" in expr
        assert legit, (expr, a, b, c)
        return
    assert error is None and type(got) is type(want) and repr(got) == repr(want), (expr, got, want)


@SETTINGS
@given(st.integers(*INT64), st.integers(*INT64))
def test_floor_division_and_modulo(a, b):
    source = "def f(a, b):\n    return a // b * 3 + a % b\n"
    assert_same(source, (a, b))
    source2 = "def f(a, b):\n    return a % b\n"
    assert_same(source2, (a, b))


@SETTINGS
@given(floats, floats)
def test_float_floor_division_modulo_pow(x, y):
    for body in ("x // y", "x % y", "x ** y", "x / y", "x < y", "(x > y) == (y != x)"):
        assert_same(f"def f(x, y):\n    return {body}\n", (x, y))


@SETTINGS
@given(st.integers(*INT64), floats)
def test_int_float_comparisons(i, x):
    for op in ("<", "<=", "==", "!=", ">", ">="):
        assert_same(f"def f(i, x):\n    return i {op} x\n", (i, x))
        assert_same(f"def f(i, x):\n    return x {op} i\n", (i, x))
