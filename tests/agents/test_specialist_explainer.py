"""The explainer narrates code from the IR and explains diagnostics in the program's own names."""

from pathlib import Path

from specialist_helpers import ListMemory, ask

ROOT = Path(__file__).resolve().parents[2]
FIB = """def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

print(fib(10))
"""


def test_narrates_a_function_in_plain_words():
    answer = ask("explain", FIB, lines=(1, 1))
    text = answer["markdown"]
    assert "`fib` takes one value, `n`." in text
    assert "If `n` is less than `2`, it gives back `n`." in text
    assert "It gives back `fib(n - 1) + fib(n - 2)`." in text
    assert answer["edits"] == [] and answer["files"] == []


def test_narrates_loops_defaults_and_branches():
    source = """def total(prices, tax=0):
    sum_so_far = 0
    for price in prices:
        if price > 100:
            print("big")
        elif price == 0:
            continue
        else:
            sum_so_far += price
    return sum_so_far + tax
"""
    text = ask("explain", source, lines=(1, 1))["markdown"]
    assert "`total` takes two values, `prices` and `tax`." in text
    assert "`tax` is `0` unless the caller gives one." in text
    assert "For each `price` in `prices`" in text
    assert "If `price` is greater than `100`, it shows `\"big\"`." in text
    assert "Otherwise, if `price` is equal to `0`, it skips to the next round of the loop." in text
    assert "adds `price` to `sum_so_far`" in text


def test_one_line_of_a_function_is_narrated_alone():
    text = ask("explain", FIB, lines=(2, 2))["markdown"]
    assert text.startswith("Line 2")
    assert "If `n` is less than `2`, it gives back `n`." in text
    assert "takes one value" not in text


def test_whole_file_overview_names_functions_and_top_level_steps():
    text = ask("explain", FIB)["markdown"]
    assert "defines `fib`" in text
    assert "It shows `fib(10)`." in text


def test_explains_the_unknown_name_in_mistakes_with_this_programs_names():
    source = (ROOT / "examples" / "mistakes.hc").read_text()
    text = ask("explain", source, uri=str(ROOT / "examples" / "mistakes.hc"), lines=(3, 3))["markdown"]
    assert "line 3" in text
    assert "`print(mesage)`" in text
    assert "Nothing called `mesage` has been given a value before this line." in text
    assert "You probably meant `message`, which is set on line 2." in text
    assert "change 'mesage' to 'message'" in text
    assert "hcvm explain HC1001" in text


def test_explains_a_diagnostic_the_editor_sends():
    source = "total = 0\nprint(totl)\n"
    diagnostic = {"code": "HC1001", "range": {"line": 2, "col": 7, "end_line": 2, "end_col": 11}}
    text = ask("explain", source, diagnostic=diagnostic)["markdown"]
    assert "`totl`" in text and "`total`" in text and "set on line 1" in text


def test_a_runtime_unknown_name_set_too_late_is_pointed_out():
    from hypercode_lang import api
    source = "print(count)\ncount = 3\n"
    run = api.run(source, filename="/tmp/late.hc")
    assert run.status == "error"
    diagnostic = run.to_json()["diagnostics"][0]
    text = ask("explain", source, uri="/tmp/late.hc", diagnostic=diagnostic)["markdown"]
    assert "Nothing called `count` has been given a value before this line." in text
    assert "`count` is set later, on line 2" in text


def test_recurring_mistakes_are_mentioned_kindly_from_memory():
    memory = ListMemory()
    for attempt, uri in enumerate(["/tmp/a.hc", "/tmp/b.hc", "/tmp/c.hc"], 1):
        source = "def f(x):\n" + "    pass\n" * attempt + "    retrun x\n"
        text = ask("explain", source, uri=uri, lines=(attempt + 2, attempt + 2), memory=memory)["markdown"]
        if attempt == 1:
            assert "today" not in text
        if attempt == 2:
            assert "This is the second `retrun` today; the fix is the same." in text
    assert "This is the third `retrun` today; the fix is the same." in text
    # Asking about the same spot again is not a new mistake.
    again = ask("explain", source, uri="/tmp/c.hc", lines=(5, 5), memory=memory)["markdown"]
    assert "third `retrun`" in again
    assert len(memory.records) == 3


def test_a_broken_memory_never_breaks_an_explanation():
    class Broken:
        def search(self, *a, **k):
            raise OSError("disk gone")

        def write(self, *a, **k):
            raise OSError("disk gone")
    text = ask("explain", "print(x)\n", lines=(1, 1), memory=Broken())["markdown"]
    assert "Unknown name" in text


def test_whole_file_with_problems_points_to_them():
    text = ask("explain", "def f(x)\n    return x\n")["markdown"]
    assert "`check` reports one problem: line 1 (missing colon)" in text
