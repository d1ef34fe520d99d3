t = (1, 2, 3)
print(t, t[0], t[-1], len(t), t + (4,), t * 2)
single = (5,)
empty = ()
print(single, empty, len(empty))
a, b, c = t
print(a, b, c)
point = (3, 4)
x, y = point
print(x * x + y * y)
pairs = [(1, "one"), (2, "two"), (3, "three")]
for n, word in pairs:
    print(n, word)
print(sorted([(2, "b"), (1, "z"), (2, "a")]))
print((1, 2) < (1, 3), (1, 2) == (1, 2), 2 in t)
print(tuple([1, 2]), tuple("ab"), list((1, 2)))
def min_max(xs):
    return min(xs), max(xs)
lo, hi = min_max([4, 9, 1])
print(lo, hi, min_max([7]))
