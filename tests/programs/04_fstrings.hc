name = "Ada"
age = 36
pi = 3.14159265
print(f"Hello {name}!")
print(f"{name} is {age} years old, next year {age + 1}")
print(f"{pi:.2f} {pi:.4f} {pi:10.3f}| {pi:e}")
print(f"[{name:>8}] [{name:<8}] [{name:^8}] [{name:*^9}]")
print(f"{age:05d} {age:x} {age:b} {1234567:,} {0.25:.1%}")
print(f"{name!r} {[1, 2]} {{literal}} {'nested'}")
items = ["a", "b"]
print(f"{len(items)} items: {', '.join(items)}")
print(f"{3 > 2} {None} {1 / 4}")
for i in range(3):
    print(f"row {i:2}: {i * i:>4}")
print(f"{-5:+d} {5:+d} {12.5:g} {100000000.0:g}")
