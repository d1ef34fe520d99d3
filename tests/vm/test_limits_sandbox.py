"""Limits (time, depth, size) are faults a program cannot catch; nothing outside the spec is reachable."""
from __future__ import annotations

import time

import pytest


def test_infinite_loop_stops_with_hc3001(fault):
    t0 = time.monotonic()
    f = fault("n = 0\nwhile True:\n    n += 1", timeout=0.3)
    assert f.code == "HC3001" and f.params == {"seconds": 0.3}
    assert time.monotonic() - t0 < 5


def test_infinite_recursion_without_loops_times_out(fault):
    f = fault("def f(n):\n    if n > 500:\n        return f(0)\n    return f(n + 1)\nf(0)", timeout=0.3)
    assert f.code in ("HC3001", "HC2007")


def test_timeout_cannot_be_caught(fault):
    f = fault("try:\n    while True:\n        pass\nexcept Exception:\n    print('caught')", timeout=0.2)
    assert f.code == "HC3001"


def test_deep_recursion_is_hc2007_not_a_crash(fault):
    f = fault("def f(n):\n    return f(n + 1)\nf(0)")
    assert f.code == "HC2007" and f.kind == "RecursionError" and f.params == {"limit": 1000}
    assert len(f.trace) > 900


def test_recursion_limit_cannot_be_caught(fault):
    f = fault("def f(n):\n    try:\n        return f(n + 1)\n    except RecursionError:\n        return 0\nf(0)")
    assert f.code == "HC2007"


def test_recursion_depth_is_configurable(run):
    src = "def f(n):\n    if n == 0:\n        return 0\n    return 1 + f(n - 1)\nprint(f(150))"
    assert run(src, max_depth=200).out == "150\n"
    assert run(src, max_depth=100).fault.code == "HC2007"


def test_recursion_through_callbacks_counts(fault):
    src = "def k(x):\n    return sorted([1, 2], key=k)\nk(1)"
    assert fault(src).code == "HC2007"


@pytest.mark.parametrize("src,what", [
    ("x = 'x' * 10**9", "str"),
    ("x = [0] * 10**9", "list"),
    ("x = 10**9 * (1,)", "tuple"),
    ("x = 2 ** 10**9", "int"),
    ("x = 7 ** 100000000", "int"),
    ("x = list(range(10**12))", "list"),
    ("x = sum(range(10**12))", "list"),
    ("x = sorted(range(10**12))", "list"),
    ("s = 'ab' * 4000000\nt = s.replace('a', 'aaaa')", "str"),
    ("s = 'a' * 6000000\nt = s + s", "str"),
    ("xs = [0] * 6000000\nxs.extend(xs)", "list"),
    ("x = f'{1:>99999999999}'", "str"),
    ("x = '%99999999999d' % 1", "str"),
])
def test_size_limit_hc3002(fault, src, what):
    f = fault(src)
    assert f.code == "HC3002" and f.params == {"what": what, "limit": 10_000_000}


def test_size_limit_cannot_be_caught(fault):
    assert fault("try:\n    x = 'x' * 10**9\nexcept Exception:\n    print('no')").code == "HC3002"


def test_small_size_limit(run):
    r = run("xs = []\nwhile True:\n    xs.append(1)", max_size=1000)
    assert r.fault.code == "HC3002" and r.fault.params["limit"] == 1000
    r = run("xs = [i for i in range(5000)]", max_size=1000)
    assert r.fault.code == "HC3002"
    r = run("d = {}\nfor i in range(5000):\n    d[i] = i", max_size=1000)
    assert r.fault.code == "HC3002"


def test_huge_int_to_str_is_refused_like_python(fault):
    f = fault("x = 10 ** 5000\nprint(x)")
    assert f.kind == "ValueError"


@pytest.mark.parametrize("src", [
    "x = ''.__class__",
    "x = [].__len__",
    "x = print.__self__",
    "x = print.fn",
    "import math\nx = math.__dict__",
    "import math\nx = math.sqrt.__module__",
    "x = ValueError('m').args",
    "def f():\n    pass\nx = f.code",
    "def f():\n    pass\nx = f.__globals__",
    "x = 'a'.format",
    "x = {}.fromkeys",
    "x = (1, 2).count",
    "x = range(3).start",
])
def test_sandbox_attribute_allow_list(fault, src):
    f = fault(src)
    assert f.code == "HC2006" and f.kind == "AttributeError"


def test_no_host_builtins(fault):
    for name in ["open", "exec", "eval", "__import__", "globals", "getattr", "compile", "vars", "dir"]:
        f = fault(f"x = {name}")
        assert f.code == "HC1001", name


def test_import_cannot_reach_python_modules(fault):
    for name in ["os", "sys", "subprocess"]:
        assert fault(f"import {name}").kind == "ModuleNotFoundError"


def test_env_only_sees_the_given_mapping(out):
    assert out("print(env('HOME'), env('PATH', 'none'))", env={}) == "None none\n"


def test_allowed_methods_still_work_as_values(out):
    assert out("up = 'abc'.upper\nprint(up())\nadd = [].append\nadd(1)") == "ABC\n"
