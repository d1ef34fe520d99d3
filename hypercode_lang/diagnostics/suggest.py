""""Did you mean …?": the closest known name by edit distance (spec §8).

Distance is Damerau–Levenshtein (a swap of neighbours costs 1, so `mesage`/`message` and
`pirnt`/`print` are close); differences of letter case cost nothing; at most 2 edits.
"""

from __future__ import annotations

MAX_DISTANCE = 2


# Names longer than this get no suggestion: nobody misspells a 65-letter name by two letters
# in a way a suggestion helps with, and it keeps the search cheap for any input.
MAX_NAME_LENGTH = 64


def edit_distance(a: str, b: str, limit: int = MAX_DISTANCE) -> int:
    """Damerau–Levenshtein distance, or `limit + 1` once it is surely more than `limit`.
    Only cells within `limit` of the diagonal are computed (others are over the limit anyway),
    so the cost is O(len * limit), never O(len²)."""
    a, b = a.lower(), b.lower()
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    width = len(b) + 1
    previous2: list[int] = []
    previous = [j if j <= limit else over for j in range(width)]
    for i, ca in enumerate(a, 1):
        current = [over] * width
        if i <= limit:
            current[0] = i
        low, high = max(1, i - limit), min(len(b), i + limit)
        for j in range(low, high + 1):
            cb = b[j - 1]
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current[j] = min(best, over)
        if min(current[low - 1:high + 1]) > limit:
            return over
        previous2, previous = previous, current
    return previous[-1]


def closest(name: str, candidates) -> str | None:
    """The best candidate within MAX_DISTANCE, or None. Ties go to the shorter, then alphabetical."""
    best, best_key = None, None
    if len(name) > MAX_NAME_LENGTH:
        return None
    for candidate in set(candidates):
        if candidate == name or len(candidate) > MAX_NAME_LENGTH + MAX_DISTANCE:
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
