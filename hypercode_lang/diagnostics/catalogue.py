"""The diagnostics catalogue: every code's words in one place (spec §8).

Each entry has a title, a message template, a short `why` and a long explanation for
`hcvm explain`. Stages never write prose: they call `diagnostic(code, span, **params)`.
Tone: calm, one idea per message, plain words, no blame. The program did something
unexpected; the person did nothing wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

from .model import Diagnostic, Fix, Related, Span, TextEdit


@dataclass(frozen=True)
class Entry:
    code: str
    severity: str
    title: str
    message: str | Callable[[dict], str]
    why: str
    explanation: str

    def render_message(self, params: dict) -> str:
        if callable(self.message):
            return self.message(params)
        return self.message.format(**params)


def _did_you_mean(params: dict, key: str = "suggestion") -> str:
    suggestion = params.get(key)
    return f" Did you mean '{suggestion}'?" if suggestion else ""


def _type_word(name) -> str:
    """Readable type names: 'NoneType' reads as 'None'."""
    return {"NoneType": "None", None: "nothing", "builtin_function_or_method": "built-in function"}.get(name, name)


def _unknown_name(p: dict) -> str:
    if p.get("module"):
        return f"There is no module named '{p['name']}' beside this file.{_did_you_mean(p)}"
    return f"The name '{p['name']}' isn't defined here.{_did_you_mean(p)}"


def _a(word: str) -> str:
    if word == "None":
        return "None"
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


_COMPARE = re.compile(r"'(\S+)' not supported between instances of '(\w+)' and '(\w+)'")
_JOIN_ITEM = re.compile(r"sequence item (\d+): expected str instance, (\w+) found")
_UNHASHABLE = re.compile(r"unhashable type: '(\w+)'")


def _operator_types(p: dict) -> str:
    op, left, right = p["op"], _type_word(p.get("left")), _type_word(p.get("right"))
    detail = p.get("detail") or ""
    if (found := _COMPARE.search(detail)) and op.endswith("()"):
        return (f"{op} can't put these values in order: it can't compare "
                f"{_a(_type_word(found.group(2)))} with {_a(_type_word(found.group(3)))}.")
    if found := _JOIN_ITEM.search(detail):
        return f"{op} needs a list of strings, but item {found.group(1)} is {_a(_type_word(found.group(2)))}."
    if found := _UNHASHABLE.search(detail):
        return f"{_sentence(_a(found.group(1)))} can't be a dictionary key, because it can change. A tuple can."
    if p.get("right") is None and op.endswith("()"):
        return f"{op} can't be used with a value of type {left}."
    if p.get("right") is None:
        return f"The operator '{op}' can't be used with a value of type {left}."
    if left == right:
        return f"The operator '{op}' can't combine two values of type {left}."
    return f"The operator '{op}' can't combine {_a(left)} with {_a(right)}."


def _arguments(p: dict) -> str:
    if p.get("keyword"):
        return f"{p['func']}() has no parameter named '{p['keyword']}'.{_did_you_mean(p)}"
    expected = p["expected"]
    # "1 argument", "at least 1 argument", "0 to 1 arguments": the noun follows the last number.
    noun = "argument" if str(expected) in ("1", "at least 1") else "arguments"
    return f"{p['func']}() takes {expected} {noun}, but this call gives it {p['got']}."


def _index(p: dict) -> str:
    length = p["length"]
    if length == 0:
        return f"Index {p['index']} is out of range: this {p['type']} is empty."
    return (f"Index {p['index']} is out of range: this {p['type']} has {length} "
            f"item{'s' if length != 1 else ''}, so indexes go from 0 to {length - 1} (or -1 to -{length}).")


def _key(p: dict) -> str:
    # Keys are shown as written in code (their repr), so they carry their own quotes.
    suggestion = f" Did you mean {p['suggestion']}?" if p.get("suggestion") else ""
    return f"The key {p['key']} isn't in this dictionary.{suggestion}"


def _unpack(p: dict) -> str:
    if p.get("got") is None:
        return f"There are more values than names here: expected {p['expected']}."
    return f"Expected {p['expected']} values to unpack, but there are {p['got']}."


CONVERSIONS = {"int", "float", "bool", "str", "list", "tuple", "dict"}


def _conversion(p: dict) -> str:
    func, value = p["func"], p.get("value")
    if func in CONVERSIONS:
        return f"{func}() can't turn {value} into {_a(p.get('target') or func)}."
    if func.endswith((".remove", ".index")):
        return f"{value} isn't in the list, so {func}() can't find it."
    if func in ("max", "min"):
        return f"{func}() was given nothing to compare. Add default=… to say what to use for an empty list."
    if func in ("sqrt", "log", "pow", "exp", "sin", "cos", "tan", "floor", "ceil"):
        return f"math.{func}() can't work with {value}: it's outside the numbers {func} is defined for."
    return f"{func}() can't use the value {value}."


def _raised(p: dict) -> str:
    message = p.get("message")
    if p.get("kind") == "AssertionError" and not message:
        return "An assert failed: its condition was False."
    return f"{p['kind']}: {message}" if message else f"The program raised {p['kind']}."


def _misplaced(p: dict) -> str:
    word = p["keyword"]
    if word == "return":
        return "'return' can only be used inside a function (a def)."
    return f"'{word}' can only be used inside a loop (a for or while)."


CATALOGUE: dict[str, Entry] = {}


def _entry(code, severity, title, message, why, explanation):
    CATALOGUE[code] = Entry(code, severity, title, message, why, explanation.strip())


_entry("HC0001", "error", "Syntax error",
       lambda p: p.get("detail") or "This line isn't HyperCode I can read.",
       "HyperCode reads a line at a time; it needs each line to have a shape it knows.",
       """
The line doesn't match any statement or expression shape HyperCode knows. The marker points
at the first place where reading stopped making sense.

Common causes: a missing operator between two values (`x y`), a stray character, or a
keyword used as a name.

    total = price tax        # two values with nothing between them
    total = price + tax      # what was meant

HyperCode keeps reading after this line, so other problems in the file are reported too.
""")

_entry("HC0002", "error", "Missing colon",
       lambda p: f"This '{p['keyword']}' line needs a ':' at the end.",
       "A ':' tells HyperCode that an indented block follows.",
       """
Every line that starts a block — `if`, `elif`, `else`, `while`, `for`, `def`, `try`,
`except`, `finally`, `match`, `case` — ends with a colon. The block itself is the indented
lines below it.

    if score > 10          # missing ':'
        print("high")

    if score > 10:         # fixed
        print("high")
""")

_entry("HC0003", "error", "Unmatched bracket",
       lambda p: (f"This '{p['bracket']}' is never closed." if p.get("kind") == "unclosed" else
                  f"This '{p['bracket']}' closes a '{p['opener']}'; a '{p['expected']}' was expected."
                  if p.get("kind") == "mismatch" else
                  f"This '{p['bracket']}' has no matching opening bracket."),
       "Brackets come in pairs; HyperCode reads everything after an open bracket as part of it until it closes.",
       """
Every `(`, `[` and `{` needs its partner `)`, `]`, `}`. When one is missing, HyperCode keeps
reading the following lines as if they were inside the brackets, so the problem is reported
at the opening bracket, which is usually where the fix belongs.

    print("total:", total        # '(' never closed
    print("total:", total)       # fixed

A closing bracket with no opener is reported too; the fix removes it.
""")

_entry("HC0004", "error", "Unclosed string",
       "This string is never closed.",
       "A string runs until the same quote appears again; without it the rest of the line becomes text.",
       """
A string starts and ends with the same quote: `'…'`, `"…"`, or `\"\"\"…\"\"\"` for text over
several lines. If the closing quote is missing, everything after the opening quote would be
part of the string.

    print("hello)       # the string is never closed
    print("hello")      # fixed

A quote inside a string can be written with a backslash (`"say \\"hi\\""`) or by using the
other kind of quote (`'say "hi"'`).
""")

_entry("HC0005", "error", "Indentation",
       lambda p: {
           "unexpected": "This line is indented more than the block it belongs to.",
           "missing": f"The '{p.get('keyword', 'block')}' line needs an indented block below it.",
           "dedent": "This line's indentation doesn't match any block above it.",
           "tab": "This line is indented with a tab; HyperCode uses spaces.",
       }[p["kind"]],
       "Indentation is how HyperCode knows which lines belong to which block.",
       """
Blocks are made of lines indented by the same amount below a line ending in ':'. The
formatter uses 4 spaces per level. Four things can go wrong:

- a line indented more than the lines around it (unexpected indent);
- a line ending in ':' with nothing indented below it (add the block, or `pass`);
- a line that steps back to an indentation no block above uses;
- a tab character in the indentation (use spaces; the fix converts it).

    def greet(name):
    print("hi", name)        # needs indenting

    def greet(name):
        print("hi", name)    # fixed
""")

_entry("HC0006", "error", "Assignment in a condition",
       "This condition uses '=', which stores a value. To compare, use '=='.",
       "'=' gives a name a value; '==' asks whether two values are equal.",
       """
In a condition (`if`, `elif`, `while`, `assert`) you almost always want to compare.

    if answer = 42:      # '=' stores a value
    if answer == 42:     # '==' compares

The quick fix changes '=' to '=='.
""")

_entry("HC0007", "hint", "Old print statement",
       "This is the old 'print' statement from HyperCode 0.1. It still runs; the current form is print(…).",
       "print is a function, so its values go in parentheses like any other call.",
       """
HyperCode 0.1 allowed `print "text"`. It still runs, but the current form is a function call,
which also lets you pass `sep=` and `end=`.

    print "hello"        # old form
    print("hello")       # current form

The quick fix rewrites the line.
""")

_entry("HC0008", "error", "Misspelled keyword",
       lambda p: f"'{p['word']}' looks like the keyword '{p['keyword']}'.",
       "Keywords have one exact spelling; a near miss is read as an ordinary name.",
       """
HyperCode recognised a word that is very close to a keyword and sits where that keyword
belongs: `retrun` for `return`, `esle` for `else`, `whlie` for `while`, `elsif` for `elif`,
or `function`/`func`/`fucntion` for `def`.

    retrun total         # misspelled
    return total         # fixed

The quick fix replaces the word with the keyword.
""")

_entry("HC0009", "error", "Not in HyperCode",
       lambda p: f"{p['feature']} isn't part of HyperCode. {p['instead']}",
       "HyperCode keeps one obvious way to do each thing, so some features of other languages are left out.",
       """
HyperCode is shaped like Python but smaller on purpose. These are not part of it, and each has
a HyperCode way instead:

- `class` — use dictionaries and functions.
- `lambda` — write a small `def`.
- `with` — not needed: HyperCode programs don't open files.
- `yield`, `async`/`await` — build and return a list.
- `global`/`nonlocal` — return the new value from the function instead.
- `del` — use `.pop()` on a list or dictionary.
- decorators (`@…`) — call the function directly.
- bitwise operators (`& | ^ ~ << >>`) — use `and`, `or`, `not`, or arithmetic.
- `is` / `is not` — use `==` / `!=`.
- the walrus `:=` — assign on its own line first.
- sets and dict comprehensions — use a list or a dictionary built in a loop.
- type annotations (`def f(n: int) -> int:`, `xs: list = []`) — leave the types out.
- `from … import …` — write `import name` and use `name.thing`.
- a comprehension with two `for`s — use nested `for` loops that append to a list.

Each of these is reported once. The names it would have given a value still count as defined,
so nothing later in the file is reported because of it.
""")

_entry("HC0010", "error", "Nested too deeply",
       lambda p: (f"This is nested more than {p['limit']} levels deep (brackets, operators or blocks inside "
                  "each other), more than HyperCode follows."),
       "Every bracket, operator or block inside another adds a level; HyperCode stops at a fixed depth so "
       "that reading a program can never run out of room.",
       """
HyperCode follows up to 100 levels of nesting: a bracket inside a bracket, a block inside a
block, or one more term in a long chain such as `1 + 1 + 1 + …` each add one. A program that
goes deeper is almost always generated by another program, or is hard for a person to follow.

Give the inner parts names and build the whole in steps:

    total = a + b + c + d        # instead of one line with hundreds of terms
    total = total + e + f

    inner = [1, 2]               # instead of [[[[[…]]]]]
    outer = [inner, inner]

(This also keeps `hcvm run` of IR `.json` files safe: an IR tree deeper than the limit gets the
same message.)
""")

_entry("HC1001", "error", "Unknown name",
       _unknown_name,
       "A name has to be given a value (or defined with def, or imported) before it can be used.",
       """
HyperCode looked for this name among the variables, functions and built-ins visible at this
point and didn't find it. Often it's a typo, and the closest visible name is suggested.

    message = "hi"
    print(mesage)        # Did you mean 'message'?

Inside a function, a name that is assigned anywhere in the function is local to it, so using
it before the assignment is also reported here.
""")

_entry("HC1002", "warning", "Unused variable",
       lambda p: f"'{p['name']}' is given a value but never used.",
       "An unused variable is often a typo in a later line, or left over from an earlier version.",
       """
The variable is assigned inside a function but never read afterwards. If that's on purpose,
name it `_` or remove the assignment; if not, check the lines below for a misspelling.

    def area(w, h):
        result = w * h
        return w * h       # 'result' is never used
""")

_entry("HC1003", "error", "Wrong arguments",
       _arguments,
       "A function's parameters decide how many values a call must give it, and which names it accepts.",
       """
The call gives a function more or fewer values than it has parameters, or uses a keyword that
isn't one of its parameter names. Parameters with a default (`def f(a, b=2)`) may be left out.

    def greet(name, greeting="Hello"):
        ...
    greet()                      # needs at least 1 argument
    greet("Ada", greating="Hi")  # Did you mean 'greeting'?
""")

_entry("HC1004", "error", "Misplaced keyword",
       _misplaced,
       "'return' leaves a function, and 'break'/'continue' steer a loop, so they only make sense inside one.",
       """
`return` ends a function and gives back a value; at the top level of a file there's no
function to leave. `break` and `continue` control the nearest enclosing `for` or `while`
loop; outside a loop there's nothing to break out of.
""")

IMPORT_REFUSALS = {
    "not_a_name": "'{name}' isn't a module name: import takes a plain name such as 'import shapes'.",
    "folder": "'{name}.hc' beside this file is a folder, not a HyperCode file.",
    "pipe": "'{name}.hc' beside this file is a pipe or socket, not a file, so it can't be imported.",
    "device": "'{name}.hc' beside this file is a device, not a file, so it can't be imported.",
    "outside": "'{name}.hc' is a link to a file outside this folder; import only loads files beside this one.",
    "too_large": "'{name}.hc' is larger than {limit:,} bytes, more than an imported file may be.",
    "not_utf8": "'{name}.hc' isn't UTF-8 text (byte {offset} can't be read). Save it as UTF-8 and try again.",
    "unreadable": "'{name}.hc' beside this file can't be read.",
}


def _import_refused(p: dict) -> str:
    return IMPORT_REFUSALS[p["reason"]].format(**p)


_entry("HC1005", "error", "Module can't be loaded",
       _import_refused,
       "import loads a plain UTF-8 .hc file from the importing file's own folder, and nothing else.",
       """
`import shapes` looks for `shapes.hc` in the folder of the file that says it, and loads it
only when it is an ordinary UTF-8 text file there: not a folder, a pipe or a device, not a link
leading to another folder, and not larger than the size limit. Anything else is refused before
it is opened, so a program can't read files outside its own folder through `import`.

Fix: put the module's code in a `.hc` file beside your program, and import it by its name
without `.hc`, folders or dots.
""")

# Words for the rules both the parser's IR and loaded IR files must keep (checker/rules.py).
IR_RULE_DETAILS = {
    "not_a_name": "'{name}' can't be a {what}: a name is a letter or '_' followed by letters, digits or '_', "
                  "and not a keyword.",
    "duplicate_param": "The parameter '{name}' appears twice.",
    "default_order": "The parameter '{name}' needs a default, because a parameter before it has one.",
    "schema": "This IR file breaks the HyperCode IR schema at {path}: {message}.",
}


def ir_rule_detail(rule: str, **params) -> str:
    return IR_RULE_DETAILS[rule].format(**params)


_entry("HC2001", "error", "Wrong types",
       _operator_types,
       "Operators and built-ins work on particular types; HyperCode doesn't convert between them silently.",
       """
HyperCode won't guess how to combine different types. To join text and a number, convert the
number first or use an f-string:

    age = 7
    print("age: " + age)          # str + int
    print("age: " + str(age))     # convert
    print(f"age: {age}")          # or an f-string

To do arithmetic on text that holds a number, convert it with `int(...)` or `float(...)`.
""")

_entry("HC2002", "error", "Not a function",
       lambda p: f"{_sentence(_a(_type_word(p['type'])))} value can't be called like a function.",
       "Only functions can be called with (…); calling anything else usually means a name was reused.",
       """
Parentheses after a value call it. This value isn't a function — often because a variable
has the same name as a function, or an operator is missing before a parenthesis.

    total = 10
    total(5)             # total is an int
    2 (3 + 4)            # missing '*'
""")

_entry("HC2003", "error", "Index out of range",
       _index,
       "Indexes start at 0, so the last item of a list of n items is at n - 1.",
       """
A list, string or tuple with n items has indexes 0 … n-1, and -1 … -n from the end. Asking
for any other index is out of range.

    colours = ["red", "green"]
    colours[2]           # only 0 and 1 exist
    colours[-1]          # the last one: "green"

Use `len(xs)` to check the size first, or loop with `for item in xs`.
""")

_entry("HC2004", "error", "Missing key",
       _key,
       "Looking up a key that isn't in a dictionary is an error; .get(key, default) returns a default instead.",
       """
A dictionary only has the keys that were put into it. Check with `key in d`, or use
`d.get(key, default)` to get a default when the key is missing.

    ages = {"ada": 36}
    ages["bob"]                  # no such key
    ages.get("bob", 0)           # 0
""")

_entry("HC2005", "error", "Division by zero",
       lambda p: f"The right-hand side of '{p['op']}' is zero, and dividing by zero has no answer.",
       "Division and modulo by zero are undefined, so HyperCode stops rather than guess.",
       """
`x / 0`, `x // 0` and `x % 0` have no answer. Check the divisor first:

    if count != 0:
        average = total / count
""")

_entry("HC2006", "error", "Unknown attribute",
       lambda p: (f"The module '{p['module']}' has no name '{p['name']}'.{_did_you_mean(p)}" if p.get("module") else
                  f"{_sentence(_a(_type_word(p['type'])))} has no method or attribute '{p['name']}'.{_did_you_mean(p)}"),
       "Each type has a fixed set of methods; HyperCode has no user-defined attributes.",
       """
Values of each type have a fixed set of methods — for example `str` has `upper`, `split`,
`replace`…, `list` has `append`, `pop`, `sort`…, `dict` has `get`, `keys`, `items`….
Modules have their own names (`math.sqrt`). A name after '.' that isn't one of these is
reported here, with the closest existing name.
""")

_entry("HC2007", "error", "Recursion too deep",
       lambda p: f"Function calls went more than {p['limit']} levels deep.",
       "Each call waits for the one it made; without a stopping case, recursion never ends.",
       """
A function that calls itself needs a base case that returns without calling again, and each
call should get closer to it.

    def countdown(n):
        if n == 0:               # base case
            return
        countdown(n - 1)         # gets closer to 0

The limit (1,000 calls by default) keeps a runaway program from crashing.
""")

_entry("HC2008", "error", "Bad conversion",
       _conversion,
       "A conversion like int(text) only works when the text actually holds a number of that kind.",
       """
`int("42")` works; `int("forty")` and `int("4.2")` don't. Check the text first with
`.isdigit()`, or convert with `float(...)` for decimals.

    answer = input("Number: ")
    if answer.isdigit():
        n = int(answer)
""")

_entry("HC2009", "error", "Unpacking mismatch",
       _unpack,
       "Unpacking gives one value to each name, so the counts have to match.",
       """
`a, b = values` needs exactly two values on the right.

    a, b = [1, 2, 3]     # three values, two names
    a, b, c = [1, 2, 3]  # fixed
""")

_entry("HC2010", "error", "Error raised",
       _raised,
       "The program raised this error itself (with raise or assert), and no except caught it.",
       """
`raise Kind("message")` and a failed `assert condition, "message"` stop the program unless a
`try`/`except` around them catches the error:

    try:
        check(age)
    except ValueError as problem:
        print("Please try again:", problem)
""")

_entry("HC3001", "error", "Time limit",
       lambda p: f"The program was stopped after {p['seconds']:g} second{'' if p['seconds'] == 1 else 's'}, its time limit.",
       "A time limit keeps a loop that never ends from running forever.",
       """
The program ran longer than its time limit (30 seconds unless `--timeout` says otherwise).
Usually a `while` loop's condition never becomes False. Check that something inside the loop
changes what the condition tests.
""")

_entry("HC3002", "error", "Size limit",
       lambda p: f"A {p['what']} grew past the size limit of {p['limit']:,}.",
       "A size limit keeps a runaway program from using up the computer's memory.",
       """
A string, list, dictionary or number became larger than the limit. This usually comes from a
loop that keeps adding without stopping, or from repetition like `"x" * 10**9`.
""")


def entry(code: str) -> Entry:
    return CATALOGUE[code]


def diagnostic(code: str, span: Span | list, *, fixes=(), filename=None, related=(),
               trace=(), severity: str | None = None, **params) -> Diagnostic:
    """Build the diagnostic for `code` from its parameters."""
    item = CATALOGUE[code]
    if not isinstance(span, Span):
        span = Span.from_loc(span)
    return Diagnostic(
        code=code,
        severity=severity or item.severity,
        title=item.title,
        message=item.render_message(params),
        span=span,
        why=item.why,
        fixes=tuple(fixes),
        filename=filename,
        related=tuple(related),
        trace=tuple(trace),
        params=params,
    )


# ------------------------------------------------------------------ fix builders
# Fix titles are words too, so they live here with the messages.

def replace_fix(title: str, span: Span, text: str, *, safe: bool = True) -> Fix:
    return Fix(title, (TextEdit(span, text),), safe)


def fix_rename(span: Span, old: str, new: str) -> Fix:
    return replace_fix(fix_title("change", old=old, new=new), span, new)


def fix_insert(span: Span, text: str, title: str) -> Fix:
    return replace_fix(title, Span(span.line, span.col, span.line, span.col), text)


def fix_remove(span: Span, what: str) -> Fix:
    return replace_fix(f"Remove {what}", span, "")


def explain(code: str) -> str:
    """The long form printed by `hcvm explain`."""
    item = CATALOGUE[code.upper()]
    return f"{item.code} · {item.title} ({item.severity})\n\n{item.why}\n\n{item.explanation}\n"


__all__ = ["CATALOGUE", "Entry", "entry", "diagnostic", "explain", "replace_fix", "fix_rename",
           "fix_insert", "fix_remove", "Related"]


def wrap_fix(title: str, loc, before: str, after: str, *, safe: bool = True) -> Fix:
    """Insert `before` at the start of a node's span and `after` at its end."""
    start = Span(loc[0], loc[1], loc[0], loc[1])
    end = Span(loc[2], loc[3], loc[2], loc[3])
    return Fix(title, (TextEdit(start, before), TextEdit(end, after)), safe)


def name_span(node: dict) -> Span | None:
    """The span of the name in a `var` node or after the '.' of an `attr` node."""
    loc = node.get("loc")
    if not loc:
        return None
    if "attr" in node:
        name = node["attr"]["name"]
        return Span(loc[2], loc[3] - len(name), loc[2], loc[3])
    return Span.from_loc(loc)


def runtime_fixes(code: str, params: dict, node: dict | None) -> list[Fix]:
    """Quick fixes for a runtime error at `node` (the IR node the VM pointed at)."""
    if node is None:
        return []
    fixes: list[Fix] = []
    suggestion = params.get("suggestion")
    if code == "HC2001" and "binop" in node and node["binop"]["op"] == "add":
        left, right = params.get("left"), params.get("right")
        numbers = ("int", "float", "bool", "NoneType")
        if left == "str" and right in numbers:
            fixes.append(wrap_fix("Turn the right side into text with str(…)", node["binop"]["right"]["loc"], "str(", ")"))
        elif right == "str" and left in numbers:
            fixes.append(wrap_fix("Turn the left side into text with str(…)", node["binop"]["left"]["loc"], "str(", ")"))
    elif code in ("HC1001", "HC2006") and suggestion:
        span = name_span(node)
        if span:
            fixes.append(fix_rename(span, params["name"], suggestion))
    elif code == "HC2004" and suggestion and "index" in node and "const" in node["index"]["index"]:
        key = node["index"]["index"]
        fixes.append(replace_fix(f"Use the key {suggestion}", Span.from_loc(key["loc"]), suggestion, safe=False))
    return fixes


# ------------------------------------------------------------------ editor messages
# Words the editor tools say that are not diagnostics (a refused rename, for example). Same tone.

EDITOR_MESSAGES = {
    "rename.keyword": "'{name}' is a HyperCode keyword, so it keeps its name.",
    "rename.undefined": "'{name}' isn't defined in this file, so there is nothing to rename yet.",
    "rename.nothing": "There is no name here to rename. Put the cursor on a variable or function name.",
    "rename.builtin": "'{name}' is a built-in, so it keeps its name. You can rename your own variables and functions.",
    "rename.module": "'{name}' is the name of a module file. Rename the file instead.",
    "rename.not_a_name": "'{new}' can't be a name. Names start with a letter or '_' and use letters, digits "
                         "and '_'; keywords can't be names.",
    "rename.unknown_member": "'{module}.hc' has no top-level '{name}', so there is nothing to rename yet.",
    "rename.clash": "'{new}' is already {what} ({where}), so renaming '{old}' to '{new}' would join two "
                    "different names into one. Pick a name that isn't used yet.",
    "rename.clash_builtin": "'{new}' is a built-in function, so renaming '{old}' to '{new}' would hide it. "
                            "Pick a name that isn't used yet.",
}


def editor_message(key: str, **params) -> str:
    return EDITOR_MESSAGES[key].format(**params)


# ================================================================== words that are not diagnostics
# Everything else HyperCode says to a person lives here too, in the same voice: the details of a
# syntax error, what to use instead of a missing feature, quick-fix titles, and the messages of
# the command line, the REPL, the runner, the cache and the rendered report. A module elsewhere
# asks for words by key; tests/test_prose.py fails when one holds a sentence of its own.
# Templates use str.format, so a literal brace is written twice.

# HC0001's `detail`: what exactly could not be read.
SYNTAX_DETAILS = {
    "assign_target": "Only a name, an item like xs[0], or several names can be assigned to.",
    "case_fstring": "A case pattern can't be an f-string.",
    "case_plus": "A case pattern number can't start with '+'.",
    "case_two_stars": "A sequence pattern can have only one '*' name.",
    "case_unknown": "This case pattern isn't one HyperCode knows. Patterns can be literals, names, '_', "
                    "alternatives 'a | b', and lists like [first, *rest].",
    "keyword_twice": "The keyword argument '{name}' is given twice.",
    "positional_after_keyword": "A value without a name can't come after a keyword argument (name=value).",
    "bad_escape": "This string has a backslash escape I can't read, such as an incomplete \\u. "
                  "To write a backslash itself, use two: \\\\.",
    "fstring_lone_brace": "A single '}}' in an f-string needs to be written '}}}}'.",
    "fstring_unclosed_field": "This f-string field is missing its closing '}}'.",
    "fstring_empty_field": "An f-string field needs an expression between '{{' and '}}'.",
    "fstring_unreadable_field": "This f-string field doesn't hold an expression I can read.",
    "bad_number": "'{number}' isn't a number HyperCode can read. Numbers look like 42, 1_000, 3.14, 1e-3 "
                  "or 0xFF (no leading zeros: write 7, not 07).",
    "bad_character": "The character '{char}' isn't used in HyperCode.",
    "file_ends_early": "The file ends before this statement is complete.",
    "line_ends_early": "This line ends before it's complete.",
    "values_side_by_side": "Two values are side by side here. Is an operator or a comma missing before {token}?",
    "unexpected_token": "I didn't expect {token} here.",
}


def syntax_detail(key: str, **params) -> str:
    return SYNTAX_DETAILS[key].format(**params)


# How a syntax detail names the token it found ({token} above): fixed words for some kinds of
# token, and shapes for the rest, filled in with the token's text.
TOKEN_WORDS = {
    "_NEWLINE": "the end of the line", "$END": "the end of the file", "_INDENT": "an indented line",
    "_DEDENT": "the end of the block", "STRING": "a string", "FSTRING": "an f-string",
    "DEC_NUMBER": "a number", "FLOAT_NUMBER": "a number", "HEX_NUMBER": "a number",
}
TOKEN_SHAPES = {"name": "the name '{text}'", "keyword": "the keyword '{text}'", "symbol": "'{text}'"}


# HC0009's `feature` and `instead`: what a missing feature is called, and the HyperCode way.
NOT_IN_HYPERCODE = {
    "class": ("'class'", "Use dictionaries and functions instead."),
    "with": ("'with'", "HyperCode programs don't open files, so there is nothing to close."),
    "async": ("'async'", "Write an ordinary def."),
    "await": ("'await'", "Call the function directly."),
    "decorator": ("A decorator (@…)", "Call the function directly."),
    "global": ("'global'", "Return the new value from the function and assign it at the top level."),
    "nonlocal": ("'nonlocal'", "Return the new value from the inner function instead."),
    "del": ("'del'", "Use .pop(…) to remove an item from a list or dictionary."),
    "from_import": ("'from … import'", "Write 'import name' and use name.thing."),
    "lambda": ("'lambda'", "Write a small def and pass its name."),
    "walrus": ("The ':=' operator", "Assign on its own line first."),
    "yield": ("'yield'", "Build a list and return it."),
    "bitwise": ("Bitwise operator", "Use 'and', 'or', 'not', or arithmetic."),
    "invert": ("The '~' operator", "Use 'not' or '-'."),
    "is": ("'is'", "Use '==' to compare values."),
    "is not": ("'is not'", "Use '!=' to compare values."),
    "set": ("A set literal", "Use a list, or a dictionary whose keys are the items."),
    "dictcomp": ("A dictionary comprehension", "Build the dictionary in a for loop."),
    "nested_comp": ("A comprehension with two 'for's", "Use nested for loops that append to a list."),
    "star_arg": ("'*' or '**' in a call", "Pass each argument by itself."),
    "bitaug": ("Bitwise assignment", "Use arithmetic assignment such as '+='."),
    "annotation": ("A type annotation", "Leave the type out: HyperCode works types out by itself."),
    "attribute_assign": ("Assigning to an attribute",
                         "Values in HyperCode have no attributes of their own; use a dictionary: d[\"name\"] = value."),
    # symbols from other languages (parser/recovery.py)
    "&&": ("'&&'", "Use 'and'."),
    "||": ("'||'", "Use 'or'."),
    "!": ("'!' for 'not'", "Use 'not'."),
    "++": ("'++'", "Use '+= 1'."),
    "--": ("'--'", "Use '-= 1'."),
}

# Quick-fix titles the parser's repairs offer (the editor shows them; render adds "Quick fix:").
FIX_TITLES = {
    "change": "Change '{old}' to '{new}'",
    "change_to": "Change to {new}",
    "use": "Use '{new}'",
    "indent_by": "Indent this line by {spaces} spaces",
    "remove_indentation": "Remove the indentation",
    "indent_line_below": "Indent the line below into the block",
    "add_pass": "Add 'pass' as a placeholder block",
    "add_colon": "Add ':' at the end of the line",
    "close_brackets": "Add '{closers}' at the end of line {line}",
    "close_string": "Add the closing {quote}",
    "tab_to_spaces": "Replace the tab with 4 spaces",
}


def fix_title(key: str, **params) -> str:
    return FIX_TITLES[key].format(**params)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# The tools' own messages. Layout (a blank line before, a trailing newline) stays with the caller.
MESSAGES: dict[str, str | Callable[[dict], str]] = {
    # hcvm (cli.py)
    "cli.no_such_file": "There is no file called '{path}'. Check the name and the folder you're in.",
    "cli.folder": "'{path}' is a folder. Give the path of a .hc file inside it.",
    "cli.not_utf8": "'{path}' isn't UTF-8 text. Save it as UTF-8 and try again.",
    "cli.unreadable": "'{path}' can't be read ({reason}).",
    "cli.env_without_equals": "--env needs NAME=VALUE; '{item}' has no '='.",
    "cli.no_problems": "No problems found in {path}.",
    "cli.fmt_syntax_errors": "{path} has syntax errors, so it was left exactly as it is.",
    "cli.already_formatted": "{path} is already formatted.",
    "cli.would_reformat": "{path} would be reformatted.",
    "cli.formatted": "Formatted {path}.",
    "cli.no_such_code": lambda p: (f"There is no diagnostic code '{p['code']}'.{_did_you_mean(p)}"
                                   " Run 'hcvm explain' to list every code."),
    "cli.stopped": "Stopped.",
    "cli.internal_error": ("HyperCode hit an internal error. This is a bug in HyperCode, not in your program.\n"
                           "Please report it at {url} with the file you were running.\n"
                           "Set HYPERCODE_DEBUG=1 and run the same command again to see the details."),
    # hcvm repl (repl.py)
    "repl.welcome": ("HyperCode 2 — type code and press Enter. A line ending in ':' starts a block;\n"
                     "finish it with an empty line. Ctrl+D leaves."),
    "repl.interrupted": "(Interrupted. Ctrl+D leaves.)",
    "repl.stopped": "(Stopped.)",
    # the sandboxed runner (runner/host.py)
    "runner.no_process": "HyperCode could not start a process to run the program ({problem}).",
    "runner.stopped": "The run was stopped.",
    "runner.internal_error": "HyperCode hit an internal error while running: {error}",
    # the program cache (cache.py)
    "cache.other_owner": ("hypercode: not using the cache folder {folder}: it belongs to another user. "
                          "Programs still run, just without the cache."),
    "cache.others_can_write": ("hypercode: not using the cache folder {folder}: it can be changed by other "
                               "users. Programs still run, just without the cache."),
    # the parts of a rendered report (diagnostics/render.py, diagnostics/runtime.py)
    "render.where": "at {file}, line {line}, column {col}",
    "render.quick_fix": "Quick fix: {title}.",
    "render.why": "Why: {why}",
    "render.frame": "{file}, line {line}, in {name}",
    "render.top_level": "the top level",
    "render.call_trace": "Call trace (most recent call last):",
    "render.same_call": lambda p: f"… the same call {_plural(p['repeats'], 'more time')}",
    "render.calls_left_out": "… {omitted} more calls …",
    "render.summary": lambda p: (f"{_plural(p['errors'], 'error')} in total. Fixing them from the top down is "
                                 "a good way through; one fix can also clear a later one."),
}


def message(key: str, **params) -> str:
    """The words for `key` in MESSAGES, filled in with `params`."""
    words = MESSAGES[key]
    return words(params) if callable(words) else words.format(**params)


# What the language server says (lsp_server/): JSON-RPC error messages, HTTP refusals, notes
# in the editor's output panel, and the one code-action title.
EDITOR_MESSAGES.update({
    "server.needs_uri": "An agent request needs a 'uri' string.",
    "server.no_document": "There is no open document {uri}.",
    "server.cancel_needs_task": "hypercode/agentCancel needs a 'taskId' string.",
    "server.accept_needs_task": "hypercode.agent.accept needs the answer's taskId.",
    "server.unexpected_arguments": "Unexpected arguments for this command: {arguments}",
    "server.quick_fix": "Quick fix: {title}.",
    "server.explain_action": "Explain this error",
    "server.analysis_failed": "Could not analyse {uri}: internal error {kind}: {problem}",
    "server.document_failed": "Could not analyse {uri}: {problem}",
    "server.problem": "HyperCode language server problem ({source}): {problem}",
    "server.content_modified": "The document changed while this request was being answered.",
    "server.settings_unreadable": "Could not read the 'hypercode' settings: {problem}",
    "server.scan_stopped_files": "Rename and references: stopped after {count} files in {folder}.",
    "server.scan_stopped_early": "Workspace symbols: the scan stopped early (it {reason}).",
    "server.format_syntax_errors": "Formatting skipped: the file has syntax errors. Fix them first, then format again.",
    "server.no_such_code": "There is no HyperCode diagnostic with the code {code!r}.",
    "server.outside_workspace": "HyperCode reads only the documents you opened and the .hc files inside your "
                                "workspace folders; {uri} is neither. Open it in the editor first.",
    "server.run_stopped": "The run was stopped.",
    "guard.repeated_header": "The request has more than one {header} header.",
    "guard.wrong_host": "This server answers only requests addressed to 127.0.0.1:{port} or localhost:{port}.",
    "guard.page_only": "This socket is for the hyperflow page only.",
    "guard.foreign_origin": "Pages from other sites may not use this server.",
    "guard.needs_token": "This needs the token printed when the server started "
                         "(?token=... or Authorization: Bearer ...).",
    "guard.not_loopback": "{host} is not a loopback address: HyperCode's servers listen only on this machine "
                          "(127.0.0.1, ::1 or localhost).",
    "rpc.not_json": "The message is not valid UTF-8 JSON.",
    "rpc.not_jsonrpc": "The message is not a JSON-RPC 2.0 object.",
    "rpc.shutting_down": "The server is shutting down: after 'shutdown' only 'exit' is accepted.",
    "rpc.method_not_string": "'method' must be a string.",
    "rpc.unreadable": "The message could not be read.",
    "rpc.unreadable_frame": "Could not read a message: {problem}.",
})

# Hover and completion texts (analysis/completion.py).
EDITOR_MESSAGES.update({
    "hover.keyword": "`{keyword}` is a HyperCode keyword.",
    "hover.snippet": "Write a `{snippet}` block:\n```hypercode\n{example}\n```",
})
