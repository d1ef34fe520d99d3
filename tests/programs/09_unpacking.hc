a, b = 1, 2
a, b = b, a
print(a, b)
(x, y), z = (1, 2), 3
print(x, y, z)
[p, q] = "hi"
print(p, q)
for i, (name, score) in enumerate([("ann", 90), ("bob", 85)]):
    print(i, name, score)
m = n = 5
print(m, n)
first, second, third = range(3)
print(first, second, third)
k, v = list({"key": "value"}.items())[0]
print(k, v)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print("error:", e)
try:
    a, b, c = [1, 2]
except ValueError as e:
    print("error:", e)
