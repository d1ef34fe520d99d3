library = {
    "books": [
        {"title": "Dune", "year": 1965, "tags": ["scifi", "classic"]},
        {"title": "Neuromancer", "year": 1984, "tags": ["scifi", "cyberpunk"]},
        {"title": "Emma", "year": 1815, "tags": ["classic", "romance"]},
    ],
    "members": {"ann": ["Dune"], "bob": []},
}
print(library["books"][1]["title"], library["books"][-1]["tags"][0])
by_tag = {}
for book in library["books"]:
    for tag in book["tags"]:
        by_tag.setdefault(tag, []).append(book["title"])
print(by_tag)
library["members"]["bob"].append("Emma")
print(library["members"])


def year_of(book):
    return book["year"]


print([b["title"] for b in sorted(library["books"], key=year_of)])
oldest = min(library["books"], key=year_of)
print(oldest)
matrix = [[(r, c) for c in range(2)] for r in range(2)]
print(matrix, matrix[1][0][1])
data = {"a": [1, {"b": (2, 3)}]}
print(data["a"][1]["b"][1], len(data["a"]))
copy = library["books"][0].copy()
copy["title"] = "Copy"
print(library["books"][0]["title"], copy["title"])
