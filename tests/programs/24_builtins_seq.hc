names = ["carol", "alice", "bob"]
print(sorted(names), sorted(names, reverse=True), sorted(names, key=len))
print(list(enumerate(names)), list(enumerate(names, start=1)))
for i, n in enumerate(names, 1):
    print(i, n)
scores = [88, 92, 79]
print(list(zip(names, scores)), list(zip([1, 2, 3], "ab")))
for n, s in zip(names, scores):
    print(f"{n}: {s}")
print(list(reversed(names)), list(reversed(range(4))), list(reversed("abc")))
print(len(names), len("hello"), len({"a": 1}), len(range(10)), len(()))
print(list("abc"), list(range(3)), tuple(range(3)), list({"x": 1, "y": 2}))
print(list(range(2, 20, 5)), list(range(-3)), range(5))


def last_letter(w):
    return w[-1]


print(sorted(names, key=last_letter))
print(max(names, key=len), min(names, key=last_letter))
pairs = sorted(zip(scores, names))
print(pairs)
print(dict(zip(names, scores)))
