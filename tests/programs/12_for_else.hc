def find_divisor(n):
    for d in range(2, n):
        if n % d == 0:
            print(n, "has divisor", d)
            break
    else:
        print(n, "is prime")


for n in [7, 9, 13, 15]:
    find_divisor(n)
for i in range(3):
    for j in range(3):
        if j == i:
            continue
        print(i, j, end="; ")
print()
for ch in "abc":
    print(ch.upper(), end="")
else:
    print("!")
for x in []:
    print("never")
else:
    print("empty loop else runs")
total = 0
for i in range(10, 0, -3):
    total += i
print(total, list(range(5, 0, -1)))
