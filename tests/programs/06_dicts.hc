d = {"one": 1, "two": 2}
d["three"] = 3
print(d, len(d), d["two"])
print(d.get("one"), d.get("four"), d.get("four", 4))
print(list(d.keys()), list(d.values()), list(d.items()))
for k, v in d.items():
    print(k, "->", v)
print(d.pop("one"), d)
print(d.pop("missing", "default"))
print(d.setdefault("two", 99), d.setdefault("five", 5), d)
d.update({"six": 6, "two": 22})
print(d)
e = d.copy()
e.clear()
print(e, d == e, "two" in d, "zzz" not in d)
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(counts)
print(dict([("a", 1), ("b", 2)]), dict({"x": 1}))
nested = {"a": {"b": [1, 2]}}
nested["a"]["b"].append(3)
print(nested)
keys = sorted(counts)
print(keys, sorted(counts.values()))
print({1: "int", 2.5: "float", (1, 2): "tuple", None: "none"})
