"""Edits the language server sees while someone types are handled incrementally (a window of
chunks parsed, only affected chunks checked), and give exactly what a fresh check gives.

The counters on `IncrementalDocument` say which path ran: a test that only compared results
would pass just as well if every edit fell back to whole-file work."""

import hypercode_lang
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hypercode_lang.analysis.incremental import IncrementalDocument
from lsp_server.documents import build_document

FILENAME = "/nonexistent/big.hc"


def generate(functions: int) -> str:
    out = ["import math", ""]
    for i in range(1, functions + 1):
        out += [f"# Step {i}.", f"def step_{i}(count, factor=2):", "    total = 0",
                "    for k in range(count):", "        total += k * factor", '    label = f"step {count}"',
                "    print(label, math.sqrt(k))", "    return total", "",
                f"value_{i} = step_{i}({i % 7}, factor=3)", ""]
    return "\n".join(out) + "\n"


def key(d):
    return (d.code, d.span, d.message, d.severity, tuple(f.title for f in d.fixes))


class Typing:
    def __init__(self, text: str):
        self.text = text
        self.state = IncrementalDocument(FILENAME)
        build_document(text, FILENAME, self.state)

    def replace(self, old: str, new: str, nth: int = 40):
        at = -1
        for _ in range(nth):
            at = self.text.index(old, at + 1)
        self.text = self.text[:at] + new + self.text[at + len(old):]
        checker = self.state._checker
        before = (self.state.full_scans, checker.full_checks, checker.chunk_checks)
        document = build_document(self.text, FILENAME, self.state)
        assert [key(d) for d in document.diagnostics] == [key(d) for d in hypercode_lang.check(self.text, FILENAME)]
        after = (self.state.full_scans, checker.full_checks, checker.chunk_checks)
        return document, tuple(b - a for a, b in zip(before, after))


def test_typing_inside_a_function_checks_one_chunk():
    typing = Typing(generate(120))
    document, (scans, full, chunks) = typing.replace("print(label,", "print(lable,")
    assert "HC1001" in [d.code for d in document.diagnostics]
    assert (scans, full, chunks) == (0, 0, 1)
    _, ran = typing.replace("print(lable,", "print(label,", nth=1)
    assert ran == (0, 0, 0)             # the chunk's earlier text is remembered: nothing to check
    _, ran = typing.replace("print(label,", "print(labl,", nth=1)
    assert ran == (0, 0, 1)


def test_changing_a_result_type_or_top_level_names_stays_incremental():
    typing = Typing(generate(120))
    counts = []
    # a function's result type; a variable's type (other chunks' methods depend on it)
    counts.append(typing.replace("value_7 = step_7(0, factor=3)", 'value_7 = "seven"', nth=1)[1])
    counts.append(typing.replace('value_7 = "seven"', "value_7 = step_7(0, factor=3)", nth=1)[1])
    # add a top-level name that an earlier mistake was waiting for, then remove it again
    typing.replace("print(label,", "print(label, extra_name,")
    document, ran = typing.replace("value_90 = ", "extra_name = 1\nvalue_90 = ", nth=1)
    counts.append(ran)
    assert "HC1001" not in [d.code for d in document.diagnostics]
    document, ran = typing.replace("extra_name = 1\n", "", nth=1)
    counts.append(ran)
    assert [d.code for d in document.diagnostics].count("HC1001") == 1
    for scans, full, chunks in counts:
        assert scans == 0 and full == 0 and 1 <= chunks <= 4, counts
    assert typing.state._checker.interface_rechecks >= 3


def test_deleting_a_whole_def_that_others_call():
    typing = Typing(generate(40))
    start = typing.text.index("# Step 12.")
    end = typing.text.index("value_12 = ")
    document, (scans, full, _chunks) = typing.replace(typing.text[start:end], "", nth=1)
    codes = [d.code for d in document.diagnostics]
    assert codes.count("HC1001") == 1                        # value_12 = step_12(...) now names nothing
    assert (scans, full) == (0, 0)


PIECES = ["\ndef step_3(a):\n    return a\n", "\nextra_name = 1\n", "extra_name", "print(", ")", "\n", "    ",
          'value_2 = "two"\n', "value_2.upper()", "step_2(1, 2, 3)", "def ", ":", "len = 3\n", "# ", "x"]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_top_level_edits_equal_a_fresh_check(data):
    text = generate(6)
    state = IncrementalDocument(FILENAME)
    build_document(text, FILENAME, state)
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        lines = text.split("\n")
        first = data.draw(st.integers(0, len(lines) - 1), label="first line")
        count = data.draw(st.integers(0, 12), label="lines removed")
        new = "".join(data.draw(st.lists(st.sampled_from(PIECES), max_size=3), label="insert"))
        text = "\n".join(lines[:first] + ([new] if new else []) + lines[first + count:])
        document = build_document(text, FILENAME, state)
        fresh = hypercode_lang.check(text, FILENAME)
        assert [key(d) for d in document.diagnostics] == [key(d) for d in fresh], text
