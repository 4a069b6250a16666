"""Late fusion of retrieval branches: candidate union, score normalisation, weighted and RRF fusion.

A search system with several retrieval branches (an inverted index over text, a nearest-neighbour
index over embeddings) takes the top candidates of each branch, scores their union with every
branch, and merges the scores. The scores live on different scales (a TF-IDF dot product, a
cosine similarity), so each branch's scores are min-max scaled per query before the weighted sum
``weight * a + (1 - weight) * b``; the weight is a hyperparameter tuned on validation queries.
Reciprocal-rank fusion (Cormack et al., 2009) needs no scores and no weight: it sums
``1 / (k + rank)`` over the branches' ranked lists.

Candidate matrices are 2-D integer arrays of shape ``(n_queries, n_candidates)``, padded with
``-1`` where a branch returned fewer candidates (an inverted index can return none), with a
score matrix of the same shape.
"""
from __future__ import annotations

import numpy as np

from ._validation import check_fraction, check_positive_int

__all__ = [
    "PAD",
    "candidate_union",
    "minmax_scale",
    "linear_fusion",
    "rank_by_score",
    "reciprocal_rank_fusion",
]

#: Padding id of an empty candidate slot.
PAD = -1


def _as_ids(ids, name: str) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (queries, candidates), got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer ids, got dtype {arr.dtype}")
    if arr.size and arr.min() < PAD:
        raise ValueError(f"{name} holds ids below {PAD} (the padding id)")
    return arr.astype(np.int64)


def _as_scores(scores, name: str, shape=None) -> np.ndarray:
    try:
        arr = np.asarray(scores, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 2-D array of numbers ({exc})") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (queries, candidates), got shape {arr.shape}")
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr


def candidate_union(*candidate_ids) -> np.ndarray:
    """The union of several branches' candidates per query, in first-seen order, padded with -1.

    Parameters
    ----------
    *candidate_ids : array-like of shape (n_queries, n_i)
        Each branch's candidate ids per query (``-1`` for an empty slot).

    Returns
    -------
    numpy.ndarray of shape (n_queries, m), int64
        Each row holds the distinct ids of that query's candidates (the first branch's first),
        then ``-1`` padding; ``m`` is the largest union size.

    Examples
    --------
    >>> candidate_union([[3, 1, -1]], [[1, 7]])
    array([[3, 1, 7]])
    """
    if not candidate_ids:
        raise ValueError("candidate_ids: pass at least one branch")
    arrays = [_as_ids(ids, f"candidate_ids[{i}]") for i, ids in enumerate(candidate_ids)]
    n = arrays[0].shape[0]
    for i, arr in enumerate(arrays):
        if arr.shape[0] != n:
            raise ValueError(f"candidate_ids[{i}] has {arr.shape[0]} queries, expected {n}")
    stacked = np.concatenate(arrays, axis=1)
    rows = []
    for row in stacked:
        row = row[row != PAD]
        _, first = np.unique(row, return_index=True)
        rows.append(row[np.sort(first)])
    width = max(1, max(len(r) for r in rows))
    out = np.full((n, width), PAD, dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def minmax_scale(scores, valid=None) -> np.ndarray:
    """Scale each row's valid scores to ``[0, 1]``: ``(s - min) / (max - min)``.

    A row whose valid scores are all equal becomes 0 (the branch cannot tell its candidates
    apart, so it adds nothing to the ranking). Invalid entries become 0.

    Parameters
    ----------
    scores : array-like of shape (n_queries, n_candidates)
    valid : array-like of bool, same shape, optional
        Which entries are real candidates (default: all).

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> minmax_scale([[2.0, 4.0, 3.0], [1.0, 1.0, 1.0]])
    array([[0. , 1. , 0.5],
           [0. , 0. , 0. ]])
    """
    s = _as_scores(scores, "scores")
    mask = np.ones_like(s, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    if mask.shape != s.shape:
        raise ValueError(f"valid has shape {mask.shape}, expected {s.shape}")
    if np.isinf(s[mask]).any():
        raise ValueError("scores contains infinite values among the valid entries")
    lo = np.where(mask, s, np.inf).min(axis=1, keepdims=True)
    hi = np.where(mask, s, -np.inf).max(axis=1, keepdims=True)
    span = hi - lo
    ok = np.isfinite(span) & (span > 0)
    out = np.where(ok, (s - np.where(np.isfinite(lo), lo, 0.0)) / np.where(ok, span, 1.0), 0.0)
    return np.where(mask, out, 0.0)


def linear_fusion(scores_a, scores_b, weight: float, valid=None) -> np.ndarray:
    """``weight * minmax(a) + (1 - weight) * minmax(b)`` per query; ``-inf`` where not valid.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n_queries, n_candidates)
        The two branches' scores of the *same* candidates (same columns).
    weight : float
        Weight of branch ``a``, in ``[0, 1]``: 1 ranks by ``a`` alone, 0 by ``b`` alone.
    valid : array-like of bool, optional
        Real candidates (e.g. ``ids != -1`` of :func:`candidate_union`).

    Returns
    -------
    numpy.ndarray of float
        Fused scores, ``-inf`` in padded slots so they rank last.

    Examples
    --------
    >>> linear_fusion([[0.0, 1.0]], [[1.0, 0.0]], 0.75)
    array([[0.25, 0.75]])
    """
    a = _as_scores(scores_a, "scores_a")
    b = _as_scores(scores_b, "scores_b", a.shape)
    weight = check_fraction(weight, "weight", inclusive=True)
    mask = np.ones_like(a, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    fused = weight * minmax_scale(a, mask) + (1 - weight) * minmax_scale(b, mask)
    return np.where(mask, fused, -np.inf)


def rank_by_score(candidate_ids, scores, k: int | None = None) -> list[list[int]]:
    """Each query's candidate ids sorted by score, best first (ties: earlier column first).

    Parameters
    ----------
    candidate_ids : array-like of shape (n_queries, n_candidates)
        ``-1`` slots are dropped.
    scores : array-like, same shape
        Higher is better; ``-inf`` ranks last.
    k : int, optional
        Keep at most ``k`` ids per query.

    Returns
    -------
    list of list of int
        Ranked ids per query (the ``ranked`` argument of :mod:`utils.metrics`).

    Examples
    --------
    >>> rank_by_score([[4, 9, -1]], [[0.1, 0.5, 0.0]])
    [[9, 4]]
    """
    ids = _as_ids(candidate_ids, "candidate_ids")
    s = _as_scores(scores, "scores", ids.shape)
    k = None if k is None else check_positive_int(k, "k")
    s = np.where(ids == PAD, -np.inf, s)
    order = np.argsort(-s, axis=1, kind="stable")
    ranked = np.take_along_axis(ids, order, axis=1)
    out = []
    for row in ranked:
        row = row[row != PAD]
        out.append(row[:k].tolist() if k is not None else row.tolist())
    return out


def reciprocal_rank_fusion(rankings, *, k: int = 60, top: int | None = None) -> list[list[int]]:
    """Reciprocal-rank fusion: score each id by ``sum over branches of 1 / (k + rank)``.

    Parameters
    ----------
    rankings : sequence of sequences of ranked id lists
        ``rankings[b][q]`` is branch ``b``'s ranked list (best first, ranks from 1) for query ``q``.
    k : int, default 60
        The damping constant of Cormack et al.; larger values flatten the rank weights.
    top : int, optional
        Keep at most ``top`` ids per query.

    Returns
    -------
    list of list of int
        Fused rankings; ties broken by the smaller id.

    Examples
    --------
    >>> reciprocal_rank_fusion([[[1, 2, 3]], [[3, 1]]], k=1)
    [[1, 3, 2]]
    """
    k = check_positive_int(k, "k")
    top = None if top is None else check_positive_int(top, "top")
    if isinstance(rankings, (str, bytes)) or len(rankings) == 0:
        raise ValueError("rankings must be a non-empty sequence of branches")
    n = len(rankings[0])
    for b, branch in enumerate(rankings):
        if len(branch) != n:
            raise ValueError(f"rankings[{b}] has {len(branch)} queries, expected {n}")
    out = []
    for q in range(n):
        score: dict = {}
        for branch in rankings:
            for rank, i in enumerate(branch[q], start=1):
                i = int(i)
                if i != PAD:
                    score[i] = score.get(i, 0.0) + 1.0 / (k + rank)
        ranked = sorted(score, key=lambda i: (-score[i], i))
        out.append(ranked[:top] if top is not None else ranked)
    return out
