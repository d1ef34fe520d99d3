# Three independent mistakes. `hcvm check examples/mistakes.hc` reports each once.
message = "Hello"
print(mesage)

def total(prices)
    return sum(prices)

if len(message) = 5:
    print("five letters")
