text = """It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief, it was the
epoch of incredulity, it was the season of Light, it was the season of Darkness"""


def clean(word):
    out = ""
    for ch in word.lower():
        if ch.isalpha():
            out += ch
    return out


counts = {}
for raw in text.split():
    w = clean(raw)
    if w:
        counts[w] = counts.get(w, 0) + 1


def by_count(item):
    return (-item[1], item[0])


ranked = sorted(counts.items(), key=by_count)
for word, n in ranked[:6]:
    print(f"{word:<8} {n:>3} {'*' * n}")
print("distinct words:", len(counts))
print("total words:", sum(counts.values()))
longest = max(counts, key=len)
print("longest:", longest, len(longest))
