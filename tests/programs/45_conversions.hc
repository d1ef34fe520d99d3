print(int("12") + 1, str(12) + "1", float("1.5") * 2, int(float("2.7")))
print(bool("False"), bool(""), int(True), float(False), str(0.5), str(-0))
print(list("abc"), tuple([1, 2]), list((3, 4)), dict([("k", "v")]))
print(round(float("3.14159"), 3), int("  42\n"), int("0"), float("-0.0"))
for text in ["10", "3.5", "abc", "", "1e3", " 7 "]:
    try:
        print(text, "->", int(text))
    except ValueError as e:
        print(text, "-> int failed:", e)
    try:
        print(text, "->", float(text))
    except ValueError as e:
        print(text, "-> float failed:", e)
print(str([1, "two", 3.0, None, True]), str({"a": (1,)}))
print(int(-7 / 2), -7 // 2, round(-7 / 2))
print(str(1 / 3)[:6], len(str(2 ** 64)))
