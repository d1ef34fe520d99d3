def f(list):
    total = 0
    for x in list:
        if x > 0:
            if x > 10:
                if x > 100:
                    if x > 1000:
                        total = total + x
    return total
    print("never")


print(f([5, 5000]))
