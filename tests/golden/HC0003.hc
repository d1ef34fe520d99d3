name = "Ada"
print("Hello", name
print("done")
