# A short guided tour of HyperCode.
# Run it with:  hcvm run examples/tour.hc
# Each part prints a heading, then shows one idea.

import math
import shapes


def heading(number, title):
    print()
    print(f"{number}. {title}")
    print("-" * (len(title) + 3))


heading(1, "Values")
print("Whole numbers are as big as you need:", 2 ** 70)
print("Decimals are doubles, exactly as in Python:", 0.1 + 0.2)
print("Text, truth and nothing:", "hello", True, None)
print("Lists, tuples and dictionaries:", [1, "a", None], (1,), {"k": 2.5})

heading(2, "Text")
name = "Ada Lovelace"
print(name.upper(), "|", name.split(), "|", name[:3], "|", name[-8:])
print(f"{name} wrote the first program in {1843}.")
print(f"Pi to three places: {math.pi:.3f}; right-aligned: [{42:>6}]")

heading(3, "Choices and loops")
for n in range(1, 16):
    if n % 15 == 0:
        word = "FizzBuzz"
    elif n % 3 == 0:
        word = "Fizz"
    elif n % 5 == 0:
        word = "Buzz"
    else:
        word = str(n)
    print(word, end=" ")
print()
for candidate in [4, 6, 9, 7]:
    if candidate % 2 == 1 and candidate > 8:
        print("found an odd number above 8:", candidate)
        break
else:
    print("no odd number above 8")


heading(4, "Functions")


def greet(person, greeting="Hello"):
    return f"{greeting}, {person}!"


print(greet("Grace"))
print(greet("Alan", greeting="Good morning"))


def make_counter():
    count = 0

    def step(by=1):
        return count + by

    return step


counter = make_counter()
print("A function that remembers its surroundings:", counter(), counter(5))
print("Squares with a comprehension:", [x * x for x in range(6) if x % 2 == 0])

heading(5, "Matching shapes of data")


def describe(command):
    match command:
        case ["go", direction]:
            return f"walking {direction}"
        case ["take", *things] if things:
            return "picking up " + ", ".join(things)
        case "look" | "l":
            return "looking around"
        case _:
            return "not sure what that means"


for command in [["go", "north"], ["take", "lamp", "key"], "look", 42]:
    print(command, "->", describe(command))

heading(6, "When things go wrong")
scores = {"ada": 36, "grace": 45}
try:
    print(scores["alan"])
except KeyError as missing:
    print("No score for", missing)
try:
    print(int("forty-two"))
except ValueError as problem:
    print("Not a number:", problem)
finally:
    print("(finally always runs)")

heading(7, "Modules beside your file")
print("A 3 by 4 rectangle has area", shapes.area(3, 4))
print("A circle of radius 2 has area", round(shapes.circle_area(2), 2))

heading(8, "Built-ins")
words = "the quick brown fox jumps over the lazy dog".split()
print("longest word:", max(words, key=len))
print("sorted by length:", sorted(words, key=len)[:4])
print("numbered:", list(enumerate(["a", "b"], start=1)))
print("paired:", list(zip([1, 2, 3], "xyz")))
print("sum, min, max:", sum([3, 1, 2]), min(3, 1, 2), max([3, 1, 2]))

print()
print("That's the tour. Next: 'hcvm check' on a file with mistakes shows how HyperCode explains them.")
