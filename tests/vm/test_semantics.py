"""Semantics of each spec area, checked against what Python 3.11 prints."""
from __future__ import annotations

import pytest


def test_values_and_printing(out):
    assert out("print(1, 2.5, 'a', None, True, [1, 'a', None], {'k': 2.5}, (1,), 0.1 + 0.2)") == \
        "1 2.5 a None True [1, 'a', None] {'k': 2.5} (1,) 0.30000000000000004\n"
    assert out("print(2 ** 100, 7 // 2, -7 // 2, 7 % -3, 1 / 4, 2 ** -1)") == \
        "1267650600228229401496703205376 3 -4 -2 0.25 0.5\n"


def test_print_sep_end(out):
    assert out("print(1, 2, sep='-', end='!')\nprint()") == "1-2!\n"


def test_strings_and_methods(out):
    assert out("s = ' Hi There '\nprint(s.strip().upper(), s.split(), '-'.join(['a', 'b']), s.find('T'))") == \
        "HI THERE ['Hi', 'There'] a-b 4\n"
    assert out("print('abc'[::-1], 'abc'[1:], 'a' * 3, 'b' in 'abc', 'x'.isalpha(), '12'.isdigit())") == \
        "cba bc aaa True True True\n"


def test_fstrings(out):
    assert out("x = 3.14159\nn = 'ab'\nprint(f'{x:.2f}|{n:>4}|{n!r}|{{}}|{x * 2:.1f}')") == "3.14|  ab|'ab'|{}|6.3\n"


def test_list_dict_tuple_methods(out):
    src = """
    xs = [3, 1, 2]
    xs.append(5)
    xs.sort()
    xs.insert(0, 9)
    print(xs, xs.pop(), xs.index(9), xs.count(1))
    d = {'a': 1}
    d.update({'b': 2})
    print(d.get('c', 0), d.pop('a'), list(d.items()), d.setdefault('z', 26), d)
    t = (1, 2)
    print(t + (3,), len(t))
    """
    assert out(src) == "[9, 1, 2, 3] 5 0 1\n0 1 [('b', 2)] 26 {'b': 2, 'z': 26}\n(1, 2, 3) 2\n"


def test_slicing_and_slice_assignment(out):
    assert out("xs = list(range(6))\nxs[1:3] = ['a']\nprint(xs, xs[::2], xs[-2:])") == \
        "[0, 'a', 3, 4, 5] [0, 3, 5] [4, 5]\n"


def test_unpacking(out):
    assert out("a, (b, c) = 1, [2, 3]\nprint(a, b, c)\nfor i, ch in enumerate('ab'):\n    print(i, ch)") == \
        "1 2 3\n0 a\n1 b\n"


def test_loop_else(out):
    src = """
    for i in range(3):
        pass
    else:
        print('for-else')
    while True:
        break
    else:
        print('never')
    n = 0
    while n < 2:
        n += 1
    else:
        print('while-else', n)
    """
    assert out(src) == "for-else\nwhile-else 2\n"


def test_match_all_pattern_forms(out):
    src = """
    def m(x):
        match x:
            case 0 | 1:
                return 'small'
            case None:
                return 'none'
            case [a, b]:
                return f'pair {a} {b}'
            case [first, *rest] if first == 'go':
                return f'go {rest}'
            case [_, *_] as seq:
                return f'seq {len(seq)}'
            case 'hi':
                return 'greeting'
            case n if n > 10:
                return 'big'
            case _:
                return 'other'
    for v in [1, None, [1, 2], ['go', 'n', 's'], [1, 2, 3], 'hi', 11, 5, 2.5]:
        print(m(v))
    """
    assert out(src).split() == ["small", "none", "pair", "1", "2", "go", "['n',", "'s']", "seq", "3",
                                "greeting", "big", "other", "other"]


def test_match_value_pattern(out):
    assert out("import math\nmatch math.pi:\n    case math.pi:\n        print('pi')") == "pi\n"


def test_functions_defaults_kwargs(out):
    src = """
    def f(a, b=2, c=3):
        return a + b * c
    print(f(1), f(1, 1), f(1, c=10), f(c=1, b=1, a=1))
    def acc(x, into=[]):
        into.append(x)
        return into
    acc(1)
    print(acc(2))
    """
    assert out(src) == "7 4 21 2\n[1, 2]\n"


def test_closures_and_scoping(out):
    src = """
    def counter():
        n = 0
        def get():
            return n
        n = 5
        return get
    print(counter()())
    def outer():
        v = 'x'
        def mid():
            def inner():
                return v * 2
            return inner()
        return mid()
    print(outer())
    g = 'global'
    def reads():
        return g
    print(reads())
    """
    assert out(src) == "5\nxx\nglobal\n"


def test_unbound_local_is_a_name_error(out):
    src = """
    x = 1
    def f():
        y = x
        x = 2
    try:
        f()
    except NameError as e:
        print(e)
    """
    assert out(src) == "cannot access local variable 'x' where it is not associated with a value\n"


def test_recursion(out):
    assert out("def f(n):\n    return 1 if n < 2 else n * f(n - 1)\nprint(f(30))") == \
        "265252859812191058636308480000000\n"


def test_comprehension_own_scope(out):
    assert out("x = 'keep'\nys = [x * 2 for x in range(3) if x != 1]\nprint(ys, x)") == "[0, 4] keep\n"


def test_try_except_else_finally(out):
    src = """
    def f(x):
        try:
            r = 10 // x
        except ZeroDivisionError as e:
            print('caught', e)
            return 'zero'
        else:
            print('else')
        finally:
            print('finally')
        return r
    print(f(2))
    print(f(0))
    """
    assert out(src) == "else\nfinally\n5\ncaught integer division or modulo by zero\nfinally\nzero\n"


def test_return_and_break_in_finally(out):
    src = """
    def g():
        try:
            raise ValueError('x')
        finally:
            return 'swallowed'
    print(g())
    for i in range(3):
        try:
            1 / 0
        finally:
            break
    print('after', i)
    def h():
        for i in range(3):
            try:
                return i
            finally:
                print('cleanup', i)
    print(h())
    """
    assert out(src) == "swallowed\nafter 0\ncleanup 0\n0\n"


def test_raise_reraise_and_error_values(out):
    src = """
    def f():
        try:
            {}['k']
        except KeyError:
            raise
    try:
        f()
    except LookupError as e:
        print('lookup', e)
    e = ValueError('m')
    print(e, [e], str(KeyError('k')))
    try:
        raise e
    except Error as err:
        print('Error catches', err)
    try:
        assert 1 > 2, 'bad'
    except AssertionError as a:
        print(a)
    """
    assert out(src) == "lookup 'k'\nm [ValueError('m')] 'k'\nError catches m\nbad\n"


def test_exception_alias(out):
    assert out("try:\n    1 / 0\nexcept Exception as e:\n    print('E', e)") == "E division by zero\n"


def test_math_module(out):
    assert out("import math\nprint(math.sqrt(9), math.floor(2.5), math.ceil(2.1), math.isclose(0.1 + 0.2, 0.3))") \
        == "3.0 2 3 True\n"


def test_builtins(out):
    src = """
    print(sorted([3, 1, 2], reverse=True), sorted(['bb', 'a'], key=len), min([4, 2]), max(1, 5, 3))
    print(sum([1, 2, 3]), round(2.675, 2), round(2.5), abs(-3), any([0, 1]), all([]))
    print(list(reversed([1, 2])), list(zip('ab', [1, 2])), list(enumerate('ab', 1)))
    print(int('42'), float('1.5'), str(3), bool(''), list('ab'), tuple([1]), dict([(1, 2)]), len('abc'))
    def neg(x):
        return -x
    print(max([1, 5, 3], key=neg), min([1, 5, 3], key=neg))
    """
    assert out(src) == ("[3, 2, 1] ['a', 'bb'] 2 5\n6 2.67 2 3 True True\n[2, 1] [('a', 1), ('b', 2)] "
                        "[(1, 'a'), (2, 'b')]\n42 1.5 3 False ['a', 'b'] (1,) {1: 2} 3\n1 5\n")


def test_type_returns_name(out):
    assert out("def f():\n    pass\nprint(type(1), type('a'), type(None), type([]), type(f), type(print), type(ValueError('x')))") \
        == "int str NoneType list function builtin_function_or_method ValueError\n"


def test_env(out):
    assert out("print(env('NAME'), env('MISSING'), env('MISSING', 'dflt'))", env={"NAME": "ada"}) == \
        "ada None dflt\n"


def test_input_and_eof(run):
    r = run("name = input('who? ')\nprint('hi', name)\ninput()", stdin=["Ada"])
    assert r.out == "who? hi Ada\n"
    assert r.fault.code == "HC2010" and r.fault.kind == "EOFError"
    assert r.fault.message == "EOF when reading a line"
    assert r.fault.params == {"kind": "EOFError", "message": "EOF when reading a line"}


def test_eof_can_be_caught(out):
    assert out("try:\n    input()\nexcept EOFError:\n    print('eof')") == "eof\n"


def test_augmented_assignment_on_items(out):
    src = """
    d = {'a': [1]}
    d['a'] += [2]
    d['a'][0] *= 10
    xs = [1]
    ys = xs
    xs += [3]
    print(d, ys)
    """
    assert out(src) == "{'a': [10, 2]} [1, 3]\n"


def test_chained_comparisons_evaluate_once(out):
    src = """
    calls = []
    def v(x):
        calls.append(x)
        return x
    print(v(1) < v(2) < v(3), 1 < 2 > 3, calls)
    """
    assert out(src) == "True False [1, 2, 3]\n"


def test_import_runs_once(out):
    mods = {"helper": "print('loading helper')\nvalue = 41\ndef inc(x):\n    return x + 1\n",
            "other": "import helper\ndef get():\n    return helper.value\n"}
    assert out("import helper\nimport other\nprint(helper.inc(helper.value), other.get())", modules=mods) == \
        "loading helper\n42 41\n"


def test_import_propagates_loader_errors(run):
    class SyntaxProblem(Exception):
        diagnostics = ["d"]
    with pytest.raises(SyntaxProblem):
        run("import broken", modules={"broken": SyntaxProblem()})


def test_bool_and_or_short_circuit(out):
    assert out("print(0 or 'x', 1 and 0, not [], None or [] or 'last')") == "x 0 True last\n"


def test_module_exposes_only_its_own_names(fault):
    f = fault("import helper\nhelper.print('x')", modules={"helper": "def f():\n    return len([])\n"})
    assert f.code == "HC2006" and f.message == "module 'helper' has no attribute 'print'"
