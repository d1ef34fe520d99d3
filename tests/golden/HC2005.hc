count = 0
print(10 / count)
