name = input("What is your name? ")
print()
print(f"Hello, {name}!")
n = int(input("How many numbers? "))
print()
total = 0
for i in range(n):
    value = float(input(f"Number {i + 1}: "))
    print()
    total += value
print(f"Sum: {total}, average: {total / n:.2f}")
lines = []
while True:
    try:
        line = input()
    except Exception:
        break
    lines.append(line.strip())
print("remaining lines:", lines)
