"""FAISS vector indexes behind one small API, and a sweep that measures their trade-offs.

The lesson of approximate nearest-neighbour (ANN) search is a trade-off: an index answers faster
by computing fewer distances, and pays in recall against exact search. :func:`sweep` measures
both for several settings in one run. Timings vary with the machine; the *number of distance
computations* does not, so chapters assert on ``distances_per_query`` (read from FAISS's own
counters) and only print timings.

Kinds of index (``kind=`` in :func:`build_index`):

- ``flat``: exact search, every vector compared (``IndexFlatIP`` / ``IndexFlatL2``);
- ``ivf``: inverted file: k-means into ``nlist`` cells, search the ``nprobe`` nearest cells;
- ``hnsw``: hierarchical navigable small-world graph, search breadth ``efSearch``;
- ``pq``: product quantisation: ``pq_m`` sub-vector codes of ``pq_nbits`` bits each;
- ``sq8``: scalar quantisation to one byte per component;
- ``ivfpq``: inverted file over product-quantised residuals (IVF-PQ): ``nlist`` cells, ``pq_m``
  codes of ``pq_nbits`` bits per vector, search the ``nprobe`` nearest cells. The usual choice at
  billions of vectors, when memory binds.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

import faiss
import numpy as np
import pandas as pd

from ._validation import as_2d_float32, check_positive_int

__all__ = [
    "KINDS",
    "SearchResult",
    "build_index",
    "search",
    "exact_search",
    "recall_against_exact",
    "index_bytes",
    "sweep",
    "rerank_filter",
]

KINDS = ("flat", "ivf", "hnsw", "pq", "sq8", "ivfpq")
_METRICS = {"ip": faiss.METRIC_INNER_PRODUCT, "l2": faiss.METRIC_L2}


@dataclass
class SearchResult:
    """Scores and ids of the top-``k`` neighbours of each query (``-1`` ids pad short lists).

    ``distances_per_query`` counts the vector comparisons FAISS made, per query: all ``ntotal``
    for ``flat``/``pq``/``sq8``, the scanned list entries plus the ``nlist`` centroid comparisons
    for ``ivf``, and the graph's counter for ``hnsw``.
    """

    scores: np.ndarray
    ids: np.ndarray
    distances_per_query: float


@contextmanager
def _omp_threads(n: int):
    """Run the block with FAISS's OpenMP pool at ``n`` threads, then restore it."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def _metric(metric: str) -> int:
    if metric not in _METRICS:
        raise ValueError(f"metric must be 'ip' or 'l2', got {metric!r}")
    return _METRICS[metric]


def build_index(vectors, kind: str = "flat", *, metric: str = "ip", nlist: int = 256,
                hnsw_m: int = 32, ef_construction: int = 40, pq_m: int = 8, pq_nbits: int = 8,
                pq_niter: int | None = None, n_train: int | None = None,
                random_state: int = 0) -> faiss.Index:
    """Build and fill a FAISS index of the given ``kind``.

    Parameters
    ----------
    vectors : array-like of shape (n, d)
        Database vectors (float32; L2-normalise them first for cosine similarity with ``"ip"``).
    kind : {"flat", "ivf", "hnsw", "pq", "sq8", "ivfpq"}, default "flat"
    metric : {"ip", "l2"}, default "ip"
        Inner product (higher is closer) or squared L2 distance (lower is closer).
    nlist : int, default 256
        IVF cells; ``n >= nlist`` (FAISS warns below ``39 * nlist`` training points).
    hnsw_m : int, default 32
        HNSW neighbours per node.
    ef_construction : int, default 40
        HNSW build breadth.
    pq_m, pq_nbits : int, default 8, 8
        PQ sub-quantisers (must divide ``d``) and bits per code (``pq``, ``ivfpq``).
    pq_niter : int, optional
        k-means iterations of the PQ codebooks (``pq``, ``ivfpq``). By default 10 for ``ivfpq``
        and FAISS's own default (25) for ``pq``. FAISS's 25 costs 2.5x the training time of 10;
        on the chapter 02 benchmark it changed recall@10 by less than 0.01.
    n_train : int, optional
        Train the trained kinds (``ivf``, ``pq``, ``sq8``, ``ivfpq``) on a random sample of this
        many vectors (drawn with ``random_state``) instead of all of them; every vector is still
        added. Training cost grows with the sample; FAISS wants about ``39 * nlist`` points.
    random_state : int, default 0
        Seed of the k-means training (IVF, PQ) and of the training sample.

    Returns
    -------
    faiss.Index
        HNSW graphs are built single-threaded so the same vectors always give the same graph.
    """
    x = as_2d_float32(vectors, "vectors")
    n, d = x.shape
    fmetric = _metric(metric)
    random_state = check_positive_int(random_state, "random_state", minimum=0)
    train = x
    if n_train is not None:
        n_train = check_positive_int(n_train, "n_train")
        if n_train < n:
            rows = np.sort(np.random.default_rng(random_state).choice(n, n_train, replace=False))
            train = np.ascontiguousarray(x[rows])
    if kind == "flat":
        index = faiss.IndexFlatIP(d) if metric == "ip" else faiss.IndexFlatL2(d)
    elif kind == "ivf":
        nlist = check_positive_int(nlist, "nlist")
        if n < nlist:
            raise ValueError(f"vectors has {n} rows, fewer than nlist={nlist} cells to train")
        quantizer = faiss.IndexFlatIP(d) if metric == "ip" else faiss.IndexFlatL2(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist, fmetric)
        index.cp.seed = random_state
        index.train(train)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, check_positive_int(hnsw_m, "hnsw_m", minimum=2), fmetric)
        index.hnsw.efConstruction = check_positive_int(ef_construction, "ef_construction")
        with _omp_threads(1):
            index.add(x)
        return index
    elif kind == "pq":
        pq_m = check_positive_int(pq_m, "pq_m")
        pq_nbits = check_positive_int(pq_nbits, "pq_nbits")
        if d % pq_m:
            raise ValueError(f"pq_m={pq_m} must divide the dimension d={d}")
        if n < 2 ** pq_nbits:
            raise ValueError(f"vectors has {n} rows, fewer than 2**pq_nbits={2 ** pq_nbits} to train")
        index = faiss.IndexPQ(d, pq_m, pq_nbits, fmetric)
        index.pq.cp.seed = random_state
        if pq_niter is not None:
            index.pq.cp.niter = check_positive_int(pq_niter, "pq_niter")
        index.train(train)
    elif kind == "sq8":
        index = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit, fmetric)
        index.train(train)
    elif kind == "ivfpq":
        nlist = check_positive_int(nlist, "nlist")
        pq_m = check_positive_int(pq_m, "pq_m")
        pq_nbits = check_positive_int(pq_nbits, "pq_nbits")
        pq_niter = 10 if pq_niter is None else check_positive_int(pq_niter, "pq_niter")
        if d % pq_m:
            raise ValueError(f"pq_m={pq_m} must divide the dimension d={d}")
        if len(train) < max(nlist, 2 ** pq_nbits):
            raise ValueError(f"{len(train)} training vectors are fewer than nlist={nlist} cells or "
                             f"2**pq_nbits={2 ** pq_nbits} codes to train")
        quantizer = faiss.IndexFlatIP(d) if metric == "ip" else faiss.IndexFlatL2(d)
        index = faiss.IndexIVFPQ(quantizer, d, nlist, pq_m, pq_nbits, fmetric)
        index.cp.seed = random_state
        index.pq.cp.seed = random_state
        index.pq.cp.niter = pq_niter
        index.train(train)
    else:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    index.add(x)
    return index


def search(index, queries, k: int, *, nprobe: int | None = None,
           ef_search: int | None = None) -> SearchResult:
    """Search ``index`` for the ``k`` nearest neighbours of each query, counting distances.

    Parameters
    ----------
    index : faiss.Index
        From :func:`build_index`.
    queries : array-like of shape (m, d)
    k : int
        Neighbours per query, ``1 <= k <= index.ntotal``.
    nprobe : int, optional
        IVF cells to scan (IVF indexes only).
    ef_search : int, optional
        HNSW search breadth (HNSW indexes only).

    Returns
    -------
    SearchResult
    """
    if not isinstance(index, faiss.Index):
        raise TypeError(f"index must be a faiss.Index, got {type(index).__name__}")
    q = as_2d_float32(queries, "queries", dim=index.d)
    k = check_positive_int(k, "k")
    if k > index.ntotal:
        raise ValueError(f"k={k} exceeds the {index.ntotal} vectors in the index")
    ivf = index if isinstance(index, faiss.IndexIVF) else None
    is_hnsw = isinstance(index, faiss.IndexHNSW)
    if nprobe is not None:
        if ivf is None:
            raise ValueError("nprobe applies to IVF indexes only")
        ivf.nprobe = check_positive_int(nprobe, "nprobe")
    if ef_search is not None:
        if not is_hnsw:
            raise ValueError("ef_search applies to HNSW indexes only")
        index.hnsw.efSearch = check_positive_int(ef_search, "ef_search")
    if ivf is not None:
        faiss.cvar.indexIVF_stats.reset()
        scores, ids = index.search(q, k)
        ndis = faiss.cvar.indexIVF_stats.ndis / len(q) + ivf.nlist
    elif is_hnsw:
        faiss.cvar.hnsw_stats.reset()
        scores, ids = index.search(q, k)
        ndis = faiss.cvar.hnsw_stats.ndis / len(q)
    else:
        scores, ids = index.search(q, k)
        ndis = float(index.ntotal)
    return SearchResult(scores, ids, float(ndis))


def exact_search(vectors, queries, k: int, *, metric: str = "ip") -> SearchResult:
    """Exact top-``k`` search with a flat index: the ground truth for recall."""
    index = build_index(vectors, "flat", metric=metric)
    return search(index, queries, k)


def recall_against_exact(exact_ids, approx_ids, k: int | None = None) -> float:
    """Recall@k of an approximate search: the mean share of the exact top-k that it found.

    Parameters
    ----------
    exact_ids, approx_ids : array-like of shape (m, >=k)
        Neighbour ids per query from exact and approximate search.
    k : int, optional
        Cut-off; by default the number of columns of ``exact_ids``.

    Returns
    -------
    float
        In ``[0, 1]``.
    """
    e, a = np.asarray(exact_ids), np.asarray(approx_ids)
    for name, arr in (("exact_ids", e), ("approx_ids", a)):
        if arr.ndim != 2 or arr.size == 0:
            raise ValueError(f"{name} must be a non-empty 2-D array (queries, k), got shape {arr.shape}")
    if e.shape[0] != a.shape[0]:
        raise ValueError(f"exact_ids and approx_ids have different numbers of queries "
                         f"({e.shape[0]} != {a.shape[0]})")
    k = e.shape[1] if k is None else check_positive_int(k, "k")
    if k > e.shape[1] or k > a.shape[1]:
        raise ValueError(f"k={k} exceeds the columns of exact_ids or approx_ids")
    found = [len(set(x[:k].tolist()) & set(y[:k].tolist()) - {-1}) for x, y in zip(e, a, strict=True)]
    return float(np.mean(found) / k)


def index_bytes(index) -> int:
    """Size of the serialised index in bytes: what it costs to keep in memory or ship."""
    if not isinstance(index, faiss.Index):
        raise TypeError(f"index must be a faiss.Index, got {type(index).__name__}")
    return int(faiss.serialize_index(index).nbytes)


def _timed_search(index, q, k, repeats, **params):
    result, best = None, np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = search(index, q, k, **params)
        best = min(best, time.perf_counter() - start)
    return result, best


def sweep(vectors, queries, k: int = 10, *, configs, metric: str = "ip",
          timing_repeats: int = 3, return_indexes: bool = False):
    """Build each index once, search with each setting, and measure recall, work and time.

    Parameters
    ----------
    vectors : array-like of shape (n, d)
        Database vectors.
    queries : array-like of shape (m, d)
    k : int, default 10
    configs : list of dict
        One dict per index: ``{"kind": "ivf", "nlist": 256, "nprobe": [1, 4, 16]}``,
        ``{"kind": "ivfpq", "nlist": 256, "pq_m": 16, "nprobe": [16, 64]}`` or
        ``{"kind": "hnsw", "hnsw_m": 32, "ef_search": [16, 64]}``; other keys are passed to
        :func:`build_index` and named in the row's ``index`` label. The exact flat index is
        always measured first as the reference.
    metric : {"ip", "l2"}, default "ip"
    timing_repeats : int, default 3
        Each batch search is timed this many times and the fastest is kept.
    return_indexes : bool, default False
        Also return the built indexes, keyed by the ``index`` label of the table, so that the
        chosen one can be served without building it again.

    Returns
    -------
    table : pandas.DataFrame
        One row per setting with ``index``, ``param``, ``value``, ``recall_at_k``,
        ``distances_per_query``, ``fewer_distances`` (exact's count divided by this one's),
        ``ms_per_query``, ``qps``, ``speedup`` (exact's time divided by this one's),
        ``build_s`` and ``bytes``.
    indexes : dict of str to faiss.Index
        Only with ``return_indexes=True``.
    """
    x = as_2d_float32(vectors, "vectors")
    q = as_2d_float32(queries, "queries", dim=x.shape[1])
    k = check_positive_int(k, "k")
    timing_repeats = check_positive_int(timing_repeats, "timing_repeats")
    if not isinstance(configs, (list, tuple)) or not configs:
        raise ValueError("configs must be a non-empty list of dicts")
    rows, indexes = [], {}

    def measure(name, index, build_s, param, value, **params):
        result, seconds = _timed_search(index, q, k, timing_repeats, **params)
        rows.append({"index": name, "param": param, "value": value,
                     "recall_at_k": recall_against_exact(exact.ids, result.ids, k),
                     "distances_per_query": result.distances_per_query,
                     "ms_per_query": 1000 * seconds / len(q), "qps": len(q) / seconds,
                     "build_s": build_s, "bytes": index_bytes(index)})

    start = time.perf_counter()
    flat = build_index(x, "flat", metric=metric)
    flat_build = time.perf_counter() - start
    exact = search(flat, q, k)
    indexes["flat"] = flat
    measure("flat", flat, flat_build, "-", 0)
    for config in configs:
        if not isinstance(config, dict) or "kind" not in config:
            raise ValueError(f"each config must be a dict with a 'kind', got {config!r}")
        config = dict(config)
        kind = config.pop("kind")
        grid_name = {"ivf": "nprobe", "ivfpq": "nprobe", "hnsw": "ef_search"}.get(kind)
        grid = config.pop(grid_name, None) if grid_name else None
        start = time.perf_counter()
        index = build_index(x, kind, metric=metric, **config)
        build_s = time.perf_counter() - start
        label = kind + "".join(f" {key}={val}" for key, val in config.items())
        indexes[label] = index
        if grid is None:
            measure(label, index, build_s, "-", 0)
        else:
            for value in grid:
                measure(label, index, build_s, grid_name, value, **{grid_name: value})
    table = pd.DataFrame(rows)
    table["fewer_distances"] = table["distances_per_query"].iloc[0] / table["distances_per_query"]
    table["speedup"] = table["ms_per_query"].iloc[0] / table["ms_per_query"]
    order = ["index", "param", "value", "recall_at_k", "distances_per_query", "fewer_distances",
             "ms_per_query", "qps", "speedup", "build_s", "bytes"]
    return (table[order], indexes) if return_indexes else table[order]


def rerank_filter(ids, vectors, *, blocked=(), dedupe_threshold: float | None = 0.99,
                  k: int | None = None) -> list:
    """Post-retrieval re-rank: drop blocked ids and near-duplicates, keep the order.

    Walks the ranked ``ids`` best first; skips an id that is blocked (private, flagged, removed)
    or whose cosine similarity with an already kept result exceeds ``dedupe_threshold``.

    Parameters
    ----------
    ids : sequence of int
        One query's ranked ids (``-1`` padding is skipped).
    vectors : array-like of shape (n, d)
        The catalogue embeddings, indexed by id.
    blocked : collection of int, default ()
    dedupe_threshold : float or None, default 0.99
        Cosine similarity above which a result counts as a duplicate; None disables it.
    k : int, optional
        Return at most ``k`` ids.

    Returns
    -------
    list of int
    """
    x = as_2d_float32(vectors, "vectors")
    k = None if k is None else check_positive_int(k, "k")
    arr = np.asarray(ids)
    if arr.ndim != 1:
        raise ValueError(f"ids must be one query's 1-D ranked list, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"ids must be integers, got dtype {arr.dtype}")
    blocked = set(blocked)
    norms = np.linalg.norm(x, axis=1)
    kept: list = []
    for raw in arr.tolist():
        if raw == -1 or raw in blocked or raw in kept:
            continue
        if not 0 <= raw < len(x):
            raise ValueError(f"ids holds {raw}, outside the {len(x)} catalogue vectors")
        if dedupe_threshold is not None and kept:
            sims = x[kept] @ x[raw] / np.maximum(norms[kept] * norms[raw], 1e-12)
            if np.max(sims) > dedupe_threshold:
                continue
        kept.append(raw)
        if k is not None and len(kept) == k:
            break
    return kept
