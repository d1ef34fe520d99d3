"""The built-in functions and the `math` module (spec §5): one Signature each — arity, keyword
names, a one-line doc and an example. The VM builds its built-in values' argument checks from
these, the checker's HC1003 reads the same arity, and hover/completion/signature help show the
docs, so a call `check` accepts is one the run accepts too."""

from __future__ import annotations

from .errors import ERROR_KINDS
from .signature import REQUIRED, VARARGS, Signature, sig  # noqa: F401  (re-exported)

#: Built-ins whose one argument is not their first parameter: Python's `range(n)` is `range(stop=n)`.
ONE_ARGUMENT_NAMES = {"range": ("stop",)}

FUNCTIONS: dict[str, Signature] = {s.name: s for s in [
    sig("print", [VARARGS], "Show values on the screen, separated by spaces.", 'print("total:", 3)  # total: 3',
        ["sep=' '", "end='\\n'"]),
    sig("input", ["prompt=''"], "Ask the person for a line of text and return it.", 'name = input("Name? ")'),
    sig("len", ["value"], "How many items a list, string, tuple or dictionary has.", 'len([4, 5, 6])  # 3'),
    sig("range", ["start", "stop=None", "step=1"], "A sequence of whole numbers, for loops.",
        "for i in range(3):  # 0, 1, 2"),
    sig("str", ["value=''"], "Turn a value into text.", 'str(42)  # "42"'),
    sig("int", ["value=0", "base=10"], "Turn text or a number into a whole number.", 'int("7")  # 7'),
    sig("float", ["value=0.0"], "Turn text or a number into a decimal number.", 'float("2.5")  # 2.5'),
    sig("bool", ["value=False"], "True or False: whether a value counts as true.", "bool(0)  # False"),
    sig("list", ["items=()"], "Make a new list, optionally from other items.", 'list("abc")  # ["a", "b", "c"]'),
    sig("tuple", ["items=()"], "Make a tuple (a fixed list) from items.", "tuple([1, 2])  # (1, 2)"),
    sig("dict", ["pairs=()"], "Make a new dictionary.", 'dict([("a", 1)])  # {"a": 1}', any_keywords=True),
    sig("abs", ["number"], "The size of a number without its sign.", "abs(-3)  # 3"),
    sig("min", [VARARGS], "The smallest of some values (or of one list).", "min(4, 2, 8)  # 2",
        ["key=None", "default=None"], min_varargs=1),
    sig("max", [VARARGS], "The largest of some values (or of one list).", "max([4, 2, 8])  # 8",
        ["key=None", "default=None"], min_varargs=1),
    sig("sum", ["items", "/", "start=0"], "Add up all the numbers in a list.", "sum([1, 2, 3])  # 6"),
    sig("round", ["number", "/", "ndigits=None"], "Round a number, optionally to some decimal places.",
        "round(3.14159, 2)  # 3.14"),
    sig("sorted", ["items"], "A new list with the items in order.", "sorted([3, 1, 2])  # [1, 2, 3]",
        ["key=None", "reverse=False"]),
    sig("reversed", ["items"], "The items in reverse order.", "list(reversed([1, 2, 3]))  # [3, 2, 1]"),
    sig("enumerate", ["items", "/", "start=0"], "Pairs of (position, item), for loops.",
        "for i, name in enumerate(names):"),
    sig("zip", [VARARGS], "Walk through several lists side by side.", "for a, b in zip(xs, ys):"),
    sig("any", ["items"], "True if at least one item is true.", "any([False, True])  # True"),
    sig("all", ["items"], "True if every item is true.", "all([True, True])  # True"),
    sig("type", ["value"], "The name of a value's type, as text.", 'type(3)  # "int"'),
    sig("env", ["name", "/", "default=None"], "Read a setting from the run's environment.",
        'env("USER", "friend")'),
]}

#: The plain built-in functions (without the error kinds, which are names too).
FUNCTION_NAMES: tuple[str, ...] = tuple(FUNCTIONS)

# Every error kind is a built-in name too: calling one makes an error value to raise.
for _kind in ERROR_KINDS:
    FUNCTIONS[_kind] = sig(_kind, ["message=''"], f"Make a {_kind} to raise.",
                           f'raise {_kind if _kind != "Error" else "ValueError"}("something went wrong")')

MATH: dict[str, Signature] = {s.name: s for s in [
    sig("sqrt", ["x"], "The square root.", "math.sqrt(16)  # 4.0"),
    sig("floor", ["x"], "Round down to a whole number.", "math.floor(2.7)  # 2"),
    sig("ceil", ["x"], "Round up to a whole number.", "math.ceil(2.1)  # 3"),
    sig("sin", ["x"], "Sine of an angle in radians.", "math.sin(0)  # 0.0"),
    sig("cos", ["x"], "Cosine of an angle in radians.", "math.cos(0)  # 1.0"),
    sig("tan", ["x"], "Tangent of an angle in radians.", "math.tan(0)  # 0.0"),
    sig("log", ["x", "base=e"], "Logarithm (natural, or to a base).", "math.log(100, 10)  # 2.0"),
    sig("exp", ["x"], "e raised to x.", "math.exp(1)  # 2.718…"),
    sig("pow", ["x", "y"], "x raised to y, as a decimal number.", "math.pow(2, 3)  # 8.0"),
    sig("isclose", ["a", "b"], "True if two decimal numbers are nearly equal.",
        "math.isclose(0.1 + 0.2, 0.3)  # True", ["rel_tol=1e-09", "abs_tol=0.0"]),
]}
MATH_CONSTANTS: dict[str, str] = {"pi": "The number π (3.14159…).", "e": "The number e (2.71828…).",
                                  "inf": "Infinity: larger than every number."}
#: Everything `math.` reaches, in the VM's slot order.
MATH_NAMES: tuple[str, ...] = ("sqrt", "floor", "ceil", "pi", "e", "sin", "cos", "tan", "log", "exp", "pow",
                               "inf", "isclose")

#: Built-ins the JIT compiles to native code (numeric subset), with the positional arity it
#: supports there — never wider than the table above (a test checks).
JIT_BUILTINS: dict[str, tuple[int, int]] = {"abs": (1, 1), "min": (2, 64), "max": (2, 64), "int": (1, 1),
                                            "float": (1, 1)}
JIT_MATH_FUNCTIONS: dict[str, int] = {"sqrt": 1, "floor": 1, "ceil": 1, "sin": 1, "cos": 1, "tan": 1,
                                      "exp": 1, "log": 1, "pow": 2}
