"""Re-ranking helpers: business rules applied after a ranker (chapters 06 and 10).

A ranker orders candidates by predicted relevance alone, so a page can fill with one genre.
:func:`cap_per_group` keeps the ranker's order but allows at most ``cap`` items of any group
(genre, creator, topic) on the page, the simplest diversity rule used in production re-rankers.
:func:`demote_flagged` moves items a guard-rail model flags (e.g. a predicted probability that
the user hides the post above a threshold) below every unflagged item, keeping both orders.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._validation import check_positive_int

__all__ = ["cap_per_group", "distinct_groups", "demote_flagged"]


def _group_of(groups):
    if isinstance(groups, Mapping):
        return groups.__getitem__
    arr = np.asarray(groups)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("groups must be a non-empty 1-D array (indexed by item id) or a mapping")
    return lambda i: arr[i]


def cap_per_group(ranked, groups, cap: int, k: int, *, backfill: bool = True) -> list:
    """Top ``k`` of ``ranked`` with at most ``cap`` items per group, keeping the ranked order.

    Parameters
    ----------
    ranked : sequence of int
        Item ids, best first.
    groups : array-like or mapping
        Group of each item: ``groups[item_id]``.
    cap : int
        Maximum items of one group among the ``k`` returned, ``>= 1``.
    k : int
        Items returned (fewer if ``ranked`` is shorter).
    backfill : bool, default True
        When fewer than ``k`` items satisfy the cap, fill the page with the skipped items in
        ranked order (a page is never shorter than without the rule); else return fewer.

    Returns
    -------
    list
        The re-ranked page.

    Examples
    --------
    >>> cap_per_group([0, 1, 2, 3], groups=[0, 0, 0, 1], cap=2, k=3)
    [0, 1, 3]
    """
    cap = check_positive_int(cap, "cap")
    k = check_positive_int(k, "k")
    group_of = _group_of(groups)
    page, skipped, counts = [], [], {}
    for item in ranked:
        g = group_of(item)
        if counts.get(g, 0) < cap:
            counts[g] = counts.get(g, 0) + 1
            page.append(item)
            if len(page) == k:
                return page
        else:
            skipped.append(item)
    if backfill:
        page.extend(skipped[: k - len(page)])
    return page


def distinct_groups(ranked, groups, k: int) -> int:
    """Number of distinct groups among the first ``k`` items of ``ranked`` (a diversity measure).

    Parameters
    ----------
    ranked : sequence of int
        Item ids, best first.
    groups : array-like or mapping
        Group of each item: ``groups[item_id]``.
    k : int
        Cut-off, ``>= 1``.

    Returns
    -------
    int

    Examples
    --------
    >>> distinct_groups([0, 1, 3], groups=[0, 0, 1, 2], k=2)
    1
    """
    k = check_positive_int(k, "k")
    group_of = _group_of(groups)
    return len({group_of(i) for i in list(ranked)[:k]})


def demote_flagged(ranked, risk, threshold: float) -> list:
    """Move the items whose ``risk`` exceeds ``threshold`` after all the others.

    A soft removal: flagged items stay in the feed (a user who scrolls far still sees them), but
    below every unflagged item. The relative order within each part is the ranked order.

    Parameters
    ----------
    ranked : sequence of int
        Item ids, best first.
    risk : array-like or mapping
        Risk score of each item, ``risk[item_id]`` (e.g. the predicted probability of a hide).
    threshold : float
        Items with ``risk > threshold`` are demoted. Must be finite.

    Returns
    -------
    list
        The re-ranked ids, as many as ``ranked``.

    Examples
    --------
    >>> demote_flagged([3, 1, 2, 0], risk=[0.0, 0.9, 0.1, 0.5], threshold=0.4)
    [2, 0, 3, 1]
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating, np.integer)):
        raise TypeError(f"threshold must be a real number, got {type(threshold).__name__}")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be finite, got {threshold}")
    risk_of = _group_of(risk)
    ranked = list(ranked)
    flagged = [risk_of(i) > threshold for i in ranked]
    return ([i for i, f in zip(ranked, flagged, strict=True) if not f]
            + [i for i, f in zip(ranked, flagged, strict=True) if f])
