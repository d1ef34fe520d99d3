# Deep recursion and big numbers: the JIT must hand these back to the VM unchanged.
def down(n):
    if n == 0:
        return 0
    return 1 + down(n - 1)


def grow(n):
    x = 1
    for i in range(n):
        x = x * 3 + 1
    return x


def unbound(flag):
    if flag > 0:
        y = 2
    return y


print(down(500))
print(grow(30), grow(60))
print(unbound(1))
try:
    print(unbound(0))
except NameError as e:
    print("NameError")
