"""The reviewer: positioned comments, each one idea with one suggestion."""

from specialist_helpers import ask

MESSY = """def totalPrice(list):
    q = 0
    for item in list:
        q += item
    return q
    print("done")

def check(xs):
    for x in xs:
        if x > 0:
            if x > 10:
                if x > 100:
                    print("big")

name = "ada"
name.upper()
len(name)
x = 1
x == 2
print("a")
print("b")
print("c")
y = 2
print("a")
print("b")
print("c")
try:
    z = int("3")
except Error:
    pass
"""


def by_rule(answer):
    found = {}
    for comment in answer["findings"]:
        found.setdefault(comment["rule"], []).append(comment)
    return found


def test_each_kind_of_comment_with_its_line():
    answer = ask("review", MESSY)
    rules = by_rule(answer)
    assert rules["camel_case"][0]["line"] == 1 and "`total_price`" in rules["camel_case"][0]["suggestion"]
    assert rules["shadowed_builtin"][0]["line"] == 1 and "`items`" in rules["shadowed_builtin"][0]["suggestion"]
    assert rules["short_name"][0]["line"] == 2
    assert rules["dead_code"][0]["line"] == 6 and "after `return`" in rules["dead_code"][0]["message"]
    assert rules["deep_nesting"][0]["line"] == 13
    unused = {c["line"]: c for c in rules["unused_result"]}
    assert "`name = name.upper()`" in unused[16]["suggestion"]
    assert 17 in unused
    assert rules["unused_value"][0]["line"] == 19
    assert rules["repeated_code"][0]["line"] == 24 and "20–22" in rules["repeated_code"][0]["message"]
    assert rules["catch_all"][0]["line"] == 29


def test_comments_have_ranges_one_idea_and_a_suggestion():
    answer = ask("review", MESSY)
    for comment in answer["findings"]:
        start = comment["range"]["start"]
        assert start["line"] == comment["line"] - 1 and start["character"] >= 0
        assert comment["message"].count(". ") == 0, comment["message"]   # one sentence: one idea
        assert comment["suggestion"].endswith(".")
    lines = answer["markdown"].splitlines()
    assert lines[0].startswith("Review of `prog.hc`")
    assert any(line.startswith("- Line 6: This line never runs") for line in lines)


def test_a_clean_file_says_so():
    clean = "def area(width, height):\n    return width * height\n\nprint(area(2, 3))\n"
    answer = ask("review", clean)
    assert answer["findings"] == []
    assert "I found nothing to suggest" in answer["markdown"]


def test_a_selection_limits_the_comments():
    answer = ask("review", MESSY, lines=(15, 19))
    assert {c["line"] for c in answer["findings"]} <= set(range(15, 20))
    assert answer["findings"]


def test_an_elif_chain_is_not_deep_nesting():
    fizz = """for n in range(1, 16):
    if n % 15 == 0:
        word = "FizzBuzz"
    elif n % 3 == 0:
        word = "Fizz"
    elif n % 5 == 0:
        word = "Buzz"
    else:
        word = str(n)
    print(word)
"""
    assert "deep_nesting" not in {c["rule"] for c in ask("review", fizz)["findings"]}
