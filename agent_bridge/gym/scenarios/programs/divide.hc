def share(total, people):
    return total / people


print(share(10, 2))
