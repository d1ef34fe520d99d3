// Example programs. Each is valid HyperCode (and valid Python 3.11).

export const EXAMPLES = [
  {
    id: "hello",
    title: "Hello, friend",
    text: `# Your first program: say hello.
# Press Run (or Ctrl+Enter) to see what it prints.

name = "friend"
print(f"Hello, {name}!")
print("Welcome to HyperCode.")
`,
  },
  {
    id: "shopping",
    title: "Shopping list",
    text: `# Lists and dictionaries: add up a shopping list.

prices = {"apples": 1.2, "bread": 2.5, "tea": 3.0}
basket = ["apples", "apples", "tea", "bread"]

total = 0
for item in basket:
    total += prices[item]

print(f"You bought {len(basket)} things.")
print(f"Total: {total:.2f}")

counts = {}
for item in basket:
    counts[item] = counts.get(item, 0) + 1
for item, count in counts.items():
    print(f"{item:>8}: {count}")
`,
  },
  {
    id: "functions",
    title: "Functions and recursion",
    text: `# Functions take inputs and return an answer.

def factorial(n):
    if n <= 1:
        return 1
    return n * factorial(n - 1)


def greet(name, greeting="Hi"):
    return f"{greeting}, {name}."


for n in range(1, 6):
    print(n, factorial(n))

print(greet("Sam"))
print(greet("Alex", greeting="Good morning"))
`,
  },
  {
    id: "match",
    title: "Choosing with match",
    text: `# match picks the first case that fits.

def describe(value):
    match value:
        case 0:
            return "zero"
        case [first, *rest]:
            return f"a list starting with {first}, plus {len(rest)} more"
        case n if n > 0:
            return "a positive number"
        case _:
            return "something else"


for value in [0, 7, -3, [1, 2, 3]]:
    print(value, "is", describe(value))
`,
  },
  {
    id: "errors",
    title: "Handling errors calmly",
    text: `# try / except lets a program recover from a problem.

def safe_divide(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        print("Dividing by zero is not possible, so the answer is None.")
        return None


print(safe_divide(10, 4))
print(safe_divide(1, 0))

words = ["calm", "clear", "kind"]
shouted = [word.upper() for word in words if len(word) > 4]
print(shouted)
`,
  },
  {
    id: "ask",
    title: "Ask and answer (input)",
    text: `# input() asks for a line while the program runs.
# Press Run, then type your answer at the end of the Output.

name = input("What is your name? ")
times = int(input("How many greetings? "))
for i in range(times):
    print(f"Hello, {name}! ({i + 1})")
`,
  },
  {
    id: "fixme",
    title: "Fix me: a small typo",
    text: `# This program has a typo. The editor underlines it gently.
# Hover the underline (or open Problems) and choose the quick fix.

message = "Hello from HyperCode"
print(mesage)
`,
  },
];
