def binary_search(xs, target):
    lo, hi = 0, len(xs) - 1
    steps = 0
    while lo <= hi:
        steps += 1
        mid = (lo + hi) // 2
        if xs[mid] == target:
            return mid, steps
        elif xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1, steps


data = [x * 3 for x in range(1000)]
for t in [0, 3, 300, 2997, 1000, -3, 4000]:
    print(t, binary_search(data, t))


def bisect_left(xs, x):
    lo, hi = 0, len(xs)
    while lo < hi:
        mid = (lo + hi) // 2
        if xs[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


words = sorted(["pear", "apple", "fig", "kiwi", "banana"])
print(words, bisect_left(words, "cherry"), bisect_left(words, "zzz"))
