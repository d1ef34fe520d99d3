accounts = {}


def open_account(owner, deposit=0):
    if owner in accounts:
        raise ValueError(f"{owner} already has an account")
    accounts[owner] = {"balance": deposit, "history": [("open", deposit)]}


def deposit(owner, amount):
    if amount <= 0:
        raise ValueError("deposit must be positive")
    acct = accounts[owner]
    acct["balance"] += amount
    acct["history"].append(("deposit", amount))


def withdraw(owner, amount):
    acct = accounts[owner]
    if amount > acct["balance"]:
        raise ValueError(f"insufficient funds for {owner}")
    acct["balance"] -= amount
    acct["history"].append(("withdraw", amount))


def transfer(src, dst, amount):
    withdraw(src, amount)
    deposit(dst, amount)


open_account("ann", 100)
open_account("bob")
operations = [
    ("deposit", "bob", 50),
    ("transfer", "ann", "bob", 30),
    ("withdraw", "bob", 500),
    ("deposit", "ann", -5),
    ("withdraw", "carl", 1),
    ("transfer", "bob", "ann", 80),
]
for op in operations:
    try:
        match op:
            case ["deposit", who, amount]:
                deposit(who, amount)
            case ["withdraw", who, amount]:
                withdraw(who, amount)
            case ["transfer", a, b, amount]:
                transfer(a, b, amount)
        print("ok:", op)
    except ValueError as e:
        print("failed:", e)
    except KeyError as e:
        print("no such account:", e)
try:
    open_account("ann")
except ValueError as e:
    print(e)
for owner, acct in accounts.items():
    print(owner, acct["balance"], acct["history"])
print("total money:", sum([a["balance"] for a in accounts.values()]))
