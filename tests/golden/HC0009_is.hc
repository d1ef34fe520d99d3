x = None
if x is None:
    print("nothing")
