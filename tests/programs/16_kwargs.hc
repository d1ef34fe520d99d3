def box(width, height=1, fill="#"):
    rows = []
    for i in range(height):
        rows.append(fill * width)
    return "\n".join(rows)


print(box(3))
print(box(2, fill="*", height=2))
print(box(height=1, width=5))


def describe(name, age=0, city="nowhere"):
    return f"{name} ({age}) from {city}"


print(describe("Ann", city="Oslo"))
print(describe(age=30, name="Bob"))
print(sorted([3, 1, 2], reverse=True))
print("a", "b", "c", sep="-", end=".\n")
print("no newline", end="")
print(" then newline")
print(1, 2, 3, sep=", ")
