e = ValueError("bad value")
print(e)
print(f"{e}")
print([e, KeyError("k"), IndexError()])
try:
    raise e
except ValueError as caught:
    print("caught:", caught, str(caught) == "bad value")
errors = [ValueError("v"), TypeError("t"), KeyError("missing"), ZeroDivisionError("z")]
for err in errors:
    try:
        raise err
    except KeyError as k:
        print("key error:", k)
    except Exception as other:
        print("other:", other)
try:
    {}["nope"]
except KeyError as k:
    print(k, f"[{k}]")
try:
    raise NameError("custom name error")
except NameError as n:
    print(n)
try:
    raise RecursionError("pretend recursion")
except RecursionError as r:
    print(r)
try:
    raise AssertionError("manual assert")
except AssertionError as a:
    print(a)


def risky(n):
    if n == 0:
        raise ValueError("zero")
    if n == 1:
        return [][0]
    return 10 // (n - 2)


for n in range(4):
    try:
        print("result", risky(n))
    except ValueError as err:
        print("ValueError", err)
    except IndexError as err:
        print("IndexError", err)
    except ZeroDivisionError as err:
        print("ZeroDivisionError", err)
