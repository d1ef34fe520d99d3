inventory = {}


def add(name, qty, price):
    item = inventory.setdefault(name, {"qty": 0, "price": price})
    item["qty"] += qty
    item["price"] = price


def remove(name, qty):
    if name not in inventory:
        raise KeyError(name)
    item = inventory[name]
    if item["qty"] < qty:
        raise ValueError(f"only {item['qty']} {name} left")
    item["qty"] -= qty
    if item["qty"] == 0:
        inventory.pop(name)


def report():
    total = 0
    for name in sorted(inventory):
        item = inventory[name]
        value = item["qty"] * item["price"]
        total += value
        print(f"{name:<10}{item['qty']:>5}{item['price']:>8.2f}{value:>10.2f}")
    print(f"{'TOTAL':<23}{total:>10.2f}")


add("widget", 10, 2.5)
add("gadget", 3, 10.0)
add("widget", 5, 2.75)
add("doohickey", 1, 99.99)
report()
for name, qty in [("gadget", 3), ("widget", 100), ("sprocket", 1), ("widget", 15)]:
    try:
        remove(name, qty)
        print("removed", qty, name)
    except ValueError as e:
        print("cannot remove:", e)
    except KeyError as e:
        print("unknown item:", e)
report()
print(inventory)
