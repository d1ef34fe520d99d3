import math

print(math.sqrt(16), math.sqrt(2))
print(math.floor(3.7), math.ceil(3.2), math.floor(-3.5), math.ceil(-3.5))
print(math.pi, math.e)
print(round(math.sin(math.pi / 2), 6), round(math.cos(0), 6), round(math.tan(math.pi / 4), 6))
print(math.log(math.e), math.log(100, 10), math.log(8, 2), math.exp(0), round(math.exp(1), 10))
print(math.pow(2, 10), math.inf, -math.inf, math.inf > 10 ** 100)
print(math.isclose(0.1 + 0.2, 0.3), 0.1 + 0.2 == 0.3)


def hypot(a, b):
    return math.sqrt(a * a + b * b)


print(hypot(3, 4), hypot(5, 12))
area = math.pi * 2 ** 2
print(f"{area:.3f}")
try:
    math.sqrt(-1)
except ValueError as e:
    print("ValueError:", e)
