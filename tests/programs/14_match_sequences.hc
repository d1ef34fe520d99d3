def shape(cmd):
    match cmd:
        case []:
            return "empty"
        case [x]:
            return f"one: {x}"
        case ["go", direction]:
            return f"go {direction}"
        case ["pick", *items]:
            return f"pick {items}"
        case [first, *middle, last]:
            return f"first={first} middle={middle} last={last}"
        case _:
            return "not a list"


print(shape([]))
print(shape([7]))
print(shape(["go", "north"]))
print(shape(["pick", "apple", "pear"]))
print(shape([1, 2, 3, 4]))
print(shape("text"))
print(shape((1, 2, 3)))
match (1, (2, 3)):
    case (a, (b, c)):
        print(a + b + c)
match [1, 2]:
    case [1, 2] as pair:
        print("as", pair)
point = [0, 5]
match point:
    case [0, y] if y > 0:
        print("on positive y axis", y)
    case [0, y]:
        print("on y axis", y)
