message = "Hello"
print(mesage)
