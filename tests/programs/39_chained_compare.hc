x = 5
print(1 < x < 10, 1 < x > 10, 0 <= x <= 5 < 6, 10 > x >= 5 == 5)
print(1 == 1 == 1, 1 == 1 != 2, "a" < "b" < "c", 3 > 2 > 1 > 0)
calls = []


def val(n):
    calls.append(n)
    return n


print(val(1) < val(2) < val(0) < val(3))
print(calls)
print(2 in [1, 2] in [[1, 2]], 5 not in [1, 2] == True)
ages = [3, 17, 18, 64, 65, 90]
for a in ages:
    if 0 <= a < 18:
        group = "minor"
    elif 18 <= a < 65:
        group = "adult"
    else:
        group = "senior"
    print(a, group)
