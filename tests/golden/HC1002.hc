def area(w, h):
    result = w * h
    return w * h

print(area(2, 3))
