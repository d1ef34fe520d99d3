base = "the quick brown fox jumps over the lazy dog and the cat sat on the mat with a hat"
words = (base + " ") * 5000
counts = {}
for w in words.split():
    counts[w] = counts.get(w, 0) + 1
top = sorted(counts.items(), key=None, reverse=False)
for word, n in top[:5]:
    print(word, n)
print(len(counts))
