def shout(text):
    return text.uppr()

print(shout("hi"))
