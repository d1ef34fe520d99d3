"""The methods a program may call, per type (spec §5): nothing else is reachable. One Signature
each (arity, keywords, doc); the VM's method table, the checker's HC1003/HC2006, completion and
hover read these."""

from __future__ import annotations

from .signature import Signature, sig

METHODS: dict[str, dict[str, Signature]] = {
    "str": {s.name: s for s in [
        sig("upper", [], "The text in capital letters.", '"hi".upper()  # "HI"'),
        sig("lower", [], "The text in small letters.", '"Hi".lower()  # "hi"'),
        sig("strip", ["chars=None"], "The text without spaces at both ends.", '"  hi ".strip()  # "hi"'),
        sig("lstrip", ["chars=None"], "The text without spaces at the start.", '"  hi".lstrip()  # "hi"'),
        sig("rstrip", ["chars=None"], "The text without spaces at the end.", '"hi  ".rstrip()  # "hi"'),
        sig("split", ["/", "sep=None", "maxsplit=-1"], "Cut the text into a list of words (or at sep).",
            '"a b c".split()  # ["a", "b", "c"]'),
        sig("join", ["items"], "Glue a list of strings together with this text between them.",
            '", ".join(["a", "b"])  # "a, b"'),
        sig("replace", ["old", "new", "count=-1"], "The text with one piece swapped for another.",
            '"cat".replace("c", "h")  # "hat"'),
        sig("startswith", ["prefix", "start=None", "end=None"], "True if the text begins with prefix.",
            '"hello".startswith("he")  # True'),
        sig("endswith", ["suffix", "start=None", "end=None"], "True if the text ends with suffix.",
            '"hello".endswith("lo")  # True'),
        sig("find", ["sub", "start=None", "end=None"], "Where sub first appears, or -1.", '"hello".find("l")  # 2'),
        sig("count", ["sub", "start=None", "end=None"], "How many times sub appears.", '"banana".count("a")  # 3'),
        sig("isdigit", [], "True if the text is only digits.", '"42".isdigit()  # True'),
        sig("isalpha", [], "True if the text is only letters.", '"abc".isalpha()  # True'),
        sig("title", [], "The text with each word capitalised.", '"ada lovelace".title()  # "Ada Lovelace"'),
    ]},
    "list": {s.name: s for s in [
        sig("append", ["item"], "Add an item to the end.", "xs.append(4)"),
        sig("extend", ["items"], "Add all items from another list to the end.", "xs.extend([5, 6])"),
        sig("insert", ["index", "item"], "Put an item at a position.", 'xs.insert(0, "first")'),
        sig("pop", ["index=-1"], "Remove an item (the last one by default) and return it.", "last = xs.pop()"),
        sig("remove", ["item"], "Remove the first item equal to this one.", 'xs.remove("a")'),
        sig("index", ["item", "start=0", "end=None"], "The position of the first item equal to this one.",
            '["a", "b"].index("b")  # 1'),
        sig("count", ["item"], "How many items equal this one.", "[1, 1, 2].count(1)  # 2"),
        sig("sort", [], "Put the list in order, in place.", "xs.sort()", ["key=None", "reverse=False"]),
        sig("reverse", [], "Reverse the list in place.", "xs.reverse()"),
        sig("copy", [], "A new list with the same items.", "ys = xs.copy()"),
        sig("clear", [], "Remove every item.", "xs.clear()"),
    ]},
    "dict": {s.name: s for s in [
        sig("get", ["key", "default=None"], "The value for key, or default if it's missing.",
            'ages.get("bob", 0)'),
        sig("keys", [], "All the keys.", "for k in d.keys():"),
        sig("values", [], "All the values.", "sum(d.values())"),
        sig("items", [], "All (key, value) pairs.", "for k, v in d.items():"),
        sig("pop", ["key", "default=None"], "Remove a key and return its value.", 'd.pop("a")'),
        sig("setdefault", ["key", "default=None"], "The value for key, adding default first if missing.",
            'd.setdefault("n", 0)'),
        sig("update", ["other=()"], "Add all pairs from another dictionary.", 'd.update({"b": 2})',
            any_keywords=True),
        sig("copy", [], "A new dictionary with the same pairs.", "e = d.copy()"),
        sig("clear", [], "Remove every pair.", "d.clear()"),
    ]},
}

#: Every method name of any type (the editor grammars colour these after a '.').
METHOD_NAMES: tuple[str, ...] = tuple(dict.fromkeys(name for methods in METHODS.values() for name in methods))


def method(type_name: str, name: str) -> Signature | None:
    return METHODS.get(type_name, {}).get(name)
