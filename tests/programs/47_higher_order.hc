def apply_twice(f, x):
    return f(f(x))


def square(x):
    return x * x


def my_map(f, xs):
    return [f(x) for x in xs]


def my_filter(pred, xs):
    return [x for x in xs if pred(x)]


def my_reduce(f, xs, start):
    acc = start
    for x in xs:
        acc = f(acc, x)
    return acc


def is_even(n):
    return n % 2 == 0


def add(a, b):
    return a + b


print(apply_twice(square, 3))
print(my_map(square, range(6)))
print(my_filter(is_even, range(10)))
print(my_reduce(add, range(1, 11), 0))
pipeline = [square, str, len]
value = 12345
for step in pipeline:
    value = step(value)
print(value)
ops = {"add": add, "mul": None}
ops["mul"] = my_reduce
print(ops["add"](2, 3))


def make_multiplier(k):
    def mul(x):
        return x * k
    return mul


triple = make_multiplier(3)
print(my_map(triple, [1, 2, 3]), sorted([5, -7, 3], key=abs), max([-9, 4], key=abs))
print(sorted(["bb", "a", "ccc"], key=len, reverse=True))
