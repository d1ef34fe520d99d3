counts = {"a": 0}
counts["a"] += 5
counts["a"] *= 3
counts["a"] -= 1
counts["a"] //= 2
print(counts)
grid = [[1, 2], [3, 4]]
grid[0][1] += 10
grid[1][0] *= 3
grid[1][1] %= 3
print(grid)
s = "ab"
s += "cd"
s *= 2
print(s)
xs = [1]
alias = xs
xs += [2, 3]
print(xs, alias, xs == alias)
t = (1,)
t += (2,)
print(t)
n = 10
n /= 4
print(n)
calls = []


def key():
    calls.append("key")
    return "k"


d = {"k": 1}
d[key()] += 1
print(d, calls)
names = ["x"]
names[0] += "yz"
print(names)
