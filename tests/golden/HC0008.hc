def double(x):
    retrun x * 2

print(double(4))
