# Valid Python that the front end must accept: augmented power, int() with a base,
# min/max with default=, dict() with keywords, keyword-only sort arguments, every error kind.
x = 2
x **= 10
print(x)
print(int("ff", 16), int("101", 2), int("  42  "))
print(max([], default=0), min([3, 1, 2], default=None), max(["aa", "b"], key=len))
settings = dict(theme="calm", size=14)
settings.update(size=16)
print(settings)
words = ["pear", "fig", "banana"]
words.sort(key=len, reverse=True)
print(words, sorted(words, key=len))


def count_up():
    try:
        total = total + 1
    except UnboundLocalError:
        return "unbound"
    return total


print(count_up())
try:
    [1, 2][5]
except LookupError as problem:
    print("lookup:", problem)
try:
    1 / 0
except ArithmeticError as problem:
    print("arithmetic:", problem)
try:
    raise RuntimeError("stop")
except Exception as problem:
    print("exception:", problem)
print("find:", "banana".find("a", 2), "banana".count("a", 0, 4), "hello".startswith("ll", 2))
