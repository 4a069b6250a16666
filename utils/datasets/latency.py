"""Ranking data of chapter 14 (online inference latency): requests, candidates, clicks, embeddings.

Generative story of :func:`make_latency_data` (every draw from one seeded generator):

1. **Users** have ``n_user_features`` standardised features (think: tenure, activity, price
   sensitivity) and a ``dim``-dimensional taste embedding. **Items** have ``n_item_features``
   features, a popularity score (~ N(0, 1)) and a ``dim``-dimensional embedding: items belong to
   one of ``n_clusters`` topic clusters (embedding = cluster centre + noise, L2-normalised), so
   nearest-neighbour search has structure to find.
2. **Requests.** Each of ``n_requests`` requests comes from a user drawn from a Zipf-like
   popularity over users (:func:`make_user_traffic`: a few users send many requests, the shape
   a cache exploits) and scores ``candidates_per_request`` candidate items drawn uniformly.
3. **Click.** ``P(click) = sigmoid(logit)`` with::

       logit = base_logit + popularity_weight * item popularity
               + sum over pairs (j, k) of W[j, k] * u_j * v_k     (a user x item interaction)
               + sum over n_rules rules r of a_r * [u_j(r) > s_r] * [v_k(r) > t_r]  (AND rules)
               + 0.5 * sin(2 * u_2 * v_2)

   Each rule joins one user and one item feature at random thresholds (~ N(0, 0.5)) with a
   weight of either sign and size 0.8-1.6 (a taste that applies to some users and some items).

   Popularity is the strong single feature (the heuristic baseline); the rules and the smooth
   interaction need a non-linear model, and a larger tree ensemble finds more of them than a
   small one: the teacher/student gap of the chapter. The true probability is returned (``p_click``).

Rows are ordered by request, candidates contiguous, so the ``candidates_per_request`` rows of one
request are one ranking problem.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_positive_int, check_positive_number, rng_from

__all__ = ["LatencyData", "make_latency_data", "make_user_traffic"]


@dataclass
class LatencyData:
    """Ranking rows, feature names and the embeddings of the synthetic ranking service.

    Attributes
    ----------
    rows : DataFrame
        One row per (request, candidate): ``request``, ``user``, ``item``, the feature columns,
        ``clicked`` (0/1) and ``p_click`` (the true probability).
    feature_names : list
        Model input columns of ``rows``: user features ``u0..``, item features ``v0..``, ``pop``.
    user_vectors : ndarray
        ``(n_users, dim)`` float32 L2-normalised taste embeddings.
    item_vectors : ndarray
        ``(n_items, dim)`` float32 L2-normalised item embeddings.
    candidates_per_request : int
        Rows per request.
    """

    rows: pd.DataFrame
    feature_names: list
    user_vectors: np.ndarray
    item_vectors: np.ndarray
    candidates_per_request: int

    def __len__(self) -> int:
        return len(self.rows)


def make_user_traffic(n_requests: int, n_users: int, *, exponent: float = 1.1, offset: int = 0,
                      random_state=0) -> np.ndarray:
    """User ids of ``n_requests`` requests with Zipf-like popularity.

    The user of popularity rank ``r`` (1-based) is drawn with probability proportional to
    ``r ** -exponent``; ranks are mapped to ids ``offset .. offset + n_users - 1`` by a fixed
    seeded permutation (independent of ``random_state``), so two calls share who is popular.

    Parameters
    ----------
    n_requests, n_users : int
    exponent : float, default 1.1
        Zipf exponent: larger is more skewed (a cache hits more).
    offset : int, default 0
        First user id (a disjoint population of new users uses another offset).
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    ndarray of int64, shape (n_requests,)

    Examples
    --------
    >>> ids = make_user_traffic(1000, 50, random_state=0)
    >>> int(ids.min()) >= 0 and int(ids.max()) < 50
    True
    """
    n_requests = check_positive_int(n_requests, "n_requests")
    n_users = check_positive_int(n_users, "n_users")
    exponent = check_positive_number(exponent, "exponent", allow_zero=True)
    offset = check_positive_int(offset, "offset", minimum=0)
    rng = rng_from(random_state)
    weights = np.arange(1, n_users + 1, dtype=float) ** -exponent
    ranks = rng.choice(n_users, size=n_requests, p=weights / weights.sum())
    ids = np.random.default_rng(12345 + n_users).permutation(n_users)
    return (ids[ranks] + offset).astype(np.int64)


def make_latency_data(n_requests: int = 1000, candidates_per_request: int = 50, *,
                      n_users: int = 5000, n_items: int = 20_000, n_user_features: int = 6,
                      n_item_features: int = 6, dim: int = 64, n_clusters: int = 50,
                      popularity_weight: float = 0.8, interaction_scale: float = 0.15,
                      n_rules: int = 8,
                      base_logit: float = -1.5, zipf_exponent: float = 1.1,
                      random_state=0) -> LatencyData:
    """Simulate ranking requests with candidates, clicks and embeddings (story in the module doc).

    Parameters
    ----------
    n_requests : int, default 1000
    candidates_per_request : int, default 50
    n_users, n_items : int, default 5000, 20000
    n_user_features, n_item_features : int, default 6, 6
        At least 3 each (the thresholds use the first three).
    dim : int, default 64
        Embedding dimension.
    n_clusters : int, default 50
        Topic clusters of the item embeddings.
    popularity_weight : float, default 0.8
        Weight of item popularity on the click logit.
    interaction_scale : float, default 0.15
        Standard deviation of the entries of the user x item interaction matrix ``W``.
    n_rules : int, default 8
        AND rules joining a user and an item feature (0 for none).
    base_logit : float, default -1.5
        Sets the click rate (about 30%).
    zipf_exponent : float, default 1.1
        Skew of the users' request counts.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    LatencyData

    Examples
    --------
    >>> data = make_latency_data(20, 10, n_users=50, n_items=200, dim=8, n_clusters=4)
    >>> len(data), data.rows["request"].nunique()
    (200, 20)
    """
    n_requests = check_positive_int(n_requests, "n_requests")
    cpr = check_positive_int(candidates_per_request, "candidates_per_request", minimum=2)
    n_users = check_positive_int(n_users, "n_users")
    n_items = check_positive_int(n_items, "n_items", minimum=2)
    fu = check_positive_int(n_user_features, "n_user_features", minimum=3)
    fv = check_positive_int(n_item_features, "n_item_features", minimum=3)
    dim = check_positive_int(dim, "dim", minimum=2)
    n_clusters = check_positive_int(n_clusters, "n_clusters")
    if n_clusters > n_items:
        raise ValueError(f"n_clusters={n_clusters} exceeds n_items={n_items}")
    if cpr > n_items:
        raise ValueError(f"candidates_per_request={cpr} exceeds n_items={n_items}")
    pop_w = check_positive_number(popularity_weight, "popularity_weight", allow_zero=True)
    scale = check_positive_number(interaction_scale, "interaction_scale", allow_zero=True)
    n_rules = check_positive_int(n_rules, "n_rules", minimum=0)
    if isinstance(base_logit, bool) or not np.isfinite(float(base_logit)):
        raise ValueError(f"base_logit must be a finite number, got {base_logit!r}")
    rng = rng_from(random_state)

    user_x = rng.normal(size=(n_users, fu))
    item_x = rng.normal(size=(n_items, fv))
    popularity = rng.normal(size=n_items)
    centres = rng.normal(size=(n_clusters, dim))
    cluster = rng.integers(0, n_clusters, n_items)
    item_vec = centres[cluster] + 0.7 * rng.normal(size=(n_items, dim))
    item_vec /= np.linalg.norm(item_vec, axis=1, keepdims=True)
    user_vec = centres[rng.integers(0, n_clusters, n_users)] + 1.0 * rng.normal(size=(n_users, dim))
    user_vec /= np.linalg.norm(user_vec, axis=1, keepdims=True)
    w = scale * rng.normal(size=(fu, fv))
    rules = [(int(rng.integers(fu)), int(rng.integers(fv)), rng.normal(0, 0.5), rng.normal(0, 0.5),
              rng.choice([-1, 1]) * rng.uniform(0.8, 1.6)) for _ in range(n_rules)]

    users = make_user_traffic(n_requests, n_users, exponent=zipf_exponent, random_state=rng)
    items = np.concatenate([rng.choice(n_items, cpr, replace=False) for _ in range(n_requests)])
    req = np.repeat(np.arange(n_requests), cpr)
    u, v = user_x[users[req]], item_x[items]
    logit = (float(base_logit) + pop_w * popularity[items] + np.einsum("nj,jk,nk->n", u, w, v)
             + 0.5 * np.sin(2 * u[:, 2] * v[:, 2]))
    for j, k, tu, tv, weight in rules:
        logit += weight * ((u[:, j] > tu) & (v[:, k] > tv))
    p = 1 / (1 + np.exp(-logit))
    clicked = (rng.random(p.size) < p).astype(np.int8)

    names = [f"u{j}" for j in range(fu)] + [f"v{k}" for k in range(fv)] + ["pop"]
    rows = pd.DataFrame(np.column_stack([u, v, popularity[items]]), columns=names)
    rows.insert(0, "item", items.astype(np.int64))
    rows.insert(0, "user", users[req])
    rows.insert(0, "request", req.astype(np.int64))
    rows["clicked"] = clicked
    rows["p_click"] = p
    return LatencyData(rows=rows, feature_names=names, user_vectors=user_vec.astype(np.float32),
                       item_vectors=item_vec.astype(np.float32), candidates_per_request=cpr)
