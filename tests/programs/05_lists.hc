xs = [5, 3, 8]
xs.append(1)
xs.extend([9, 2])
xs.insert(0, 7)
print(xs, len(xs))
print(xs.pop(), xs.pop(0), xs)
xs.remove(8)
print(xs, xs.index(3), xs.count(3))
xs.sort()
print(xs)
xs.sort(reverse=True)
print(xs)
xs.reverse()
print(xs)
ys = xs.copy()
ys.append(100)
print(xs, ys)
ys.clear()
print(ys, [] == ys)
print([1, 2] + [3], [0] * 4, [1, [2, 3]], 3 in [1, 2, 3])
nested = [[1, 2], [3, 4]]
nested[1][0] = 30
print(nested, nested[1], nested[-1][-1])
a = [1, 2, 3]
b = a
b.append(4)
print(a, a == b)
print(min(a), max(a), sum(a), sorted([3, 1, 2]), list(reversed(a)))
words = ["banana", "Apple", "cherry"]
words.sort()
print(words)
print([1, 2, 3] < [1, 2, 4], [1, 2] == [1, 2])
