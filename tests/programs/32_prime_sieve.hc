def sieve(limit):
    flags = [True] * (limit + 1)
    flags[0] = flags[1] = False
    p = 2
    while p * p <= limit:
        if flags[p]:
            for multiple in range(p * p, limit + 1, p):
                flags[multiple] = False
        p += 1
    return [i for i, is_p in enumerate(flags) if is_p]


primes = sieve(100)
print(primes)
print(len(sieve(10000)), sieve(10000)[-3:])
twins = [(p, p + 2) for p in primes if p + 2 in primes]
print(twins)


def factorize(n):
    factors = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    if n > 1:
        factors.append(n)
    return factors


for n in [12, 97, 360, 9999, 2 ** 31 - 1]:
    print(n, factorize(n))
