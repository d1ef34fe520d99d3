# Values: ints, floats, bools, None and how print shows them
print(42, -7, 0, 1_000_000, 0xFF)
print(3.14, 1e-3, 2.0, 1e20, 1e16, 123456789.0, -0.0)
print(True, False, None)
print(2 ** 100)
print(10 // 3, -10 // 3, 10 % 3, -10 % 3, 10 / 4, 9 / 3)
print(7.5 // 2, 7.5 % 2, 2 ** -1, 2 ** 0.5)
print(True + True, True * 3, 1 == 1.0, 0.1 + 0.2)
print(int(3.99), int(-3.99), float(7), abs(-5), abs(-2.5))
print(1 / 3, 2 / 3, 100 / 7)
big = 1
for i in range(1, 30):
    big = big * i
print(big)
print(bool(0), bool(1), bool(""), bool("a"), bool([]), bool([0]), bool(None), bool({}))
