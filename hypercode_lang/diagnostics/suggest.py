""""Did you mean …?": the closest known name by edit distance (spec §8).

Distance is Damerau–Levenshtein (a swap of neighbours costs 1, so `mesage`/`message` and
`pirnt`/`print` are close); differences of letter case cost nothing; at most 2 edits.
"""

from __future__ import annotations

MAX_DISTANCE = 2


def edit_distance(a: str, b: str, limit: int = MAX_DISTANCE) -> int:
    a, b = a.lower(), b.lower()
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def closest(name: str, candidates) -> str | None:
    """The best candidate within MAX_DISTANCE, or None. Ties go to the shorter, then alphabetical."""
    best, best_key = None, None
    for candidate in set(candidates):
        if candidate == name:
            continue
        distance = edit_distance(name, candidate)
        # At most 2 edits, and fewer for short names: 2 changes to a 4-letter word is a different word.
        if distance > min(MAX_DISTANCE, max(1, len(name) // 3)):
            continue
        # Very short names are all "close" to each other; between them only a case difference or
        # one letter more or less (`hh` → `h`) counts, never a different letter (`x` → `y`).
        if min(len(name), len(candidate)) <= 2 and name.lower() != candidate.lower() and not (
                distance == 1 and len(name) != len(candidate)):
            continue
        key = (distance, abs(len(candidate) - len(name)), candidate)
        if best_key is None or key < best_key:
            best, best_key = candidate, key
    return best
