"""JIT behaviour: each test is Python-compatible source, run natively and by CPython."""

from __future__ import annotations

import math
import time

import pytest
from pyir import python_to_ir

from hypercode_lang.jit import compile_numeric_functions, explain, native_fallback_class, set_limits

NativeFallback = native_fallback_class()


def build(source):
    """(natives, python namespace) for the same source."""
    ns: dict = {}
    exec(compile(source, "<test>", "exec"), ns)
    return compile_numeric_functions(python_to_ir(source)), ns


def same(a, b):
    """Equal value and type; floats compared by repr (so -0.0 and nan count)."""
    return type(a) is type(b) and (repr(a) == repr(b))


def check(source, name, *calls):
    natives, ns = build(source)
    assert name in natives, explain(python_to_ir(source))
    for args in calls:
        try:
            want = ns[name](*args)
        except (ArithmeticError, ValueError, RecursionError):
            with pytest.raises(NativeFallback):
                natives[name](*args)
            continue
        got = natives[name](*args)
        assert same(got, want), (name, args, got, want)
    return natives[name]


FIB = """
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
"""


def test_fib():
    check(FIB, "fib", (0,), (1,), (2,), (10,), (25,))


def test_fib_float_specialisation():
    f = check(FIB, "fib", (10.0,), (0.5,))
    assert f(10) == 55 and type(f(10)) is int


def test_nested_loops_break_continue_else():
    src = """
def loops(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        for j in range(i, 0, -2):
            total += i * j - j // 3
            if total > 100000:
                break
        else:
            total -= 1
    k = 0
    while k < n:
        k += 7
        if k == 49:
            break
    else:
        total += 1000
    return total + k
"""
    check(src, "loops", (0,), (1,), (10,), (50,), (300,))


def test_primes_with_while_else_and_boolops():
    src = """
def count_primes(n):
    count = 0
    for p in range(2, n):
        d = 2
        while d * d <= p:
            if p % d == 0 and not (d > p):
                break
            d += 1
        else:
            count += 1
    return count
"""
    check(src, "count_primes", (2,), (100,), (1000,))


def test_floor_division_and_modulo_with_negatives():
    src = """
def fd(a, b):
    return a // b

def md(a, b):
    return a % b
"""
    natives, ns = build(src)
    values = [-7, -3, -1, 0, 1, 2, 3, 7, 2**63 - 1, -(2**63)]
    fvalues = [-7.5, -3.0, -0.0, 0.0, 0.5, 3.0, 7.25, 1e300, -1e-300, math.inf, -math.inf, math.nan]
    for xs in (values, fvalues, values[:5] + fvalues[:5]):
        for a in xs:
            for b in xs:
                for name in ("fd", "md"):
                    try:
                        want = ns[name](a, b)
                    except (ZeroDivisionError, OverflowError):
                        with pytest.raises(NativeFallback):
                            natives[name](a, b)
                        continue
                    if type(want) is int and not -(2**63) <= want < 2**63:
                        with pytest.raises(NativeFallback):
                            natives[name](a, b)
                        continue
                    assert same(natives[name](a, b), want), (name, a, b)


def test_int_min_floordiv_minus_one_falls_back():
    natives, _ = build("def f(a, b):\n    return a // b\n")
    with pytest.raises(NativeFallback):
        natives["f"](-(2**63), -1)


def test_true_division():
    src = "def div(a, b):\n    return a / b\n"
    check(src, "div", (7, 2), (-7, 2), (1, 3), (7.0, 2), (1, 3.0), (2**53, 3), (0, 5))
    natives, _ = build(src)
    with pytest.raises(NativeFallback):
        natives["div"](1, 0)  # ZeroDivisionError is the VM's to raise
    with pytest.raises(NativeFallback):
        natives["div"](1.0, 0.0)
    with pytest.raises(NativeFallback):
        natives["div"](2**60 + 1, 3)  # past 2**53: CPython rounds the exact quotient


def test_overflow_falls_back():
    src = """
def fact(n):
    r = 1
    for i in range(2, n + 1):
        r *= i
    return r
"""
    natives, ns = build(src)
    assert natives["fact"](20) == ns["fact"](20)
    with pytest.raises(NativeFallback):
        natives["fact"](30)
    natives2, _ = build("def f(a, b):\n    return a + b\n\ndef g(a):\n    return -a\n")
    with pytest.raises(NativeFallback):
        natives2["f"](2**63 - 1, 1)
    with pytest.raises(NativeFallback):
        natives2["g"](-(2**63))


def test_int_arguments_outside_int64_fall_back():
    natives, _ = build("def f(a):\n    return a\n")
    assert natives["f"](2**63 - 1) == 2**63 - 1
    with pytest.raises(NativeFallback):
        natives["f"](2**63)


def test_booleans_are_refused():
    natives, _ = build("def f(a):\n    return a + 1\n\ndef g(a):\n    return (a > 0) + 1\n")
    with pytest.raises(NativeFallback):
        natives["f"](True)
    with pytest.raises(NativeFallback):
        natives["g"](3)  # bool in arithmetic: exactness is the VM's job
    assert natives["f"](1) == 2


def test_other_argument_types_are_refused():
    natives, _ = build("def f(a):\n    return a\n")
    for bad in ("x", None, [1], 1j):
        with pytest.raises(NativeFallback):
            natives["f"](bad)


def test_non_jittable_functions_are_excluded():
    src = """
import math
LIMIT = 10

def prints(x):
    print(x)
    return x

def reads_global(x):
    return x + LIMIT

def uses_list(x):
    xs = [x]
    return x

def calls_prints(x):
    return prints(x) + 1

def strings(x):
    return "a"

def kwargs(x):
    return ok(x=x)

def ok(x):
    return x * 2

def tuple_return(a, b):
    return a, b

def in_op(x):
    return x in 3

def shadowed(x):
    return later(x)

y = 3

def later(x):
    return x
"""
    natives, _ = build(src)
    assert set(natives) == {"ok", "later"}
    reasons = explain(python_to_ir(src))
    assert "LIMIT" in reasons["reads_global"]
    assert reasons["ok"] == ""


def test_function_redefined_or_rebound_is_excluded():
    src = "def f(x):\n    return x\n\ndef f(x):\n    return x + 1\n\ndef g(x):\n    return x\n\ng = 5\n"
    assert compile_numeric_functions(python_to_ir(src)) == {}


def test_shadowed_builtin_is_not_trusted():
    src = "def abs(x):\n    return 5\n\ndef f(x):\n    return abs(x)\n"
    natives, ns = build(src)
    assert natives["f"](-3) == ns["f"](-3) == 5


def test_mixed_int_float_comparisons_are_exact():
    src = """
def lt(a, b):
    return a < b

def eq(a, b):
    return a == b

def ne(a, b):
    return a != b

def ge(a, b):
    return a >= b
"""
    natives, ns = build(src)
    ints = [0, 1, -1, 2**53, 2**53 + 1, -(2**53) - 1, 2**63 - 1, -(2**63), 3]
    floats = [0.0, -0.0, 1.0, 2.0**53, 2.0**63, -(2.0**63), 3.5, math.inf, -math.inf, math.nan]
    for a in ints:
        for b in floats:
            for name in ("lt", "eq", "ne", "ge"):
                assert natives[name](a, b) is ns[name](a, b), (name, a, b)
                assert natives[name](b, a) is ns[name](b, a), (name, b, a)


def test_chained_comparison_and_ifexp():
    src = """
def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x

def between(a, b, c):
    return a < b <= c != a
"""
    check(src, "clamp", (5, 0, 10), (-5, 0, 10), (50, 0, 10))
    check(src, "between", (1, 2, 2), (1, 2, 1), (1, 1, 2), (2, 3, 2))


def test_and_or_values():
    src = "def f(a, b):\n    return a and b\n\ndef g(a, b):\n    return a or b\n"
    for name in ("f", "g"):
        check(src, name, (0, 5), (3, 5), (0, 0), (2, 0))
        check(src, name, (0.0, 5.0), (math.nan, 1.0), (-0.0, 2.5))


def test_returns_of_several_types_none_and_bool():
    src = """
def f(x):
    if x > 0:
        return 1
    if x < 0:
        return 0.5
    return

def g(x):
    return x > 2

def h(x):
    return f(x)

def nothing(x):
    x += 1
"""
    check(src, "f", (3,), (-3,), (0,))
    check(src, "g", (3,), (1,))
    check(src, "h", (3,), (-3,), (0,))
    check(src, "nothing", (3,))


def test_builtins_and_math():
    src = """
import math

def f(x, y):
    return abs(x) + min(x, y) - max(x, y, 0.25) + float(int(x))

def g(x):
    return math.sqrt(x) + math.floor(x) + math.ceil(x) + math.sin(x) + math.cos(x) + math.exp(x) + math.log(x)

def h(x, y):
    return x ** y + math.pow(x, y) + math.pi * math.e

def ipow(x, y):
    return x ** y
"""
    check(src, "f", (1.5, 2.5), (-3.25, -0.0), (math.nan, 1.0))
    check(src, "g", (0.5,), (2.0,), (10.0,), (3,))
    check(src, "h", (2.0, 0.5), (3.0, -2.0), (-2.0, 3.0), (2, 10.0))
    check(src, "ipow", (2, 10), (3, 0), (-3, 3), (0, 0), (7, 22), (2.0, 3))
    natives, _ = build(src)
    for bad in ((-1.0,), (0.0,), (math.inf,)):
        with pytest.raises(NativeFallback):
            natives["g"](*bad)  # ValueError / OverflowError belong to the VM
    with pytest.raises(NativeFallback):
        natives["ipow"](2, 64)
    with pytest.raises(NativeFallback):
        natives["ipow"](2, -1)
    with pytest.raises(NativeFallback):
        natives["h"](-8.0, 1 / 3)  # complex in Python
    with pytest.raises(NativeFallback):
        natives["h"](10.0, 400.0)  # OverflowError


def test_min_max_keep_the_first_extreme():
    src = "def mn(a, b):\n    return min(a, b)\n\ndef mx(a, b):\n    return max(a, b)\n"
    for name in ("mn", "mx"):
        check(src, name, (0.0, -0.0), (-0.0, 0.0), (math.nan, 1.0), (1.0, math.nan), (3, 3), (2, 9))


def test_defaults():
    src = """
def f(a, b=10, c=-2.5):
    return a * b + c

def g(x):
    return f(x) + f(x, 1)
"""
    check(src, "f", (1,), (1, 2), (1, 2, 3.0))
    check(src, "g", (4,))


def test_unbound_local_falls_back():
    src = "def f(x):\n    if x > 0:\n        y = 1\n    return y\n"
    natives, _ = build(src)
    assert natives["f"](1) == 1
    with pytest.raises(NativeFallback):
        natives["f"](-1)


def test_variable_with_two_types_falls_back():
    natives, ns = build("def f(n):\n    t = 0\n    t += n / 2\n    return t\n")
    with pytest.raises(NativeFallback):
        natives["f"](3)


def test_mutual_recursion():
    src = """
def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)

def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)
"""
    check(src, "is_even", (0,), (7,), (10,), (500,))


def test_recursion_budget():
    src = "def down(n):\n    if n == 0:\n        return 0\n    return 1 + down(n - 1)\n"
    natives, _ = build(src)
    assert natives["down"](500) == 500
    with pytest.raises(NativeFallback):
        natives["down"](5000)  # past the default budget of 1,000 calls
    assert natives["down"].call_with_depth(11, 10) == 10
    with pytest.raises(NativeFallback):
        natives["down"].call_with_depth(10, 10)


def test_deadline_stops_an_endless_loop():
    natives, _ = build("def spin(n):\n    while True:\n        n += 1\n        n -= 1\n    return n\n")
    set_limits(deadline=time.monotonic() + 0.2)
    try:
        start = time.monotonic()
        with pytest.raises(NativeFallback):
            natives["spin"](1)
        assert time.monotonic() - start < 2
    finally:
        set_limits(deadline=None)


def test_deadline_stops_endless_recursion_loop():
    natives, _ = build("def r(n):\n    if n > 0:\n        return r(n - 1) + r(n - 1)\n    return 1\n")
    set_limits(deadline=time.monotonic() + 0.2)
    try:
        with pytest.raises(NativeFallback):
            natives["r"](60)
    finally:
        set_limits(deadline=None)


def test_range_edge_cases():
    src = """
def s(a, b, c):
    t = 0
    for i in range(a, b, c):
        t += 1
    return t

def last(n):
    i = -1
    for i in range(n):
        pass
    return i
"""
    big = 2**63 - 1
    check(src, "s", (0, 10, 3), (10, 0, -3), (0, 0, 1), (big - 5, big, 2), (-(2**63), -(2**63) + 5, 2))
    check(src, "last", (0,), (5,))
    natives, _ = build(src)
    with pytest.raises(NativeFallback):
        natives["s"](0, 1, 0)  # ValueError in the VM


def test_import_is_cheap():
    import subprocess
    import sys

    code = (
        "import sys, hypercode_lang.jit as j\n"
        "j.compile_numeric_functions({'hypercode': 2, 'body': [{'def': {'name': 'f', 'params': [],"
        " 'body': [{'return': {'const': 1}}]}}]})\n"
        "print('llvmlite' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_limits_can_be_given_with_the_program():
    src = "def spin(n):\n    while n > 0:\n        n += 1\n        n -= 1\n    return n\n"
    natives = compile_numeric_functions(python_to_ir(src), deadline=time.monotonic() + 0.1, max_depth=50)
    try:
        with pytest.raises(NativeFallback):
            natives["spin"](1)
    finally:
        set_limits(deadline=None, max_depth=1000)


def test_hcvm_run_jit_matches_plain_run(tmp_path):
    """End to end through the public API when the parser and VM are there."""
    from hypercode_lang import api  # a TypeError here is a failure, never a skip
    src = FIB + "\nprint(fib(20), fib(2.0), 7 // -2, -7 % 3)\n"
    plain = api.run(src)
    jitted = api.run(src, jit=True)
    assert plain.stdout == jitted.stdout == "6765 1.0 -4 2\n"
