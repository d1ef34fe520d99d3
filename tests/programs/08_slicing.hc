xs = list(range(10))
print(xs[2:5], xs[:3], xs[7:], xs[-3:], xs[::2], xs[1::3], xs[::-1], xs[8:2:-2])
print(xs[:], xs[5:100], xs[100:], xs[-100:2])
s = "abcdefgh"
print(s[1:4], s[::-1], s[-2:], s[:-2], s[::3])
t = (1, 2, 3, 4)
print(t[1:3], t[::-1])
r = range(0, 20, 2)
print(r[2:5], list(r[::-1])[:3], r[3])
ys = [0, 1, 2, 3, 4, 5]
ys[1:3] = ["a", "b", "c"]
print(ys)
ys[::2] = [9, 9, 9, 9]
print(ys)
ys[:] = []
print(ys)
zs = [1, 2, 3]
zs[1:1] = [10, 20]
print(zs)
print(xs[-1], s[-8], xs[len(xs) - 1])
