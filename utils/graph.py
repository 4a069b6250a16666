"""Link-prediction features of a friendship graph as sparse matrix products (chapter 11).

A friendship graph of ``n`` users is held as a symmetric SciPy CSR adjacency matrix ``A`` (one
row per user, ``A[u, w] != 0`` when ``u`` and ``w`` are friends; a weight may carry the recency of
the friendship). The classic neighbourhood scores of a pair ``(u, v)`` are all entries of a
product of two sparse matrices:

* **common neighbours** (mutual friends): ``(A @ A)[u, v]``;
* **Adamic-Adar**: ``(A @ D @ A)[u, v]`` with ``D = diag(1 / log(degree))``: a mutual friend with
  few friends says more than a hub;
* **Jaccard**: common neighbours divided by the size of the union of the two friend lists;
* **degree product** (preferential attachment): ``degree(u) * degree(v)``.

The same product gives the **friends-of-friends** candidates of a user: the non-zero entries of
row ``u`` of ``A @ A``, minus ``u`` and its friends. Computing rows only for the users asked for
(``A[users] @ A``) keeps a nightly batch or an online request cheap. The definitions match
NetworkX's ``common_neighbors``, ``jaccard_coefficient``, ``adamic_adar_index`` and
``preferential_attachment`` on unweighted graphs (tested), without NetworkX at run time.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse

from ._validation import check_positive_int

__all__ = [
    "adjacency_matrix",
    "degrees",
    "common_neighbors",
    "adamic_adar",
    "jaccard",
    "degree_product",
    "friends_of_friends",
]


def adjacency_matrix(edges, n_nodes: int, weights=None) -> sparse.csr_array:
    """Symmetric CSR adjacency matrix of an undirected graph.

    Parameters
    ----------
    edges : array-like of shape (m, 2)
        Integer node ids ``0 .. n_nodes - 1``, one row per edge (either direction). No self loops.
    n_nodes : int
        Number of nodes, ``>= 1``.
    weights : array-like of shape (m,), optional
        Positive weight of each edge (default 1). When an edge is listed twice, the larger weight
        is kept.

    Returns
    -------
    scipy.sparse.csr_array
        Shape ``(n_nodes, n_nodes)``, symmetric, float64, with sorted indices and no explicit zeros.

    Examples
    --------
    >>> adjacency_matrix([[0, 1], [1, 2]], 3).toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    """
    n_nodes = check_positive_int(n_nodes, "n_nodes")
    e = np.asarray(edges)
    if e.size == 0:
        e = e.reshape(0, 2)
    if e.ndim != 2 or e.shape[1] != 2:
        raise ValueError(f"edges must have shape (m, 2), got {e.shape}")
    if e.size and not np.issubdtype(e.dtype, np.integer):
        raise TypeError(f"edges must hold integer node ids, got dtype {e.dtype}")
    e = e.astype(np.int64)
    if e.size and (e.min() < 0 or e.max() >= n_nodes):
        raise ValueError(f"edges must hold node ids in [0, {n_nodes - 1}]")
    if np.any(e[:, 0] == e[:, 1]):
        raise ValueError("edges must not contain self loops")
    if weights is None:
        w = np.ones(len(e))
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape != (len(e),):
            raise ValueError(f"weights must have shape ({len(e)},), got {w.shape}")
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError("weights must be finite and positive")
    lo, hi = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
    # keep the largest weight of a repeated edge: sort by (pair, weight), keep the last of each pair
    order = np.lexsort((w, hi, lo))
    lo, hi, w = lo[order], hi[order], w[order]
    last = np.ones(len(lo), dtype=bool)
    if len(lo) > 1:
        last[:-1] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    lo, hi, w = lo[last], hi[last], w[last]
    a = sparse.coo_array((np.concatenate([w, w]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))),
                         shape=(n_nodes, n_nodes)).tocsr()
    a.sort_indices()
    return a


def _check_adj(adj) -> sparse.csr_array:
    if not sparse.issparse(adj):
        raise TypeError(f"adj must be a SciPy sparse matrix, got {type(adj).__name__}")
    if adj.ndim != 2 or adj.shape[0] != adj.shape[1]:
        raise ValueError(f"adj must be square, got shape {adj.shape}")
    a = sparse.csr_array(adj)
    if a.nnz and (not np.all(np.isfinite(a.data)) or a.data.min() < 0):
        raise ValueError("adj must hold finite, non-negative weights")
    return a


def _check_nodes(nodes, name: str, n: int) -> np.ndarray:
    x = np.asarray(nodes)
    if x.ndim == 0:
        x = x.reshape(1)
    if x.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {x.shape}")
    if x.size and not np.issubdtype(x.dtype, np.integer):
        raise TypeError(f"{name} must hold integer node ids, got dtype {x.dtype}")
    x = x.astype(np.int64)
    if x.size and (x.min() < 0 or x.max() >= n):
        raise ValueError(f"{name} must hold node ids in [0, {n - 1}]")
    return x


def _check_pairs(adj, u, v):
    a = _check_adj(adj)
    u = _check_nodes(u, "u", a.shape[0])
    v = _check_nodes(v, "v", a.shape[0])
    if u.shape != v.shape:
        raise ValueError(f"u and v must have the same length, got {u.size} and {v.size}")
    return a, u, v


def degrees(adj) -> np.ndarray:
    """Number of neighbours of each node (non-zero entries per row, whatever the weights).

    Parameters
    ----------
    adj : scipy sparse matrix of shape (n, n)

    Returns
    -------
    ndarray of shape (n,)
        Integer degrees.
    """
    a = _check_adj(adj)
    a.eliminate_zeros()
    return np.diff(a.indptr).astype(np.int64)


def _unweighted(a) -> sparse.csr_array:
    """The same graph with every edge weight set to 1 (Jaccard, Adamic-Adar and FoF ignore weights)."""
    binary = a.copy()
    binary.data = np.ones_like(binary.data)
    return binary


def _pair_product(a, u, v, column_weights=None) -> np.ndarray:
    """``(A @ diag(column_weights) @ A)[u, v]`` computed only for the rows in ``u``."""
    if u.size == 0:
        return np.zeros(0)
    rows, inv = np.unique(u, return_inverse=True)
    right = a if column_weights is None else sparse.csr_array(sparse.diags_array(column_weights) @ a)
    prod = sparse.csr_array(a[rows] @ right)
    prod.sort_indices()          # sorted rows make each lookup a binary search, not a scan
    return np.asarray(prod[inv, v], dtype=float).ravel()


def common_neighbors(adj, u, v) -> np.ndarray:
    """Number of mutual friends of each pair ``(u[i], v[i])``: ``(A @ A)[u, v]``.

    With a weighted ``adj`` each mutual friend ``w`` counts ``A[u, w] * A[w, v]`` (e.g. a
    time-discounted count when the weights decay with the age of the friendship).

    Parameters
    ----------
    adj : scipy sparse matrix of shape (n, n)
        Symmetric adjacency matrix, non-negative weights.
    u, v : array-like of int, same length
        The pairs.

    Returns
    -------
    ndarray of shape (len(u),)

    Examples
    --------
    >>> a = adjacency_matrix([[0, 1], [1, 2], [0, 3], [3, 2]], 4)
    >>> common_neighbors(a, [0], [2]).tolist()
    [2.0]
    """
    a, u, v = _check_pairs(adj, u, v)
    return _pair_product(a, u, v)


def adamic_adar(adj, u, v) -> np.ndarray:
    """Adamic-Adar index of each pair: the sum over mutual friends ``w`` of ``1 / log(deg(w))``.

    Degrees count neighbours (the weights are ignored), as in NetworkX's ``adamic_adar_index``.
    A mutual friend has degree >= 2, so the logarithm is positive.

    Parameters
    ----------
    adj : scipy sparse matrix of shape (n, n)
        Symmetric adjacency matrix.
    u, v : array-like of int, same length
        The pairs.

    Returns
    -------
    ndarray of shape (len(u),)
    """
    a, u, v = _check_pairs(adj, u, v)
    binary = _unweighted(a)
    deg = degrees(binary).astype(float)
    inv_log = np.zeros_like(deg)
    inv_log[deg >= 2] = 1.0 / np.log(deg[deg >= 2])
    return _pair_product(binary, u, v, inv_log)


def jaccard(adj, u, v) -> np.ndarray:
    """Jaccard coefficient of the friend lists of each pair: ``|N(u) & N(v)| / |N(u) | N(v)|``.

    Weights are ignored. A pair of isolated nodes (empty union) scores 0.

    Parameters
    ----------
    adj : scipy sparse matrix of shape (n, n)
        Symmetric adjacency matrix.
    u, v : array-like of int, same length
        The pairs.

    Returns
    -------
    ndarray of shape (len(u),)
    """
    a, u, v = _check_pairs(adj, u, v)
    binary = _unweighted(a)
    cn = _pair_product(binary, u, v)
    deg = degrees(binary)
    union = deg[u] + deg[v] - cn
    return np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)


def degree_product(adj, u, v) -> np.ndarray:
    """Degree product (preferential attachment) of each pair: ``deg(u) * deg(v)``.

    Parameters
    ----------
    adj : scipy sparse matrix of shape (n, n)
        Symmetric adjacency matrix.
    u, v : array-like of int, same length
        The pairs.

    Returns
    -------
    ndarray of shape (len(u),)
    """
    a, u, v = _check_pairs(adj, u, v)
    deg = degrees(a).astype(float)
    return deg[u] * deg[v]


def friends_of_friends(adj, users) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Friends-of-friends candidates of each user in ``users``, with their mutual-friend counts.

    The candidates of ``u`` are the nodes at distance exactly two: the non-zero entries of row
    ``u`` of ``A @ A`` that are neither ``u`` nor a friend of ``u``. Only the rows asked for are
    multiplied (``A[users] @ A``).

    Parameters
    ----------
    adj : scipy sparse matrix of shape (n, n)
        Symmetric adjacency matrix (weights are ignored).
    users : array-like of int
        The users to generate candidates for.

    Returns
    -------
    user : ndarray of int
        The user of each candidate pair, in the order of ``users``.
    candidate : ndarray of int
        The candidate, in increasing id order within each user.
    mutual : ndarray of int
        Number of mutual friends of the pair (>= 1).

    Examples
    --------
    >>> a = adjacency_matrix([[0, 1], [1, 2], [2, 3]], 4)
    >>> [x.tolist() for x in friends_of_friends(a, [0, 3])]
    [[0, 3], [2, 1], [1, 1]]
    """
    a = _check_adj(adj)
    users = _check_nodes(users, "users", a.shape[0])
    binary = _unweighted(a)
    binary.eliminate_zeros()
    rows = binary[users]
    rows.sort_indices()
    two = sparse.csr_array(rows @ binary).tocoo()
    # drop the user itself and its friends: a friend has rows[i, v] != 0
    r, c, m = two.row, two.col, two.data
    is_friend = np.asarray(rows[r, c], dtype=float).ravel() > 0 if r.size else np.zeros(0, dtype=bool)
    keep = (c != users[r]) & ~is_friend
    r, c, m = r[keep], c[keep], m[keep]
    order = np.lexsort((c, r))
    return users[r[order]], c[order].astype(np.int64), np.rint(m[order]).astype(np.int64)
