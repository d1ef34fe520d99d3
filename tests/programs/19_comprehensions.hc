squares = [x * x for x in range(10)]
print(squares)
evens = [x for x in range(20) if x % 2 == 0 if x % 3 != 0]
print(evens)
words = ["apple", "Banana", "cherry"]
print([w.upper() for w in words], [len(w) for w in words])
pairs = [(i, c) for i, c in enumerate("abc")]
print(pairs)
matrix = [[r * 3 + c for c in range(3)] for r in range(3)]
print(matrix)
print([row[1] for row in matrix])
x = "outer"
print([x for x in "xyz"], x)
n = 3
print([i * n for i in range(4)])


def scaled(factor):
    return [v * factor for v in [1, 2, 3]]


print(scaled(10))
print([[y for y in range(x)] for x in range(4)])
print(sum([i for i in range(101)]), [c for c in "hello" if c not in "aeiou"])
