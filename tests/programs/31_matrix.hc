def zeros(rows, cols):
    return [[0] * cols for _ in range(rows)]


def matmul(a, b):
    n, m, p = len(a), len(b), len(b[0])
    if len(a[0]) != m:
        raise ValueError("shape mismatch")
    out = zeros(n, p)
    for i in range(n):
        for j in range(p):
            s = 0
            for k in range(m):
                s += a[i][k] * b[k][j]
            out[i][j] = s
    return out


def transpose(a):
    return [[row[j] for row in a] for j in range(len(a[0]))]


def identity(n):
    m = zeros(n, n)
    for i in range(n):
        m[i][i] = 1
    return m


def show(m):
    for row in m:
        print(" ".join([f"{x:4}" for x in row]))


a = [[1, 2, 3], [4, 5, 6]]
b = [[7, 8], [9, 10], [11, 12]]
show(matmul(a, b))
print(transpose(a))
print(matmul(identity(2), [[5, 6], [7, 8]]))
try:
    matmul(a, a)
except ValueError as e:
    print("error:", e)
power = identity(2)
fib_m = [[1, 1], [1, 0]]
for _ in range(10):
    power = matmul(power, fib_m)
print(power[0][1])
