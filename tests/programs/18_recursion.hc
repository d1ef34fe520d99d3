def factorial(n):
    if n <= 1:
        return 1
    return n * factorial(n - 1)


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def hanoi(n, src, dst, via, moves):
    if n == 0:
        return
    hanoi(n - 1, src, via, dst, moves)
    moves.append((src, dst))
    hanoi(n - 1, via, dst, src, moves)


def flatten(xs):
    out = []
    for x in xs:
        match x:
            case [*inner]:
                out.extend(flatten(inner))
            case _:
                out.append(x)
    return out


def power_set(xs):
    if not xs:
        return [[]]
    rest = power_set(xs[1:])
    return rest + [[xs[0]] + r for r in rest]


print(factorial(20), factorial(30))
print([fib(i) for i in range(15)])
moves = []
hanoi(4, "A", "C", "B", moves)
print(len(moves), moves[:3])
print(flatten([1, [2, [3, [4]], 5], [[6]]]))
print(power_set([1, 2, 3]))


def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)


print(depth(500))
