def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    else:
        return "large"


for n in [-5, 0, 3, 42]:
    print(n, classify(n))
x = 7
if x > 5 and x < 10:
    print("between")
if not x == 3:
    print("not three")
if x % 2 == 1 or x > 100:
    print("odd or big")
label = "even" if x % 2 == 0 else "odd"
print(label)
if []:
    print("never")
else:
    print("empty list is falsy")
print(1 and 2, 0 and 2, 0 or "x", "" or None, None or 0, not 0)
