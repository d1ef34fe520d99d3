def safe_div(a, b):
    try:
        result = a / b
    except ZeroDivisionError as e:
        print("cannot divide:", e)
        return None
    else:
        print("divided fine")
        return result


print(safe_div(10, 4))
print(safe_div(1, 0))
try:
    [1, 2, 3][10]
except IndexError as e:
    print("IndexError:", e)
try:
    {"a": 1}["b"]
except KeyError as e:
    print("KeyError:", e)
try:
    int("twelve")
except ValueError as e:
    print("ValueError:", e)
try:
    "a" + 1
except TypeError as e:
    print("TypeError:", e)
try:
    10 % 0
except Exception as e:
    print("caught by Exception:", e)
try:
    [].pop()
except IndexError as e:
    print("pop:", e)
try:
    try:
        1 / 0
    except ValueError:
        print("wrong handler")
except ZeroDivisionError:
    print("outer handler caught it")
try:
    x = 1
except:
    print("never")
else:
    print("else runs when nothing failed")
for i in range(3):
    try:
        if i == 1:
            continue
        print("body", i)
    except Exception:
        pass
