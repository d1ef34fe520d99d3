total = 10
print(total(5))
