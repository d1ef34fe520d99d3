def fizzbuzz(n):
    if n % 15 == 0:
        return "FizzBuzz"
    if n % 3 == 0:
        return "Fizz"
    if n % 5 == 0:
        return "Buzz"
    return str(n)


for i in range(1, 31):
    print(fizzbuzz(i))


def fizzbuzz_match(n):
    match (n % 3, n % 5):
        case (0, 0):
            return "FizzBuzz"
        case (0, _):
            return "Fizz"
        case (_, 0):
            return "Buzz"
        case _:
            return n


print([fizzbuzz_match(i) for i in range(1, 16)])
print(", ".join([fizzbuzz(i) for i in range(90, 101)]))
