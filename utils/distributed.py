"""The pieces of a distributed feature, training and retrieval pipeline (chapter 15, on Dask).

A point-in-time window feature of an event depends only on earlier events *of the same key*, so
the job is embarrassingly parallel once the events are partitioned by key: every partition
computes its windows with :func:`utils.features.window_aggregate`, exactly as one process would.
Two things break that picture at scale, and this module holds the fixes the chapter measures:

- **Skew.** One key (a bot, a shared IP) with a large share of the events makes one partition,
  and so one task, dominate the stage. :func:`plan_partitions` splits each hot key by **time**
  into chunks placed on different partitions, and copies into each chunk a **one-window halo**
  (the key's events in ``[chunk start - window, chunk start)``), so every window inside the chunk
  still sees all the earlier events it needs: the features stay exact. The halo rows are
  context only; :func:`window_features` drops them from the output.
- **Retrieval larger than one machine.** A vector index sharded across workers answers a query
  by broadcasting it to every shard and merging the shards' top-k lists
  (:func:`merge_topk`, :func:`sharded_search`): exact for a flat index.

Also: a deterministic key hash (:func:`key_partition`), hot-key detection
(:func:`find_hot_keys`), a hot-key generator for the ad-click data (:func:`add_hot_key`), the
Dask shuffle into planned partitions (:func:`partition_by_plan`), parameter averaging of linear
models trained per partition (:func:`average_linear_models`) and measurement helpers (bytes moved
between workers, task durations from a task stream).
"""
from __future__ import annotations

import copy
import numbers
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_fraction, check_positive_int, rng_from
from .features import AGGREGATIONS, window_aggregate

__all__ = [
    "WindowSpec",
    "add_hot_key",
    "key_partition",
    "find_hot_keys",
    "plan_partitions",
    "skew_ratio",
    "window_features",
    "partition_by_plan",
    "average_linear_models",
    "logistic_loss_grad",
    "fit_logistic_distributed",
    "merge_topk",
    "build_shards",
    "search_shard",
    "sharded_search",
    "bytes_sent",
    "task_durations",
]

#: Columns :func:`plan_partitions` adds: target partition, time chunk of the key, halo flag.
PLAN_COLUMNS = ("_part", "_chunk", "_halo")


@dataclass(frozen=True)
class WindowSpec:
    """One point-in-time window feature: ``how`` over the earlier events of ``keys``.

    Attributes
    ----------
    name : str
        Output column.
    keys : tuple
        Column names forming the entity key, e.g. ``("user",)`` or ``("user", "ad")``.
    window : str
        Trailing window, a pandas offset string such as ``"24h"``.
    how : str
        One of ``count``, ``sum``, ``mean``, ``nunique`` (see ``window_aggregate``).
    values : str or None
        Column aggregated by ``sum``, ``mean`` and ``nunique``; None for ``count``.
    """

    name: str
    keys: tuple
    window: str
    how: str = "count"
    values: str | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise TypeError("name must be a non-empty string")
        if isinstance(self.keys, str) or not isinstance(self.keys, tuple) or not self.keys:
            raise TypeError(f"keys must be a non-empty tuple of column names, got {self.keys!r}")
        if self.how not in AGGREGATIONS:
            raise ValueError(f"how must be one of {AGGREGATIONS}, got {self.how!r}")
        if (self.values is None) != (self.how == "count"):
            raise ValueError(f"values is needed for how={self.how!r} and only then")
        if pd.Timedelta(self.window) <= pd.Timedelta(0):
            raise ValueError(f"window must be positive, got {self.window!r}")


def _check_frame(frame, name: str, columns) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    if len(frame) == 0:
        raise ValueError(f"{name} is empty")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the columns {missing}")
    return frame


def add_hot_key(events: pd.DataFrame, share: float, *, key: str = "user", hot_id=None,
                random_state=0) -> pd.DataFrame:
    """Give a random ``share`` of the events to one new key (a bot, a shared IP).

    Parameters
    ----------
    events : DataFrame
        The event log (e.g. the impressions of ``make_ad_click_data``).
    share : float
        Share of the rows reassigned to the hot key, in (0, 1).
    key : str, default "user"
        The entity column to skew.
    hot_id : scalar, optional
        The hot key's value; default one more than the largest existing (integer) key.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    DataFrame
        A copy with ``key`` replaced on the chosen rows; row order and the other columns unchanged.

    Examples
    --------
    >>> ev = pd.DataFrame({"user": range(100), "ts": pd.date_range("2024", periods=100, freq="h")})
    >>> int((add_hot_key(ev, 0.2)["user"] == 100).sum())
    20
    """
    _check_frame(events, "events", [key])
    share = check_fraction(share, "share")
    rng = rng_from(random_state)
    if hot_id is None:
        if not pd.api.types.is_integer_dtype(events[key]):
            raise TypeError(f"hot_id is required when {key!r} is not an integer column")
        hot_id = int(events[key].max()) + 1
    n_hot = int(round(share * len(events)))
    rows = rng.choice(len(events), n_hot, replace=False)
    out = events.copy()
    values = out[key].to_numpy().copy()
    values[rows] = hot_id
    out[key] = values
    return out


def key_partition(keys, n_partitions: int) -> np.ndarray:
    """The partition of each key: a deterministic hash modulo ``n_partitions``.

    pandas' ``hash_array`` (SipHash with a fixed key) gives the same partition for the same key
    in every process and every run, unlike Python's salted ``hash`` of strings.

    Parameters
    ----------
    keys : array-like of shape (n,)
        Entity keys (integers or strings), no missing values.
    n_partitions : int

    Returns
    -------
    ndarray of int64, shape (n,)
        Values in ``[0, n_partitions)``.

    Examples
    --------
    >>> p = key_partition([1, 2, 1], 4)
    >>> bool(p[0] == p[2]), bool(((0 <= p) & (p < 4)).all())
    (True, True)
    """
    n_partitions = check_positive_int(n_partitions, "n_partitions")
    if isinstance(keys, (str, bytes, dict)):
        raise TypeError(f"keys must be an array of labels, got {type(keys).__name__}")
    arr = keys.to_numpy() if isinstance(keys, (pd.Series, pd.Index)) else np.asarray(keys)
    if arr.ndim != 1:
        raise ValueError(f"keys must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError("keys is empty")
    if pd.isna(arr).any():
        raise ValueError("keys contains missing values")
    if arr.dtype.kind in "OUT":
        arr = arr.astype(object)
    return (pd.util.hash_array(arr) % np.uint64(n_partitions)).astype(np.int64)


def find_hot_keys(keys, n_partitions: int, *, threshold: float = 0.5) -> np.ndarray:
    """Keys whose event count exceeds ``threshold`` times the mean partition size.

    A key with more events than a fair partition's share cannot be balanced by any key-to-
    partition assignment: it must be split.

    Parameters
    ----------
    keys : array-like of shape (n,)
    n_partitions : int
    threshold : float, default 0.5
        Fraction of ``n / n_partitions`` above which a key is hot (> 0).

    Returns
    -------
    ndarray
        The hot keys, sorted by value.

    Examples
    --------
    >>> find_hot_keys([7] * 50 + list(range(50)), 4).tolist()
    [7]
    """
    n_partitions = check_positive_int(n_partitions, "n_partitions")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not threshold > 0:
        raise ValueError(f"threshold must be a number > 0, got {threshold!r}")
    if isinstance(keys, (str, bytes, dict)):
        raise TypeError(f"keys must be an array of labels, got {type(keys).__name__}")
    s = pd.Series(np.asarray(keys) if not isinstance(keys, pd.Series) else keys.to_numpy())
    if s.empty:
        raise ValueError("keys is empty")
    counts = s.value_counts()
    hot = counts.index[counts.to_numpy() > threshold * len(s) / n_partitions].to_numpy()
    return np.sort(hot)


def _chunk_bounds(times: np.ndarray, n_chunks: int) -> np.ndarray:
    """Start times of ``n_chunks`` time chunks with about equal event counts (ties kept together)."""
    t = np.sort(times)
    starts = t[(np.arange(n_chunks) * len(t)) // n_chunks]
    return np.unique(starts)


def plan_partitions(events: pd.DataFrame, *, key: str, n_partitions: int, time: str = "ts",
                    hot_keys=(), n_chunks: int | None = None, halo=None) -> pd.DataFrame:
    """Assign every event to a partition by its key, splitting hot keys by time with a halo.

    Ordinary keys go to ``key_partition(key)``. Each hot key's events are cut into ``n_chunks``
    time chunks of about equal size (events at the same instant stay in one chunk); chunk ``c``
    goes to partition ``(key_partition(hot) + c) % n_partitions``. Each chunk after the first also
    receives a copy of the key's events in ``[chunk start - halo, chunk start)`` flagged as
    halo, so a window of length ``<= halo`` computed inside the chunk is exact.

    Parameters
    ----------
    events : DataFrame
        Must hold the ``key`` and ``time`` columns and none of ``_part``, ``_chunk``, ``_halo``.
    key : str
        The entity column the windows are keyed by (every window key must start with it).
    n_partitions : int
    time : str, default "ts"
        Datetime column.
    hot_keys : sequence, default ()
        Keys to split (e.g. from :func:`find_hot_keys`); none means plain hash partitioning.
    n_chunks : int, optional
        Time chunks per hot key; default ``n_partitions`` (one per partition).
    halo : str or Timedelta, optional
        The longest window of the features to compute; required when ``hot_keys`` is not empty.

    Returns
    -------
    DataFrame
        ``events`` plus the halo copies, with ``_part`` (int), ``_chunk`` (int, 0 for ordinary
        keys; add it to every window key) and ``_halo`` (bool). The original index is kept, so
        halo copies repeat the index of the rows they copy.

    Examples
    --------
    >>> ev = pd.DataFrame({"user": [1] * 6 + [2, 3],
    ...                    "ts": pd.date_range("2024-01-01", periods=8, freq="h")})
    >>> plan = plan_partitions(ev, key="user", n_partitions=2, hot_keys=[1], halo="1h")
    >>> bot = plan[~plan["_halo"] & (plan["user"] == 1)]
    >>> int(plan["_halo"].sum()), sorted(bot["_chunk"].unique().tolist())
    (1, [0, 1])
    """
    _check_frame(events, "events", [key, time])
    clash = [c for c in PLAN_COLUMNS if c in events.columns]
    if clash:
        raise ValueError(f"events already has the plan columns {clash}")
    n_partitions = check_positive_int(n_partitions, "n_partitions")
    n_chunks = n_partitions if n_chunks is None else check_positive_int(n_chunks, "n_chunks")
    if isinstance(hot_keys, (str, bytes)):
        raise TypeError("hot_keys must be a sequence of keys, not a string")
    hot_keys = list(np.asarray(hot_keys).tolist()) if len(hot_keys) else []
    if hot_keys:
        if halo is None:
            raise ValueError("halo (the longest feature window) is required to split hot keys")
        halo_ns = pd.Timedelta(halo)
        if pd.isna(halo_ns) or halo_ns <= pd.Timedelta(0):
            raise ValueError(f"halo must be a positive time span, got {halo!r}")
    if not pd.api.types.is_datetime64_any_dtype(events[time]):
        raise TypeError(f"column {time!r} must hold datetimes")
    keys = events[key].to_numpy()
    part = key_partition(keys, n_partitions)
    chunk = np.zeros(len(events), dtype=np.int64)
    pieces = []
    for hot in hot_keys:
        rows = np.flatnonzero(keys == hot)
        if rows.size == 0:
            continue
        t = events[time].to_numpy()[rows]
        starts = _chunk_bounds(t, n_chunks)
        c = np.searchsorted(starts, t, side="right") - 1          # chunk of each event
        base = int(key_partition(np.asarray([hot]), n_partitions)[0])
        chunk[rows] = c
        part[rows] = (base + c) % n_partitions
        for j in range(1, len(starts)):                          # halo: one window before the chunk
            in_halo = (t >= starts[j] - halo_ns.to_timedelta64()) & (t < starts[j])
            if in_halo.any():
                h = events.iloc[rows[in_halo]].copy()
                h["_part"], h["_chunk"], h["_halo"] = (base + j) % n_partitions, j, True
                pieces.append(h)
    out = events.copy()
    out["_part"], out["_chunk"], out["_halo"] = part, chunk, False
    if pieces:
        out = pd.concat([out, *pieces])
    return out


def skew_ratio(sizes) -> float:
    """Largest partition over the mean partition (1 = perfectly balanced).

    The stage's wall time is set by its largest task, so this is the slowdown skew costs when
    every partition gets its own core.

    Examples
    --------
    >>> skew_ratio([10, 10, 40])
    2.0
    """
    arr = np.asarray(sizes, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("sizes must be a non-empty 1-D array")
    if (arr < 0).any() or arr.sum() == 0:
        raise ValueError("sizes must be >= 0 with a positive total")
    return float(arr.max() / arr.mean())


def window_features(events: pd.DataFrame, specs, *, time: str = "ts", id_column: str = "row") -> pd.DataFrame:
    """Compute window features over one frame (a whole log or one partition of a plan).

    If ``events`` carries the plan columns, ``_chunk`` is added to every window key (the chunks of
    a hot key are computed apart) and the halo rows are dropped from the output after serving as
    context.

    Parameters
    ----------
    events : DataFrame
        Holds ``time``, ``id_column`` and the columns the specs name.
    specs : sequence of WindowSpec
    time : str, default "ts"
    id_column : str, default "row"
        A unique event id, kept in the output so partitions can be matched to the reference.

    Returns
    -------
    DataFrame
        ``id_column`` and one column per spec, one row per non-halo event, sorted by
        ``id_column`` (so the result does not depend on the order rows arrived in).
    """
    specs = list(specs)
    if not specs or not all(isinstance(s, WindowSpec) for s in specs):
        raise TypeError("specs must be a non-empty sequence of WindowSpec")
    needed = {time, id_column} | {k for s in specs for k in s.keys} | {s.values for s in specs if s.values}
    _check_frame(events, "events", sorted(needed))
    planned = "_chunk" in events.columns
    out = {id_column: events[id_column].to_numpy()}
    for s in specs:
        keys = list(s.keys) + (["_chunk"] if planned else [])
        key_frame = events[keys] if len(keys) > 1 else events[keys[0]]
        values = None if s.values is None else events[s.values].to_numpy()
        out[s.name] = window_aggregate(events[time], key_frame, s.window, values=values, how=s.how)
    result = pd.DataFrame(out)
    if planned:
        result = result[~events["_halo"].to_numpy()]
    return result.sort_values(id_column, kind="stable").reset_index(drop=True)


def partition_by_plan(client, plan: pd.DataFrame, n_partitions: int, *, n_input: int = 4,
                      shuffle_method: str = "tasks"):
    """Load a planned frame onto the cluster and shuffle it into its planned partitions.

    The frame is cut into ``n_input`` row chunks scattered to the workers (as a real job would
    read files in parallel: no data in the task graph), then shuffled so that partition ``i``
    holds exactly the rows with ``_part == i`` (``set_index`` on ``_part`` with known divisions;
    a hash shuffle on ``_part`` could put two planned partitions into one).

    Parameters
    ----------
    client : distributed.Client
    plan : DataFrame
        From :func:`plan_partitions`.
    n_partitions : int
    n_input : int, default 4
    shuffle_method : {"tasks", "p2p"}, default "tasks"
        ``tasks`` moves shuffle pieces as ordinary task results, which the workers' transfer
        counters (:func:`bytes_sent`) see.

    Returns
    -------
    dask.dataframe.DataFrame
        ``n_partitions`` partitions indexed by ``_part``.
    """
    import dask.dataframe as dd

    _check_frame(plan, "plan", PLAN_COLUMNS)
    n_partitions = check_positive_int(n_partitions, "n_partitions")
    n_input = check_positive_int(n_input, "n_input")
    if shuffle_method not in ("tasks", "p2p"):
        raise ValueError(f"shuffle_method must be 'tasks' or 'p2p', got {shuffle_method!r}")
    if plan["_part"].min() < 0 or plan["_part"].max() >= n_partitions:
        raise ValueError("plan has _part values outside [0, n_partitions)")
    frame = plan.reset_index(drop=True)
    chunks = [frame.iloc[rows] for rows in np.array_split(np.arange(len(frame)), min(n_input, len(frame)))]
    futures = client.scatter(chunks)
    ddf = dd.from_delayed(futures, meta=frame.iloc[:0], verify_meta=False)
    divisions = list(range(n_partitions)) + [n_partitions - 1]
    if n_partitions == 1:
        divisions = [0, 0]
    return ddf.set_index("_part", divisions=divisions, shuffle_method=shuffle_method)


def average_linear_models(models, weights=None):
    """One linear model whose coefficients are the (weighted) mean of fitted ones.

    Parameter averaging is the one-round form of data-parallel training: each worker fits on its
    partition, the driver averages. For a convex loss and partitions drawn from the same
    distribution it lands close to the model fitted on all the data.

    Parameters
    ----------
    models : sequence of fitted scikit-learn linear classifiers
        Same class, same ``classes_`` and ``coef_`` shape.
    weights : array-like, optional
        One non-negative weight per model (e.g. partition rows); default equal.

    Returns
    -------
    estimator
        A deep copy of the first model with averaged ``coef_`` and ``intercept_``.
    """
    models = list(models)
    if not models:
        raise ValueError("models is empty")
    for m in models:
        if not hasattr(m, "coef_") or not hasattr(m, "intercept_"):
            raise TypeError("models must be fitted linear models (with coef_ and intercept_)")
    first = models[0]
    for m in models[1:]:
        if type(m) is not type(first) or m.coef_.shape != first.coef_.shape or \
                not np.array_equal(m.classes_, first.classes_):
            raise ValueError("models must share their class, classes_ and coef_ shape")
    w = np.ones(len(models)) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (len(models),) or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must hold one non-negative number per model, with a positive sum")
    w = w / w.sum()
    out = copy.deepcopy(first)
    out.coef_ = np.tensordot(w, np.stack([m.coef_ for m in models]), axes=1)
    out.intercept_ = np.tensordot(w, np.stack([np.atleast_1d(m.intercept_) for m in models]), axes=1)
    return out


def logistic_loss_grad(block, coef):
    """Summed logistic loss and its gradient over one data block, at ``coef``.

    The per-partition half of distributed gradient descent: each worker evaluates its rows, the
    driver adds the results (an all-reduce) and the penalty.

    Parameters
    ----------
    block : tuple
        ``(X, y)``: a (sparse) matrix of shape (n, d) and 0/1 labels of shape (n,).
    coef : ndarray of shape (d + 1,)
        Weights followed by the intercept.

    Returns
    -------
    tuple
        ``(loss, grad)``: the summed log loss (float) and its gradient, shape (d + 1,).

    Examples
    --------
    >>> loss, grad = logistic_loss_grad((np.eye(2), np.array([0, 1])), np.zeros(3))
    >>> round(loss, 4), grad.tolist()
    (1.3863, [0.5, -0.5, 0.0])
    """
    if not isinstance(block, tuple) or len(block) != 2:
        raise TypeError("block must be a tuple (X, y)")
    X, y = block
    y = np.asarray(y, dtype=float)
    coef = np.asarray(coef, dtype=float)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y have different lengths ({X.shape[0]} != {y.shape[0]})")
    if coef.shape != (X.shape[1] + 1,):
        raise ValueError(f"coef must have shape ({X.shape[1] + 1},), got {coef.shape}")
    margin = (2 * y - 1) * (X @ coef[:-1] + coef[-1])
    loss = float(np.logaddexp(0, -margin).sum())
    dz = -(2 * y - 1) * np.exp(-np.logaddexp(0, margin))          # d loss / d z = -s * sigmoid(-margin)
    return loss, np.append(np.asarray(X.T @ dz).ravel(), dz.sum())


class _GradientShard:
    """The blocks held by one worker, answering loss-and-gradient calls (a Dask actor).

    An actor call goes straight from the driver to the worker, without a task per block through
    the scheduler: one message per worker and round, the shape of an all-reduce.
    """

    def __init__(self, *blocks):
        self.blocks = blocks

    def loss_grad(self, coef):
        return [logistic_loss_grad(block, coef) for block in self.blocks]


def fit_logistic_distributed(client, blocks, C: float = 1.0, *, n_rows: int | None = None,
                             init=None, max_iter: int = 500, gtol: float = 1e-6):
    """L2-regularised logistic regression fitted by L-BFGS over data blocks held by the workers.

    The objective is scikit-learn's, ``0.5 * ||w||^2 + C * sum(log loss)`` (intercept not
    penalised), divided by the number of rows for conditioning. Every evaluation sends the current
    coefficients to one actor per worker holding that worker's blocks, runs
    :func:`logistic_loss_grad` on each block there and sums the answers on the driver, in block
    order (deterministic). This is how Spark MLlib trains linear models: many
    small rounds of communication, and the same optimum as one machine.

    Parameters
    ----------
    client : distributed.Client
    blocks : list of Future
        Each resolves to ``(X, y)`` on a worker (all with the same number of columns).
    C : float, default 1.0
        Inverse regularisation strength, as in ``LogisticRegression``.
    n_rows : int, optional
        Total rows (for the scaling); computed from the blocks when omitted.
    init : fitted linear model, optional
        Start from its ``coef_`` and ``intercept_`` (e.g. the parameter average of per-partition
        fits, which is close to the optimum and saves rounds); default zeros.
    max_iter : int, default 500
        L-BFGS iterations (each needs one or a few rounds).
    gtol : float, default 1e-6
        Stop when the largest gradient component of the scaled objective is below this.

    Returns
    -------
    tuple
        ``(model, rounds)``: a ``LogisticRegression`` carrying the fitted ``coef_``,
        ``intercept_`` and ``classes_``, and the number of loss-and-gradient rounds.
    """
    from scipy.optimize import minimize
    from sklearn.linear_model import LogisticRegression

    from ._validation import check_positive_number

    C = check_positive_number(C, "C")
    max_iter = check_positive_int(max_iter, "max_iter")
    blocks = list(blocks)
    if not blocks:
        raise ValueError("blocks is empty")
    shapes = client.gather([client.submit(lambda b: b[0].shape, blk) for blk in blocks])
    if len({d for _, d in shapes}) != 1:
        raise ValueError("blocks must all have the same number of columns")
    n = sum(r for r, _ in shapes) if n_rows is None else check_positive_int(n_rows, "n_rows")
    d = shapes[0][1]
    from distributed import Future

    futures = [blk for blk in blocks if isinstance(blk, Future)]
    who = client.who_has(futures) if futures else {}
    groups = {}                                                    # worker -> indices of its blocks
    for j, blk in enumerate(blocks):
        holders = sorted(who.get(blk.key, ())) if isinstance(blk, Future) else []
        groups.setdefault(holders[0] if holders else None, []).append(j)
    actors = [(client.submit(_GradientShard, *[blocks[j] for j in idx], actor=True, pure=False,
                             workers=None if w is None else [w]).result(), idx)
              for w, idx in groups.items()]
    rounds = 0

    def objective(coef):
        nonlocal rounds
        rounds += 1
        calls = [(actor.loss_grad(coef), idx) for actor, idx in actors]     # all workers at once
        parts = [None] * len(blocks)
        for call, idx in calls:
            for j, part in zip(idx, call.result(), strict=True):
                parts[j] = part
        loss = sum(p[0] for p in parts)
        grad = np.sum([p[1] for p in parts], axis=0)
        w = coef.copy()
        w[-1] = 0.0
        return (C * loss + 0.5 * w @ w) / n, (C * grad + w) / n

    x0 = np.zeros(d + 1)
    if init is not None:
        x0 = np.append(np.asarray(init.coef_, dtype=float).ravel(), np.ravel(init.intercept_)[:1])
        if x0.shape != (d + 1,):
            raise ValueError(f"init has {x0.size - 1} coefficients, the blocks {d} columns")
    gtol = check_positive_number(gtol, "gtol")
    res = minimize(objective, x0, jac=True, method="L-BFGS-B",
                   options={"maxiter": max_iter, "gtol": gtol, "ftol": 1e-14})
    model = LogisticRegression(C=C)
    model.coef_ = res.x[:-1].reshape(1, -1)
    model.intercept_ = res.x[-1:].copy()
    model.classes_ = np.array([0, 1])
    model.n_features_in_ = d
    return model, rounds


def merge_topk(scores, ids, k: int, *, largest: bool = True):
    """Merge per-shard top-k lists into the global top-k.

    Parameters
    ----------
    scores : sequence of ndarray, each of shape (m, k_i)
        Each shard's scores for the same ``m`` queries.
    ids : sequence of ndarray, each of shape (m, k_i)
        Global ids of those results (``-1`` pads missing results and is dropped).
    k : int
    largest : bool, default True
        True for similarities (inner product), False for distances (L2).

    Returns
    -------
    tuple of ndarray
        ``(scores, ids)`` of shape ``(m, k)``, best first; ties broken by the smaller id, as a
        single flat FAISS index does.

    Examples
    --------
    >>> s, i = merge_topk([np.array([[0.9, 0.1]]), np.array([[0.5, 0.4]])],
    ...                   [np.array([[0, 1]]), np.array([[10, 11]])], 2)
    >>> i.tolist()
    [[0, 10]]
    """
    k = check_positive_int(k, "k")
    scores, ids = list(scores), list(ids)
    if not scores or len(scores) != len(ids):
        raise ValueError("scores and ids must be non-empty sequences of the same length")
    s = np.concatenate([np.asarray(a, dtype=float) for a in scores], axis=1)
    i = np.concatenate([np.asarray(a, dtype=np.int64) for a in ids], axis=1)
    if s.shape != i.shape or s.ndim != 2:
        raise ValueError(f"scores and ids must have matching 2-D shapes, got {s.shape} and {i.shape}")
    if k > s.shape[1]:
        raise ValueError(f"k={k} exceeds the {s.shape[1]} merged candidates per query")
    key = np.where(i < 0, np.inf, -s if largest else s)
    order = np.lexsort((i, key), axis=1)[:, :k]                     # by score, then by id
    return np.take_along_axis(s, order, axis=1), np.take_along_axis(i, order, axis=1)


def _build_flat(vectors):
    from .retrieval import build_index
    return build_index(vectors, "flat", metric="ip")


def search_shard(index, queries, k: int, offset: int):
    """Search one shard and return its top-``k`` with global ids (``local id + offset``).

    Parameters
    ----------
    index : faiss.Index
        The shard (built by :func:`build_shards` on a worker).
    queries : ndarray of shape (m, d)
    k : int
        Results per query; capped at the shard's size.
    offset : int
        Global id of the shard's first vector.

    Returns
    -------
    tuple of ndarray
        ``(scores, ids)`` of shape ``(m, min(k, index.ntotal))``; ``-1`` ids stay ``-1``.
    """
    from .retrieval import search

    k = check_positive_int(k, "k")
    offset = check_positive_int(offset, "offset", minimum=0)
    res = search(index, queries, min(k, index.ntotal))
    return res.scores, np.where(res.ids >= 0, res.ids + offset, -1)


def build_shards(client, vectors, n_shards: int | None = None):
    """Scatter row blocks of ``vectors`` to the workers and build one flat FAISS index on each.

    Parameters
    ----------
    client : distributed.Client
    vectors : ndarray of shape (n, d)
        float32 database vectors (L2-normalised for cosine similarity).
    n_shards : int, optional
        Default: one shard per worker. Shard ``j`` lives on worker ``j % n_workers``.

    Returns
    -------
    list of tuple
        ``(index future, global id offset, worker address)`` per shard; the indexes stay in the
        workers' memory.
    """
    from ._validation import as_2d_float32

    x = as_2d_float32(vectors, "vectors")
    workers = sorted(client.scheduler_info()["workers"])
    if not workers:
        raise ValueError("the cluster has no workers")
    n_shards = len(workers) if n_shards is None else check_positive_int(n_shards, "n_shards")
    if n_shards > len(x):
        raise ValueError(f"n_shards={n_shards} exceeds the {len(x)} vectors")
    bounds = np.linspace(0, len(x), n_shards + 1).astype(int)
    shards = []
    for j in range(n_shards):
        w = workers[j % len(workers)]
        block = client.scatter(np.ascontiguousarray(x[bounds[j]:bounds[j + 1]]), workers=[w])
        index = client.submit(_build_flat, block, workers=[w], pure=False)
        shards.append((index, int(bounds[j]), w))
    return shards


def sharded_search(client, shards, queries, k: int):
    """Broadcast ``queries`` to every shard, search each, and merge the top-``k`` lists.

    Parameters
    ----------
    client : distributed.Client
    shards : list
        From :func:`build_shards`.
    queries : ndarray of shape (m, d)
    k : int

    Returns
    -------
    tuple of ndarray
        ``(scores, ids)`` of shape ``(m, k)`` with global ids, equal to one flat index over all
        vectors (up to ties).
    """
    from ._validation import as_2d_float32

    q = as_2d_float32(queries, "queries")
    k = check_positive_int(k, "k")
    if not shards:
        raise ValueError("shards is empty")
    futures = [client.submit(search_shard, index, q, k, offset, workers=[w], pure=False)
               for index, offset, w in shards]
    results = client.gather(futures)
    return merge_topk([r[0] for r in results], [r[1] for r in results], k)


def bytes_sent(client) -> int:
    """Total bytes the workers have sent to other workers so far (their transfer counters).

    Take the difference before and after a stage to measure what it moved across the network
    (data fetched worker-to-worker for a task; not what the client scatters or gathers).
    """
    per_worker = client.run(lambda dask_worker: dask_worker.transfer_outgoing_bytes_total)
    return int(sum(per_worker.values()))


def _partition_of(key) -> int:
    """The output partition of a task key such as ``('featurize-abc', 3)``; -1 if it has none."""
    if isinstance(key, tuple) and key and isinstance(key[-1], numbers.Integral):
        return int(key[-1])
    match = re.search(r",\s*(\d+)\)$", str(key))
    return int(match.group(1)) if match else -1


def task_durations(records, name_contains: str) -> pd.DataFrame:
    """Compute time of the tasks whose key contains ``name_contains``, from a task stream.

    Parameters
    ----------
    records : list of dict
        ``distributed.get_task_stream(...).data`` (works without the dashboard).
    name_contains : str
        Substring of the task key's name, e.g. the function name given to ``map_partitions``.

    Returns
    -------
    DataFrame
        ``partition`` (the task's output partition, -1 if its key has none), ``key``, ``worker``
        and ``seconds`` (compute time only), one row per task, sorted by partition.
    """
    if not isinstance(name_contains, str) or not name_contains:
        raise TypeError("name_contains must be a non-empty string")
    rows = []
    for rec in records:
        if name_contains not in str(rec.get("key")):
            continue
        compute = sum(s["stop"] - s["start"] for s in rec.get("startstops", ())
                      if s.get("action") == "compute")
        rows.append({"partition": _partition_of(rec["key"]), "key": str(rec["key"]),
                     "worker": rec.get("worker"), "seconds": compute})
    out = pd.DataFrame(rows, columns=["partition", "key", "worker", "seconds"])
    return out.sort_values(["partition", "key"], kind="stable").reset_index(drop=True)
