def tokenize(text):
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " ":
            i += 1
        elif ch.isdigit():
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
            tokens.append(float(text[i:j]) if "." in text[i:j] else int(text[i:j]))
            i = j
        elif ch in "+-*/()":
            tokens.append(ch)
            i += 1
        else:
            raise ValueError(f"bad character {ch!r}")
    return tokens


def parse_expr(tokens, pos):
    value, pos = parse_term(tokens, pos)
    while pos < len(tokens) and tokens[pos] in ["+", "-"]:
        op = tokens[pos]
        right, pos = parse_term(tokens, pos + 1)
        value = apply(op, value, right)
    return value, pos


def parse_term(tokens, pos):
    value, pos = parse_atom(tokens, pos)
    while pos < len(tokens) and tokens[pos] in ["*", "/"]:
        op = tokens[pos]
        right, pos = parse_atom(tokens, pos + 1)
        value = apply(op, value, right)
    return value, pos


def parse_atom(tokens, pos):
    tok = tokens[pos]
    match tok:
        case "(":
            value, pos = parse_expr(tokens, pos + 1)
            return value, pos + 1
        case "-":
            value, pos = parse_atom(tokens, pos + 1)
            return -value, pos
        case _:
            return tok, pos + 1


def apply(op, a, b):
    match op:
        case "+":
            return a + b
        case "-":
            return a - b
        case "*":
            return a * b
        case "/":
            return a / b


def calc(text):
    try:
        value, pos = parse_expr(tokenize(text), 0)
        return value
    except ZeroDivisionError:
        return "division by zero"
    except ValueError as e:
        return f"error: {e}"
    except IndexError:
        return "error: incomplete expression"


for expr in ["1 + 2 * 3", "(1 + 2) * 3", "10 / 4", "2 * (3 + 4) - -1", "1 / 0", "2 $ 3",
             "3.5 * 2", "(1 + ", "100 - 1 - 1"]:
    print(f"{expr} = {calc(expr)}")
