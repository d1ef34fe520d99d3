VALUES = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n):
    if n <= 0 or n >= 4000:
        raise ValueError(f"out of range: {n}")
    out = ""
    for value, numeral in VALUES:
        while n >= value:
            out += numeral
            n -= value
    return out


def from_roman(s):
    single = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i in range(len(s)):
        v = single[s[i]]
        if i + 1 < len(s) and single[s[i + 1]] > v:
            total -= v
        else:
            total += v
    return total


for n in [1, 4, 9, 14, 40, 90, 400, 1994, 2024, 3999]:
    r = to_roman(n)
    print(n, r, from_roman(r))
print(all([from_roman(to_roman(n)) == n for n in range(1, 4000)]))
for bad in [0, 4000]:
    try:
        to_roman(bad)
    except ValueError as e:
        print("error:", e)
try:
    from_roman("ABC")
except KeyError as e:
    print("bad numeral:", e)
