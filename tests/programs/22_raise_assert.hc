def withdraw(balance, amount):
    if amount <= 0:
        raise ValueError("amount must be positive")
    if amount > balance:
        raise ValueError(f"insufficient funds: {balance} < {amount}")
    return balance - amount


for amt in [30, -5, 500]:
    try:
        print("new balance", withdraw(100, amt))
    except ValueError as e:
        print("refused:", e)
try:
    assert 1 + 1 == 3, "math is broken"
except AssertionError as e:
    print("assertion:", e)
try:
    assert False
except AssertionError as e:
    print("bare assertion:", f"[{e}]")
assert True, "never fails"


def check(n):
    try:
        if n < 0:
            raise KeyError("negative")
        return n
    except KeyError:
        print("re-raising")
        raise


try:
    check(-1)
except KeyError as e:
    print("caught again:", e)
try:
    raise TypeError("custom type error")
except Exception as e:
    print(e)
err = ValueError("stored")
try:
    raise err
except ValueError as e:
    print("raised stored:", e)
try:
    raise IndexError
except IndexError as e:
    print("class raised:", f"[{e}]")
print(ValueError("shown"), [KeyError("k")])
