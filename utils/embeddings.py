"""Item embeddings from sessions: windowed co-occurrence counts, PPMI and a truncated SVD.

Skip-gram with negative sampling (word2vec, and Airbnb's listing embeddings) implicitly
factorises a shifted pointwise mutual information (PMI) matrix of (item, context) pairs
(Levy & Goldberg, 2014). This module builds that matrix explicitly and factorises it with
scikit-learn's ``TruncatedSVD``: deterministic, a second or two for thousands of items, and each
design choice of the skip-gram recipe is one argument:

- the **context window** (:func:`session_cooccurrence`, ``window``): clicks at most ``window``
  positions apart in a session count as a pair;
- **booking as global context** (``booking_weight``): the booked listing of a session is paired
  with *every* click of that session, not only its neighbours (Grbovic & Cheng, KDD 2018);
- the **number of negative samples** k (:func:`ppmi`, ``shift``: PMI minus log k) and the
  **smoothed context distribution** (``alpha`` = 0.75, word2vec's exponent);
- **hard negatives from the same market** (``groups``): the negatives of an item are drawn from
  its own group (city) instead of the whole catalogue, so PMI is measured against the group's
  context distribution.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD

from ._validation import check_positive_int, check_positive_number

__all__ = ["session_cooccurrence", "ppmi", "factorize", "normalize_rows", "cold_start_vectors"]


def _int_array(values, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def session_cooccurrence(items, sessions, n_items: int, *, window: int = 2, booked=None,
                         booking_weight: float = 0.0) -> sparse.csr_matrix:
    """Symmetric counts of items clicked near each other in the same session.

    Parameters
    ----------
    items : array-like of int, shape (n_clicks,)
        Clicked item ids in ``[0, n_items)``, grouped by session and in click order.
    sessions : array-like of int, shape (n_clicks,)
        Session id of each click; the clicks of one session must be contiguous.
    n_items : int
        Number of items (rows and columns of the result).
    window : int, default 2
        Clicks at most this many positions apart form a pair (each pair counted once per
        direction, weight 1).
    booked : array-like of 0/1, shape (n_clicks,), optional
        1 on the click that is the session's booking (at most one per session).
    booking_weight : float, default 0.0
        Weight of the extra pairs (click, booked item) for every other click of a session that
        has a booking: the booking as *global context*. 0 switches it off.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_items, n_items)
        Symmetric, zero diagonal (an item is never its own context).

    Examples
    --------
    >>> c = session_cooccurrence([0, 1, 2, 3, 4], [0, 0, 0, 1, 1], 5, window=1)
    >>> c.toarray().astype(int).tolist()[0], int(c.sum())
    ([0, 1, 0, 0, 0], 6)
    """
    it = _int_array(items, "items")
    ss = _int_array(sessions, "sessions")
    if it.size != ss.size:
        raise ValueError(f"items and sessions have different lengths ({it.size} != {ss.size})")
    n_items = check_positive_int(n_items, "n_items")
    window = check_positive_int(window, "window")
    booking_weight = check_positive_number(booking_weight, "booking_weight", allow_zero=True)
    if it.min() < 0 or it.max() >= n_items:
        raise ValueError(f"items must lie in [0, {n_items}), got values in [{it.min()}, {it.max()}]")
    starts = np.flatnonzero(np.r_[True, ss[1:] != ss[:-1]])
    if np.unique(ss[starts]).size != starts.size:
        raise ValueError("sessions must be contiguous: the clicks of a session must follow each other")
    rows, cols, vals = [], [], []
    for d in range(1, window + 1):
        same = ss[d:] == ss[:-d]
        a, b = it[:-d][same], it[d:][same]
        rows += [a, b]
        cols += [b, a]
        vals += [np.ones(2 * a.size)]
    if booked is not None and booking_weight > 0:
        bk = _int_array(booked, "booked")
        if bk.size != it.size:
            raise ValueError(f"booked and items have different lengths ({bk.size} != {it.size})")
        if not np.isin(bk, (0, 1)).all():
            raise ValueError("booked must contain only 0 and 1")
        where = np.flatnonzero(bk == 1)
        if np.unique(ss[where]).size != where.size:
            raise ValueError("booked marks more than one click in a session")
        booked_of_session = dict(zip(ss[where].tolist(), it[where].tolist(), strict=True))
        has = np.isin(ss, ss[where]) & (bk == 0)
        target = np.array([booked_of_session[s] for s in ss[has].tolist()], dtype=np.int64)
        a = it[has]
        rows += [a, target]
        cols += [target, a]
        vals += [np.full(2 * a.size, booking_weight)]
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    keep = r != c
    counts = sparse.coo_matrix((v[keep], (r[keep], c[keep])), shape=(n_items, n_items)).tocsr()
    counts.sum_duplicates()
    return counts


def ppmi(counts, *, alpha: float = 0.75, shift: float = 1.0, groups=None) -> sparse.csr_matrix:
    """Positive (shifted) pointwise mutual information of a co-occurrence matrix.

    ``PMI(i, j) = log(n_ij / n_i) - log P(j) - log(shift)`` where ``n_i`` is row ``i``'s total
    and ``P(j)`` the context distribution, ``n_j ** alpha`` normalised; negative values are set
    to zero. This is the matrix that skip-gram with ``shift`` negative samples drawn from
    ``P`` factorises at its optimum.

    Parameters
    ----------
    counts : scipy.sparse matrix of shape (n, n)
        Non-negative co-occurrence counts (e.g. from :func:`session_cooccurrence`).
    alpha : float, default 0.75
        Context-distribution smoothing exponent in (0, 1] (word2vec's 0.75 gives rare items'
        contexts more weight).
    shift : float, default 1.0
        Number of negative samples k (``>= 1``); PMI is lowered by log k.
    groups : array-like of int, shape (n,), optional
        Group (city) of each item. When given, ``P(j)`` is normalised within the group of
        row ``i``: negatives are drawn from the item's own market ("hard negatives"), so only
        pairs that co-occur more than the market's own popularity predicts stay positive.
        Pairs across groups keep the global normalisation.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n, n)

    Examples
    --------
    >>> from scipy import sparse
    >>> m = ppmi(sparse.csr_matrix([[0, 4, 0], [4, 0, 1], [0, 1, 0]]), alpha=1.0)
    >>> bool(m[0, 1] > 0), bool(m[1, 2] > 0)
    (True, True)
    """
    if not sparse.issparse(counts):
        raise TypeError(f"counts must be a scipy.sparse matrix, got {type(counts).__name__}")
    c = sparse.csr_matrix(counts, dtype=np.float64)
    if c.shape[0] != c.shape[1]:
        raise ValueError(f"counts must be square, got shape {c.shape}")
    if c.nnz and (c.data.min() < 0 or not np.all(np.isfinite(c.data))):
        raise ValueError("counts must be finite and non-negative")
    if c.nnz == 0:
        raise ValueError("counts is all zero")
    alpha = check_positive_number(alpha, "alpha")
    if alpha > 1:
        raise ValueError(f"alpha must lie in (0, 1], got {alpha}")
    shift = check_positive_number(shift, "shift")
    if shift < 1:
        raise ValueError(f"shift must be >= 1, got {shift}")
    n = c.shape[0]
    row_tot = np.asarray(c.sum(axis=1)).ravel()
    ctx = np.asarray(c.sum(axis=0)).ravel() ** alpha
    coo = c.tocoo()
    i, j, v = coo.row, coo.col, coo.data
    p_ctx = ctx[j] / ctx.sum()
    if groups is not None:
        g = _int_array(groups, "groups")
        if g.size != n:
            raise ValueError(f"groups has {g.size} entries, counts has {n} rows")
        _, g = np.unique(g, return_inverse=True)
        group_ctx = np.bincount(g, weights=ctx)
        same = g[i] == g[j]
        p_ctx = np.where(same, ctx[j] / group_ctx[g[i]], p_ctx)
    pmi = np.log(v / row_tot[i]) - np.log(p_ctx) - np.log(shift)
    keep = pmi > 0
    return sparse.csr_matrix((pmi[keep], (i[keep], j[keep])), shape=(n, n))


def factorize(matrix, dim: int = 32, *, n_iter: int = 5, normalize: bool = True,
              random_state: int = 0) -> np.ndarray:
    """Item vectors from a truncated SVD of a (PPMI) matrix.

    The vectors are ``U * sqrt(S)`` (the symmetric weighting of Levy et al., 2015), by default
    normalised to unit length so that an inner product is a cosine; rows of ``matrix`` that are
    all zero (items never seen) get the zero vector. Components come in decreasing order of
    singular value, so the first ``d`` columns of an unnormalised result, passed to
    :func:`normalize_rows`, are the ``d``-dimensional vectors: one SVD serves a grid of dimensions.

    Parameters
    ----------
    matrix : scipy.sparse matrix of shape (n, n)
    dim : int, default 32
        Embedding dimension, ``< n``.
    n_iter : int, default 5
        Power iterations of scikit-learn's randomised ``TruncatedSVD``.
    normalize : bool, default True
        Return unit-length rows (else the raw ``U * sqrt(S)``).
    random_state : int, default 0

    Returns
    -------
    numpy.ndarray of shape (n, dim), float32

    Examples
    --------
    >>> from scipy import sparse
    >>> v = factorize(sparse.random(50, 50, density=0.2, random_state=0), dim=4)
    >>> v.shape, bool(abs(float((v[0] ** 2).sum()) - 1) < 1e-5)
    ((50, 4), True)
    """
    if not sparse.issparse(matrix):
        raise TypeError(f"matrix must be a scipy.sparse matrix, got {type(matrix).__name__}")
    dim = check_positive_int(dim, "dim")
    n_iter = check_positive_int(n_iter, "n_iter")
    random_state = check_positive_int(random_state, "random_state", minimum=0)
    if dim >= min(matrix.shape):
        raise ValueError(f"dim={dim} must be smaller than the matrix's dimensions {matrix.shape}")
    svd = TruncatedSVD(dim, algorithm="randomized", n_iter=n_iter, random_state=random_state)
    u = svd.fit_transform(sparse.csr_matrix(matrix, dtype=np.float32))   # U * S
    vec = u / np.sqrt(np.maximum(svd.singular_values_, 1e-12))          # U * sqrt(S)
    return normalize_rows(vec) if normalize else vec.astype(np.float32)


def normalize_rows(vectors) -> np.ndarray:
    """Rows scaled to unit L2 norm; all-zero rows stay zero.

    Parameters
    ----------
    vectors : array-like of shape (n, d)

    Returns
    -------
    numpy.ndarray of shape (n, d), float32

    Examples
    --------
    >>> v = normalize_rows([[3.0, 4.0], [0.0, 0.0]])
    >>> [round(float(x), 2) for x in v[0]], v[1].tolist()
    ([0.6, 0.8], [0.0, 0.0])
    """
    vec = np.asarray(vectors, dtype=np.float64)
    if vec.ndim != 2 or vec.size == 0:
        raise ValueError(f"vectors must be a non-empty 2-D array, got shape {vec.shape}")
    if not np.all(np.isfinite(vec)):
        raise ValueError("vectors contains NaN or infinite values")
    norm = np.linalg.norm(vec, axis=1, keepdims=True)
    out = np.divide(vec, norm, out=np.zeros_like(vec), where=norm > 1e-12)
    return out.astype(np.float32)


def cold_start_vectors(embeddings, neighbour_ids) -> np.ndarray:
    """Vectors of new items: the normalised mean of the vectors of similar known items.

    Parameters
    ----------
    embeddings : array-like of shape (n, d)
        Vectors of the known items.
    neighbour_ids : array-like of int, shape (m, k)
        For each new item, ``k`` known items judged similar by content (e.g. the nearest in
        price of the same city and room type); ``-1`` pads a short list.

    Returns
    -------
    numpy.ndarray of shape (m, d), float32
        Unit-length rows (zero when no neighbour has a non-zero vector).

    Examples
    --------
    >>> [round(float(x), 3) for x in cold_start_vectors([[1.0, 0.0], [0.0, 1.0]], [[0, 1]])[0]]
    [0.707, 0.707]
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    if emb.ndim != 2 or emb.size == 0:
        raise ValueError(f"embeddings must be a non-empty 2-D array, got shape {emb.shape}")
    if not np.all(np.isfinite(emb)):
        raise ValueError("embeddings contains NaN or infinite values")
    ids = np.asarray(neighbour_ids)
    if ids.ndim != 2 or ids.size == 0:
        raise ValueError(f"neighbour_ids must be a non-empty 2-D array (m, k), got shape {ids.shape}")
    if not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"neighbour_ids must hold integers, got dtype {ids.dtype}")
    if ids.max() >= len(emb) or ids.min() < -1:
        raise ValueError(f"neighbour_ids must lie in [-1, {len(emb)})")
    valid = (ids >= 0)[..., None]
    return normalize_rows((emb[np.maximum(ids, 0)] * valid).sum(axis=1))
