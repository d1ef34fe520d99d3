def make_counter():
    count = 0

    def increment():
        return count + 1

    count = 5
    return increment


c = make_counter()
print(c())


def make_adder(n):
    def add(x):
        return x + n
    return add


add3 = make_adder(3)
add10 = make_adder(10)
print(add3(1), add10(1), add3(add10(0)))


def make_accumulator():
    items = []

    def add(x):
        items.append(x)
        return len(items)

    return add


acc = make_accumulator()
acc("a")
acc("b")
print(acc("c"))


def outer():
    x = "outer"

    def middle():
        def inner():
            return x + "!"
        return inner()

    return middle()


print(outer())
adders = []
for i in range(3):
    adders.append(make_adder(i))
print([f(100) for f in adders])


def compose(f, g):
    def h(x):
        return f(g(x))
    return h


double_then_add3 = compose(add3, make_adder(0))
print(double_then_add3(4))
