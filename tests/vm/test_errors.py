"""Every runtime error code: kind, Python's message, catalogue params and the failing span."""
from __future__ import annotations

import pytest

from hypercode_lang.vm import NativeFallback

CASES = [
    # source, code, kind, message, params, loc
    ("xs = [1, 2]\nprint(xs[5])", "HC2003", "IndexError", "list index out of range",
     {"index": 5, "length": 2, "type": "list"}, [2, 7, 2, 12]),
    ("s = 'ab'\ni = -3\nprint(s[i])", "HC2003", "IndexError", "string index out of range",
     {"index": -3, "length": 2, "type": "str"}, [3, 7, 3, 11]),
    ("print((1,)[1])", "HC2003", "IndexError", "tuple index out of range",
     {"index": 1, "length": 1, "type": "tuple"}, [1, 7, 1, 14]),
    ("print(range(3)[7])", "HC2003", "IndexError", "range object index out of range",
     {"index": 7, "length": 3, "type": "range"}, [1, 7, 1, 18]),
    ("xs = []\nxs[0] = 1", "HC2003", "IndexError", "list assignment index out of range",
     {"index": 0, "length": 0, "type": "list"}, None),
    ("d = {'apple': 1}\nprint(d['appel'])", "HC2004", "KeyError", "'appel'",
     {"key": "'appel'", "suggestion": "'apple'"}, [2, 7, 2, 17]),
    ("d = {1: 2}\nd[99]", "HC2004", "KeyError", "99", {"key": "99", "suggestion": None}, [2, 1, 2, 6]),
    ("x = 1 / 0", "HC2005", "ZeroDivisionError", "division by zero", {"op": "/"}, [1, 5, 1, 10]),
    ("y = 0\nx = 5 // y", "HC2005", "ZeroDivisionError", "integer division or modulo by zero", {"op": "//"}, None),
    ("y = 0\nx = 5 % y", "HC2005", "ZeroDivisionError", "integer modulo by zero", {"op": "%"}, None),
    ("x = 'a' + 1", "HC2001", "TypeError", 'can only concatenate str (not "int") to str',
     {"op": "+", "left": "str", "right": "int"}, [1, 5, 1, 12]),
    ("x = 1 - 'a'", "HC2001", "TypeError", "unsupported operand type(s) for -: 'int' and 'str'",
     {"op": "-", "left": "int", "right": "str"}, None),
    ("x = 'a' < 1", "HC2001", "TypeError", "'<' not supported between instances of 'str' and 'int'",
     {"op": "<", "left": "str", "right": "int"}, None),
    ("x = -'a'", "HC2001", "TypeError", "bad operand type for unary -: 'str'",
     {"op": "unary -", "left": "str", "right": None}, [1, 5, 1, 9]),
    ("x = len(5)", "HC2001", "TypeError", "object of type 'int' has no len()",
     {"op": "len()", "left": "int", "right": None}, [1, 5, 1, 11]),
    ("n = 1\nn += 'a'", "HC2001", "TypeError", "unsupported operand type(s) for +=: 'int' and 'str'",
     {"op": "+=", "left": "int", "right": "str"}, None),
    ("f = 5\nf()", "HC2002", "TypeError", "'int' object is not callable", {"type": "int"}, [2, 1, 2, 4]),
    ("[].push(1)", "HC2006", "AttributeError", "'list' object has no attribute 'push'",
     {"name": "push", "type": "list", "suggestion": None}, [1, 1, 1, 11]),
    ("'a'.uper()", "HC2006", "AttributeError", "'str' object has no attribute 'uper'",
     {"name": "uper", "type": "str", "suggestion": "upper"}, None),
    ("import math\nmath.sqr(4)", "HC2006", "AttributeError", "module 'math' has no attribute 'sqr'",
     {"name": "sqr", "type": "module", "suggestion": "sqrt"}, None),
    ("a, b = [1, 2, 3]", "HC2009", "ValueError", "too many values to unpack (expected 2)",
     {"expected": 2, "got": None}, None),
    ("a, b, c = (1, 2)", "HC2009", "ValueError", "not enough values to unpack (expected 3, got 2)",
     {"expected": 3, "got": 2}, None),
    ("int('abc')", "HC2008", "ValueError", "invalid literal for int() with base 10: 'abc'",
     {"func": "int", "value": "'abc'"}, [1, 1, 1, 11]),
    ("float('x')", "HC2008", "ValueError", "could not convert string to float: 'x'",
     {"func": "float", "value": "'x'"}, None),
    ("raise ValueError('boom')", "HC2010", "ValueError", "boom", {"kind": "ValueError", "message": "boom"},
     [1, 1, 1, 25]),
    ("assert 1 == 2, 'no'", "HC2010", "AssertionError", "no", {"kind": "AssertionError", "message": "no"}, None),
    ("assert False", "HC2010", "AssertionError", "", {"kind": "AssertionError", "message": ""}, None),
    ("raise KeyError('k')", "HC2010", "KeyError", "'k'", {"kind": "KeyError", "message": "'k'"}, None),
    ("prnt('x')", "HC1001", "NameError", "name 'prnt' is not defined", {"name": "prnt", "suggestion": "print"},
     [1, 1, 1, 5]),
    ("message = 1\nprint(mesage)", "HC1001", "NameError", "name 'mesage' is not defined",
     {"name": "mesage", "suggestion": "message"}, [2, 7, 2, 13]),
    ("def f():\n    y = y + 1\nf()", "HC1001", "UnboundLocalError",
     "cannot access local variable 'y' where it is not associated with a value", {"name": "y", "suggestion": None},
     None),
    ("import nothere", "HC1001", "ModuleNotFoundError", "No module named 'nothere'",
     {"name": "nothere", "suggestion": None}, [1, 1, 1, 15]),
    ("def f(a, b=1):\n    return a\nf(1, 2, 3)", "HC1003", "TypeError",
     "f() takes from 1 to 2 positional arguments but 3 were given",
     {"func": "f", "expected": "1 to 2", "got": 3, "keyword": None}, [3, 1, 3, 11]),
    ("def f(a, b):\n    return a\nf()", "HC1003", "TypeError",
     "f() missing 2 required positional arguments: 'a' and 'b'",
     {"func": "f", "expected": "2", "got": 0, "keyword": None}, None),
    ("def f(a):\n    return a\nf(1, z=2)", "HC1003", "TypeError", "f() got an unexpected keyword argument 'z'",
     {"func": "f", "expected": "1", "got": 2, "keyword": "z"}, None),
    ("def f(a):\n    return a\nf(1, a=2)", "HC1003", "TypeError", "f() got multiple values for argument 'a'",
     {"func": "f", "expected": "1", "got": 2, "keyword": "a"}, None),
    ("len()", "HC1003", "TypeError", "len() takes exactly one argument (0 given)",
     {"func": "len", "expected": "1", "got": 0, "keyword": None}, None),
]


@pytest.mark.parametrize("src,code,kind,message,params,loc", CASES, ids=[c[1] + ":" + c[0][:25] for c in CASES])
def test_runtime_error(fault, src, code, kind, message, params, loc):
    f = fault(src)
    assert (f.code, f.kind, f.message) == (code, kind, message)
    assert f.params == params
    assert f.filename == "main.hc"
    if loc is not None:
        assert f.loc == loc
    assert f.trace and f.trace[0][0] == "<module>"


def test_trace_is_outermost_first(fault):
    f = fault("def inner():\n    return [][0]\ndef outer():\n    return inner()\nouter()")
    assert f.trace == [("<module>", "main.hc", 5), ("outer", "main.hc", 4), ("inner", "main.hc", 2)]
    assert f.loc == [2, 12, 2, 17]


def test_uncaught_reraise_keeps_original_code_and_loc(fault):
    f = fault("try:\n    x = [1][3]\nexcept IndexError:\n    raise")
    assert f.code == "HC2003" and f.loc == [2, 9, 2, 15]


def test_caught_runtime_error_message_matches_python(out):
    src = """
    for thunk in [0, 1, 2]:
        try:
            if thunk == 0:
                [][1]
            elif thunk == 1:
                {}['k']
            else:
                int('x')
        except Exception as e:
            print(type(e), e)
    """
    assert out(src) == ("IndexError list index out of range\nKeyError 'k'\n"
                        "ValueError invalid literal for int() with base 10: 'x'\n")


def test_error_inside_sort_key_callback(fault):
    f = fault("def key(x):\n    return 1 / x\nsorted([1, 0], key=key)")
    assert f.code == "HC2005"
    assert f.loc == [2, 12, 2, 17]
    assert [t[0] for t in f.trace] == ["<module>", "key"]


def test_native_functions_and_fallback(out):
    calls = []

    def native_sq(x):
        calls.append(x)
        if x < 0:
            raise NativeFallback()
        return x * x

    src = "def sq(x):\n    return x * x + 1000\nprint(sq(3), sq(-2), sq(x=4))"
    assert out(src, natives={"sq": native_sq}) == "9 1004 1016\n"
    assert calls == [3, -2]
