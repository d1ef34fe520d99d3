def balanced(text):
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return len(stack) == 0


for t in ["(a[b]{c})", "(]", "((", "", "{[()()]}"]:
    print(f"{t!r:12} balanced={balanced(t)}")
queue = []
for job in ["print", "scan", "fax"]:
    queue.append(job)
while queue:
    job = queue.pop(0)
    print("processing", job, "remaining", queue)


def rpn(expr):
    stack = []
    for tok in expr.split():
        if tok in ["+", "-", "*", "/"]:
            b = stack.pop()
            a = stack.pop()
            match tok:
                case "+":
                    stack.append(a + b)
                case "-":
                    stack.append(a - b)
                case "*":
                    stack.append(a * b)
                case "/":
                    stack.append(a / b)
        else:
            stack.append(float(tok))
    return stack.pop()


print(rpn("3 4 + 2 *"), rpn("5 1 2 + 4 * + 3 -"), rpn("2 3 4 * +"))
try:
    rpn("1 +")
except IndexError as e:
    print("malformed:", e)
