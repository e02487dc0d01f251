"""Grouping offers that share a target value into as few bulk calls as possible. Pure: no I/O.

`update-offers` applies one price change and one quantity change to up to 1000 offers, so the
fewest calls for a set of (offer, value) pairs is one call per distinct value, split in chunks
of at most `limit` offers.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

V = TypeVar("V", bound=Hashable)
T = TypeVar("T")

BULK_LIMIT = 1000


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """`items` cut into consecutive pieces of at most `size`."""
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[start : start + size] for start in range(0, len(items), size)]


def group_by_value(pairs: Iterable[tuple[int, V]], limit: int = BULK_LIMIT) -> list[tuple[V, tuple[int, ...]]]:
    """[(value, offer ids)] with one entry per distinct value and at most `limit` ids each.

    Offer ids are sorted within a group and groups come in order of first appearance, so the
    same input always gives the same calls (a repeat after a crash sends the same requests).
    """
    groups: dict[V, list[int]] = {}
    for offer_id, value in pairs:
        groups.setdefault(value, []).append(offer_id)
    result: list[tuple[V, tuple[int, ...]]] = []
    for value, ids in groups.items():
        for piece in chunks(sorted(set(ids)), limit):
            result.append((value, tuple(piece)))
    return result
