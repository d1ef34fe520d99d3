"""What the tools know about built-ins (spec §5): signatures for argument checks and signature
help, and a plain one-line description with an example for hover and completion."""

from __future__ import annotations

from dataclasses import dataclass

from ..vm.values import ERROR_PARENTS

REQUIRED = object()   # marks a parameter without a default
VARARGS = "*"         # marks "any number of positional values"


@dataclass(frozen=True)
class Signature:
    name: str
    params: tuple           # ((name, default|REQUIRED) | VARARGS, …)
    doc: str
    example: str
    keywords_only: tuple = ()  # keyword-only parameters (e.g. print's sep/end)
    any_keywords: bool = False  # accepts any name=value (dict(a=1))

    @property
    def label(self) -> str:
        parts = []
        for p in self.params:
            if p == VARARGS:
                parts.append("*values")
            else:
                name, default = p
                parts.append(name if default is REQUIRED else f"{name}={default}")
        parts += [f"{name}={default}" for name, default in self.keywords_only]
        return f"{self.name}({', '.join(parts)})"

    def arity(self) -> tuple[int, int | None]:
        """(fewest, most) positional arguments; most is None for any number."""
        if VARARGS in self.params:
            required = sum(1 for p in self.params if p != VARARGS and p[1] is REQUIRED)
            return required, None
        required = sum(1 for p in self.params if p[1] is REQUIRED)
        return required, len(self.params)

    def keyword_names(self) -> list[str]:
        return [p[0] for p in self.params if p != VARARGS] + [k for k, _ in self.keywords_only]


def _sig(name, params, doc, example, keywords_only=(), any_keywords=False):
    parsed = []
    for p in params:
        if p == VARARGS:
            parsed.append(VARARGS)
        elif "=" in p:
            key, default = p.split("=", 1)
            parsed.append((key, default))
        else:
            parsed.append((p, REQUIRED))
    return Signature(name, tuple(parsed), doc, example, tuple(tuple(k.split("=", 1)) for k in keywords_only),
                     any_keywords)


FUNCTIONS = {s.name: s for s in [
    _sig("print", [VARARGS], "Show values on the screen, separated by spaces.", 'print("total:", 3)  # total: 3',
         ["sep=' '", "end='\\n'"]),
    _sig("input", ["prompt=''"], "Ask the person for a line of text and return it.", 'name = input("Name? ")'),
    _sig("len", ["value"], "How many items a list, string, tuple or dictionary has.", 'len([4, 5, 6])  # 3'),
    _sig("range", ["start", "stop=None", "step=1"], "A sequence of whole numbers, for loops.",
         "for i in range(3):  # 0, 1, 2"),
    _sig("str", ["value=''"], "Turn a value into text.", 'str(42)  # "42"'),
    _sig("int", ["value=0", "base=10"], "Turn text or a number into a whole number.", 'int("7")  # 7'),
    _sig("float", ["value=0.0"], "Turn text or a number into a decimal number.", 'float("2.5")  # 2.5'),
    _sig("bool", ["value=False"], "True or False: whether a value counts as true.", "bool(0)  # False"),
    _sig("list", ["items=()"], "Make a new list, optionally from other items.", 'list("abc")  # ["a", "b", "c"]'),
    _sig("tuple", ["items=()"], "Make a tuple (a fixed list) from items.", "tuple([1, 2])  # (1, 2)"),
    _sig("dict", ["pairs=()"], "Make a new dictionary.", 'dict([("a", 1)])  # {"a": 1}', any_keywords=True),
    _sig("abs", ["number"], "The size of a number without its sign.", "abs(-3)  # 3"),
    _sig("min", [VARARGS], "The smallest of some values (or of one list).", "min(4, 2, 8)  # 2",
         ["key=None", "default=None"]),
    _sig("max", [VARARGS], "The largest of some values (or of one list).", "max([4, 2, 8])  # 8",
         ["key=None", "default=None"]),
    _sig("sum", ["items", "start=0"], "Add up all the numbers in a list.", "sum([1, 2, 3])  # 6"),
    _sig("round", ["number", "digits=None"], "Round a number, optionally to some decimal places.",
         "round(3.14159, 2)  # 3.14"),
    _sig("sorted", ["items"], "A new list with the items in order.", "sorted([3, 1, 2])  # [1, 2, 3]",
         ["key=None", "reverse=False"]),
    _sig("reversed", ["items"], "The items in reverse order.", "list(reversed([1, 2, 3]))  # [3, 2, 1]"),
    _sig("enumerate", ["items", "start=0"], "Pairs of (position, item), for loops.",
         "for i, name in enumerate(names):"),
    _sig("zip", [VARARGS], "Walk through several lists side by side.", "for a, b in zip(xs, ys):"),
    _sig("any", ["items"], "True if at least one item is true.", "any([False, True])  # True"),
    _sig("all", ["items"], "True if every item is true.", "all([True, True])  # True"),
    _sig("type", ["value"], "The name of a value's type, as text.", 'type(3)  # "int"'),
    _sig("env", ["name", "default=None"], "Read a setting from the run's environment.",
         'env("USER", "friend")'),
]}

# The spec's error kinds, plus the rest of the VM's hierarchy (one table: vm/values.py), so programs
# that are valid Python (`except Exception`, `except EOFError`) check too.
ERROR_KINDS = list(ERROR_PARENTS)
for _kind in ERROR_KINDS:
    FUNCTIONS[_kind] = _sig(_kind, ["message=''"], f"Make a {_kind} to raise.",
                            f'raise {_kind if _kind != "Error" else "ValueError"}("something went wrong")')

METHODS = {
    "str": {s.name: s for s in [
        _sig("upper", [], "The text in capital letters.", '"hi".upper()  # "HI"'),
        _sig("lower", [], "The text in small letters.", '"Hi".lower()  # "hi"'),
        _sig("strip", ["chars=None"], "The text without spaces at both ends.", '"  hi ".strip()  # "hi"'),
        _sig("lstrip", ["chars=None"], "The text without spaces at the start.", '"  hi".lstrip()  # "hi"'),
        _sig("rstrip", ["chars=None"], "The text without spaces at the end.", '"hi  ".rstrip()  # "hi"'),
        _sig("split", ["sep=None", "maxsplit=-1"], "Cut the text into a list of words (or at sep).",
             '"a b c".split()  # ["a", "b", "c"]'),
        _sig("join", ["items"], "Glue a list of strings together with this text between them.",
             '", ".join(["a", "b"])  # "a, b"'),
        _sig("replace", ["old", "new", "count=-1"], "The text with one piece swapped for another.",
             '"cat".replace("c", "h")  # "hat"'),
        _sig("startswith", ["prefix", "start=None", "end=None"], "True if the text begins with prefix.",
             '"hello".startswith("he")  # True'),
        _sig("endswith", ["suffix", "start=None", "end=None"], "True if the text ends with suffix.",
             '"hello".endswith("lo")  # True'),
        _sig("find", ["sub", "start=None", "end=None"], "Where sub first appears, or -1.", '"hello".find("l")  # 2'),
        _sig("count", ["sub", "start=None", "end=None"], "How many times sub appears.", '"banana".count("a")  # 3'),
        _sig("isdigit", [], "True if the text is only digits.", '"42".isdigit()  # True'),
        _sig("isalpha", [], "True if the text is only letters.", '"abc".isalpha()  # True'),
        _sig("title", [], "The text with each word capitalised.", '"ada lovelace".title()  # "Ada Lovelace"'),
    ]},
    "list": {s.name: s for s in [
        _sig("append", ["item"], "Add an item to the end.", "xs.append(4)"),
        _sig("extend", ["items"], "Add all items from another list to the end.", "xs.extend([5, 6])"),
        _sig("insert", ["index", "item"], "Put an item at a position.", 'xs.insert(0, "first")'),
        _sig("pop", ["index=-1"], "Remove an item (the last one by default) and return it.", "last = xs.pop()"),
        _sig("remove", ["item"], "Remove the first item equal to this one.", 'xs.remove("a")'),
        _sig("index", ["item", "start=0", "end=None"], "The position of the first item equal to this one.",
             '["a", "b"].index("b")  # 1'),
        _sig("count", ["item"], "How many items equal this one.", "[1, 1, 2].count(1)  # 2"),
        _sig("sort", [], "Put the list in order, in place.", "xs.sort()", ["key=None", "reverse=False"]),
        _sig("reverse", [], "Reverse the list in place.", "xs.reverse()"),
        _sig("copy", [], "A new list with the same items.", "ys = xs.copy()"),
        _sig("clear", [], "Remove every item.", "xs.clear()"),
    ]},
    "dict": {s.name: s for s in [
        _sig("get", ["key", "default=None"], "The value for key, or default if it's missing.",
             'ages.get("bob", 0)'),
        _sig("keys", [], "All the keys.", "for k in d.keys():"),
        _sig("values", [], "All the values.", "sum(d.values())"),
        _sig("items", [], "All (key, value) pairs.", "for k, v in d.items():"),
        _sig("pop", ["key", "default=None"], "Remove a key and return its value.", 'd.pop("a")'),
        _sig("setdefault", ["key", "default=None"], "The value for key, adding default first if missing.",
             'd.setdefault("n", 0)'),
        _sig("update", ["other=()"], "Add all pairs from another dictionary.", 'd.update({"b": 2})',
             any_keywords=True),
        _sig("copy", [], "A new dictionary with the same pairs.", "e = d.copy()"),
        _sig("clear", [], "Remove every pair.", "d.clear()"),
    ]},
}

MATH = {
    "sqrt": _sig("sqrt", ["x"], "The square root.", "math.sqrt(16)  # 4.0"),
    "floor": _sig("floor", ["x"], "Round down to a whole number.", "math.floor(2.7)  # 2"),
    "ceil": _sig("ceil", ["x"], "Round up to a whole number.", "math.ceil(2.1)  # 3"),
    "sin": _sig("sin", ["x"], "Sine of an angle in radians.", "math.sin(0)  # 0.0"),
    "cos": _sig("cos", ["x"], "Cosine of an angle in radians.", "math.cos(0)  # 1.0"),
    "tan": _sig("tan", ["x"], "Tangent of an angle in radians.", "math.tan(0)  # 0.0"),
    "log": _sig("log", ["x", "base=e"], "Logarithm (natural, or to a base).", "math.log(100, 10)  # 2.0"),
    "exp": _sig("exp", ["x"], "e raised to x.", "math.exp(1)  # 2.718…"),
    "pow": _sig("pow", ["x", "y"], "x raised to y, as a decimal number.", "math.pow(2, 3)  # 8.0"),
    "isclose": _sig("isclose", ["a", "b"], "True if two decimal numbers are nearly equal.",
                    "math.isclose(0.1 + 0.2, 0.3)  # True", ["rel_tol=1e-09", "abs_tol=0.0"]),
}
MATH_CONSTANTS = {"pi": "The number π (3.14159…).", "e": "The number e (2.71828…).",
                  "inf": "Infinity: larger than every number."}

KEYWORDS = ["and", "as", "assert", "break", "case", "continue", "def", "elif", "else", "except", "False",
            "finally", "for", "if", "import", "in", "match", "None", "not", "or", "pass", "raise", "return",
            "True", "try", "while"]


def method(type_name: str, name: str) -> Signature | None:
    return METHODS.get(type_name, {}).get(name)
