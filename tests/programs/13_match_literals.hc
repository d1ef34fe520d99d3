def describe(x):
    match x:
        case 0:
            return "zero"
        case 1 | 2 | 3:
            return "small"
        case "hello":
            return "greeting"
        case None:
            return "nothing"
        case True:
            return "true"
        case -1:
            return "minus one"
        case n if n > 100:
            return f"big {n}"
        case _:
            return "other"


for v in [0, 2, "hello", None, -1, 500, 50, 3.5, True]:
    print(f"{v!r} -> {describe(v)}")


def http(status):
    match status:
        case 200 | 201:
            print("ok")
        case 404:
            print("not found")
        case code:
            print("code", code)


http(201)
http(404)
http(500)
match 5:
    case 6:
        print("no match at all")
print("after")
