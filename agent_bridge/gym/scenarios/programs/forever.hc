def spin(n):
    while True:
        n = n + 1
    return n


def half(n):
    return n // 2
