"""Which post of a run uploads a picture several posts share, decided the same way by the dry
run and the real run, so ``--dry-run`` counts what the run then reports.

Posts are published side by side, so the first to reach a shared picture is a matter of
timing. The run's order decides instead: the picture is counted as uploaded by the earliest
post (by its place in the run) that needs it, and as reused by every other post of the run;
a later post that reached it first hands the count over. A 多图文 bundle's posts come before
every other post (bundles are published first). Counts are live objects (a :class:`Plan` or
an :class:`UploadCounts`, both with ``images`` and ``cached``), read once the run is over.
"""

from __future__ import annotations

from typing import Protocol

#: A picture's identity in a run: (content_hash, kind), as the uploader sends a twin once.
Key = tuple[str, str]


class Counted(Protocol):
    images: int
    cached: int


class RunClaims:
    """Every post of the run needing each picture not yet on WeChat; the earliest owns it."""

    def __init__(self) -> None:
        self._claimants: dict[Key, list[tuple[int, Counted]]] = {}

    def claim(self, key: Key, position: int, counts: Counted) -> None:
        """Count ``key`` for the post at ``position`` (its place in the run) into ``counts``:
        an upload when it is the earliest post needing it, else a reuse (a twin in the same
        post too: the uploader sends it once)."""
        claimants = self._claimants.setdefault(key, [])
        owner = _owner(claimants)
        claimants.append((position, counts))
        if owner is None:
            counts.images += 1
        elif position < owner[0]:  # an earlier post of the run: the upload is counted as its
            _hand_over(owner[1], counts)
        else:
            counts.cached += 1

    def release(self, counts: Counted) -> None:
        """The post counted in ``counts`` uploads nothing after all (its article is kept): each
        picture it owned passes to the next post needing it."""
        for claimants in self._claimants.values():
            owner = _owner(claimants)
            mine = [c for c in claimants if c[1] is counts]
            if not mine:
                continue
            claimants[:] = [c for c in claimants if c[1] is not counts]
            heir = _owner(claimants)
            if owner is not None and owner[1] is counts and heir is not None:
                heir[1].images += 1
                heir[1].cached -= 1

    def __contains__(self, key: Key) -> bool:
        return bool(self._claimants.get(key))


def _owner(claimants: list[tuple[int, Counted]]) -> tuple[int, Counted] | None:
    """The first claim of the earliest post (a post's twin claims come after its first)."""
    return min(claimants, key=lambda c: c[0]) if claimants else None


def _hand_over(old: Counted, new: Counted) -> None:
    old.images -= 1
    old.cached += 1
    new.images += 1


__all__ = ["RunClaims"]
