def bubble_sort(xs):
    xs = xs.copy()
    n = len(xs)
    swaps = 0
    for i in range(n):
        swapped = False
        for j in range(n - 1 - i):
            if xs[j] > xs[j + 1]:
                xs[j], xs[j + 1] = xs[j + 1], xs[j]
                swaps += 1
                swapped = True
        if not swapped:
            break
    return xs, swaps


def merge_sort(xs):
    if len(xs) <= 1:
        return xs
    mid = len(xs) // 2
    left = merge_sort(xs[:mid])
    right = merge_sort(xs[mid:])
    out = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out


def quick_sort(xs):
    if len(xs) < 2:
        return xs
    pivot = xs[0]
    return quick_sort([x for x in xs[1:] if x < pivot]) + [pivot] + quick_sort([x for x in xs[1:] if x >= pivot])


data = [38, 27, 43, 3, 9, 82, 10, 3, -1, 55]
print(bubble_sort(data))
print(merge_sort(data))
print(quick_sort(data))
print(data == sorted(data), merge_sort(data) == sorted(data))
seed = 42
rand = []
for _ in range(200):
    seed = (seed * 1103515245 + 12345) % 2147483648
    rand.append(seed % 1000)
print(merge_sort(rand) == sorted(rand), quick_sort(rand)[:10], bubble_sort(rand)[1])
print(merge_sort(["pear", "Apple", "fig"]))
