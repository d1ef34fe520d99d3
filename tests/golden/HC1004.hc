def f():
    return 1

return f()
