colours = ["red", "green"]
print(colours[2])
