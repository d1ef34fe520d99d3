values = [0.1, 0.25, 1.5, 2.675, 1 / 7, 1e-7, 12345.678, 1e100, float("inf"), -float("inf")]
for v in values:
    print(v, round(v, 2), str(v))
print(round(2.5), round(3.5), round(-2.5), round(0.5))
print(round(1234.5678, -2), round(7))
print(3.0 * 1.1, 1.1 + 2.2, 1e3, 5e-324)
print([1.0, 2.50, 3.14159], (0.5,), {"pi": 3.14})
print(float("3.5"), float("  -2  "), float("1e5"))
