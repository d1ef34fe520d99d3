def f(x):
    try:
        if x == 0:
            return "zero"
        return 10 // x
    finally:
        print("finally for", x)


print(f(0))
print(f(5))


def g():
    try:
        return "from try"
    finally:
        return "from finally"


print(g())


def h():
    for i in range(5):
        try:
            if i == 2:
                break
            print("i =", i)
        finally:
            print("cleanup", i)
    return "done"


print(h())


def swallow():
    try:
        1 / 0
    finally:
        return "finally swallowed the error"


print(swallow())
try:
    try:
        raise ValueError("inner")
    finally:
        print("inner finally")
except ValueError as e:
    print("outer got", e)


def nested():
    try:
        try:
            return 1
        finally:
            print("first")
    finally:
        print("second")


print(nested())
count = 0
while count < 3:
    try:
        count += 1
        if count == 2:
            continue
        print("count", count)
    finally:
        print("end of iteration", count)
