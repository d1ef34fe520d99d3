def greet(name, greeting="Hello"):
    return greeting + ", " + name

print(greet("Ada", greating="Hi"))
