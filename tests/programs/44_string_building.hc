parts = []
for i in range(10):
    parts.append(str(i * i))
print(",".join(parts))
line = ""
for word in ["alpha", "beta", "gamma"]:
    line += word[0].upper() + word[1:] + " "
print(line.strip())
table = []
for row in range(1, 4):
    cells = [f"{row * col:3d}" for col in range(1, 6)]
    table.append("|".join(cells))
print("\n".join(table))
csv = "name,qty,price\napple,3,0.5\npear,10,0.25\n"
total = 0.0
for row in csv.strip().split("\n")[1:]:
    name, qty, price = row.split(",")
    cost = int(qty) * float(price)
    total += cost
    print(f"{name:<6}{cost:>8.2f}")
print(f"{'total':<6}{total:>8.2f}")
banner = "=" * 20
print(banner)
print("|" + "HyperCode".upper() + "|")
sentence = "the quick brown fox"
print(" ".join([w[::-1] for w in sentence.split()]))
print(sentence.replace(" ", "_").title(), sentence.count("o"), sentence.find("quick"))
acronym = "".join([w[0] for w in "portable network graphics".split()]).upper()
print(acronym)
