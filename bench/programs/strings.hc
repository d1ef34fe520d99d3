parts = []
for i in range(200000):
    parts.append(str(i % 97))
text = ",".join(parts)
words = []
for k in range(50000):
    words.append(f"w{k % 13}")
line = " ".join(words).upper()
print(len(text), len(line), line[:20])
