# Numeric functions the JIT compiles; the output must match python3 exactly.
import math


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def fact(n):
    r = 1
    for i in range(2, n + 1):
        r *= i
    return r


def count_primes(n):
    count = 0
    for p in range(2, n):
        d = 2
        while d * d <= p:
            if p % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def floor_grid(n):
    total = 0
    for a in range(-n, n + 1):
        for b in range(-n, n + 1):
            if b != 0:
                total += (a // b) * 7 + a % b
    return total


def mean_of_squares(n):
    s = 0.0
    for i in range(n):
        s += i * i / 3
    return s / n


def safe_div(a, b):
    return a / b


def hypot(a, b):
    return math.sqrt(a * a + b * b)


def power(x, y):
    return x ** y


def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0.0


def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


print(fib(25), fib(2.0), fib(True))
print(fact(20), fact(25))
print(count_primes(2000))
print(floor_grid(12))
print(mean_of_squares(1000))
print(hypot(3, 4), hypot(1.5, 2), hypot(-0.0, 0.0))
print(power(2, 62), power(2, 64), power(2, -2), power(-8, 3), power(2.5, 3))
print(sign(5), sign(-2.5), sign(0), sign(-0.0))
print(max([collatz(n) for n in range(1, 3000)]))
try:
    print(safe_div(1, 0))
except ZeroDivisionError as e:
    print("caught:", e)
try:
    print(hypot(1e200, 1e200))
except Exception as e:
    print("caught:", e)
print(safe_div(7, 2), safe_div(-7.5, 2), safe_div(2 ** 60, 3))
