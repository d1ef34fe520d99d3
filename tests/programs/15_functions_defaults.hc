def greet(name, greeting="Hello", punct="!"):
    return greeting + ", " + name + punct


print(greet("Ann"))
print(greet("Bob", "Hi"))
print(greet("Cy", "Hey", "?"))


def add_item(item, bucket=[]):
    bucket.append(item)
    return bucket


print(add_item(1))
print(add_item(2))
print(add_item(3, []))


def nothing():
    pass


def early(n):
    if n > 0:
        return
    return "non-positive"


print(nothing(), early(1), early(-1))


def count_down(n):
    while n > 0:
        n -= 1
    return n


start = 5
print(count_down(start), start)
default_value = 10


def uses_default(x=default_value):
    return x


default_value = 20
print(uses_default())
