price = 3
tax = 1
total = price tax
print(total)
