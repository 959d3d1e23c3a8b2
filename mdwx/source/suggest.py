"""Did you mean …? A suggestion only for a likely typo of a name mdwx reads."""

from __future__ import annotations


def closest(word: str, known: tuple[str, ...]) -> str:
    """`` (did you mean 'key'?)`` when ``word`` is a likely typo of a key mdwx reads: at most one
    edit (a swap counts as one) from a key of up to five letters, two from a longer one. A
    word further away is another tool's key, and a guess would mislead (``linkTitle``)."""
    lowered = word.lower()
    best = min(known, key=lambda key: (edits(lowered, key), key), default=None)
    if best is None or lowered == best:
        return ""
    allowed = 1 if len(best) <= 5 else 2
    return f" (did you mean {best!r}?)" if edits(lowered, best) <= allowed else ""


def edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    if abs(len(a) - len(b)) > 2:
        return 3  # more than any suggestion allows; keeps the table small
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]
