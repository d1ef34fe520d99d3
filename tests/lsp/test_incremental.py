"""`IncrementalDocument` gives exactly what a fresh `parse()` and `check()` give, edit after edit."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hypercode_lang
from hypercode_lang.analysis.incremental import IncrementalDocument

START = """\
import math

# Add up.
def area(w, h=2):
    total = w * h
    return total

def shout(word):
    unused = 1
    print(word.upper(), math.sqrt(4))

names = ["a", "b"]
for i in range(3):
    print(area(i), "😀", names)
if True:
    x = (1,
         2)
value = area(3, h=4)
"""
PIECES = ["(", ")", ":", "\n", "    ", "x", "print(", "def ", '"', "if ", " = ", "😀", "# ", "1", ",", "[", "]",
          "return ", "\t", "area(1)", "total", "names", "\ndef f(a):\n    return a\n", "\nz = 1\n", "'''", "\\\n",
          "\\", "\\u", "\\N{"]


def key(d):
    return (d.code, d.span, d.message, d.severity, tuple(f.title for f in d.fixes))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_incremental_equals_fresh(data):
    document = IncrementalDocument("<edit>")
    text = START
    document.update(text)
    for _ in range(data.draw(st.integers(1, 8), label="edits")):
        start = data.draw(st.integers(0, len(text)), label="start")
        end = min(len(text), start + data.draw(st.integers(0, 12), label="delete"))
        new = "".join(data.draw(st.lists(st.sampled_from(PIECES), max_size=3), label="insert"))
        text = text[:start] + new + text[end:]
        parsed = document.update(text)
        fresh = hypercode_lang.parse(text, "<edit>")
        assert parsed.program == fresh.program, text
        assert [key(d) for d in parsed.diagnostics] == [key(d) for d in fresh.diagnostics], text
        got = document.check(parsed, None)
        assert [key(d) for d in got] == [key(d) for d in hypercode_lang.check(text, "<edit>")], text
