def grade(score):
    if score >= 90:
        return "A"
    if score >= 50:
        return "pass"
    return "try again"


def average(values):
    return sum(values) / len(values)


print(grade(95), average([1, 2, 3]))
