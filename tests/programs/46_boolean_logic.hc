def truth_table(name, fn):
    print(name)
    for a in [False, True]:
        for b in [False, True]:
            print(f"  {a!s:5} {b!s:5} -> {fn(a, b)}")


def and_(a, b):
    return a and b


def or_(a, b):
    return a or b


def xor(a, b):
    return (a or b) and not (a and b)


def implies(a, b):
    return not a or b


truth_table("and", and_)
truth_table("or", or_)
truth_table("xor", xor)
truth_table("implies", implies)
print(0 or [] or "first truthy" or "never")
print(1 and "all" and "truthy", 1 and 0 and "never")
calls = []


def noisy(v):
    calls.append(v)
    return v


print(noisy(0) and noisy(1), noisy(2) or noisy(3), calls)
print(not None, not "", not [0], True == 1, False == 0)
