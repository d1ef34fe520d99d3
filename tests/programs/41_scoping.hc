counter = 0


def read_global():
    return counter + 1


def shadow():
    counter = 100
    return counter


def broken():
    total = counter
    counter = total + 1
    return counter


print(read_global(), shadow(), counter)
try:
    broken()
except NameError as e:
    print("NameError:", e)


def outer():
    value = "enclosing"

    def inner():
        return value

    value = "changed before call"
    return inner()


print(outer())
len_ = len
print(len_([1, 2]))


def uses_builtin_name():
    max = 3
    return max


print(uses_builtin_name(), max(1, 2))
for loop_var in range(3):
    pass
print(loop_var)
if True:
    block_var = "visible after the block"
print(block_var)


def comprehension_scope():
    i = "kept"
    squares = [i * i for i in range(4)]
    return i, squares


print(comprehension_scope())
