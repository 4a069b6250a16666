"""Serving pieces: a latency profiler, an LRU cache with hit counters, a two-stage pipeline,
a simulated feature store with a fixed delay and a micro-batching simulator.

Latency is reported as percentiles because users feel the tail: a p99 of 80 ms means one
request in a hundred waits longer than that, whatever the mean says. Timings depend on the
machine and its load, so chapters print them and assert only machine-independent counts.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ._validation import as_1d_float, check_positive_int, check_positive_number

__all__ = ["LatencyStats", "measure_latency", "LRUCache", "TwoStagePipeline", "SimulatedFeatureStore",
           "MicroBatchResult", "simulate_micro_batching"]


@dataclass(frozen=True)
class LatencyStats:
    """Percentiles of repeated calls, in milliseconds."""

    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    n_calls: int

    def as_dict(self) -> dict:
        """The statistics as a plain dict (for a table row)."""
        return {"p50_ms": self.p50_ms, "p95_ms": self.p95_ms, "p99_ms": self.p99_ms,
                "mean_ms": self.mean_ms, "n_calls": self.n_calls}


def measure_latency(fn: Callable, inputs: Iterable | None = None, *, n_calls: int = 200,
                    warmup: int = 5, threads: int | None = None) -> LatencyStats:
    """Call ``fn`` repeatedly and report p50/p95/p99 latency.

    Parameters
    ----------
    fn : callable
        The request handler. Called as ``fn(x)`` for each ``x`` in ``inputs``, or as ``fn()``
        ``n_calls`` times when ``inputs`` is None.
    inputs : iterable, optional
        One request per item (cycled through when shorter than ``n_calls``).
    n_calls : int, default 200
        Timed calls.
    warmup : int, default 5
        Untimed calls first (caches, lazy imports, thread pools).
    threads : int, optional
        Limit the BLAS and OpenMP thread pools (NumPy, scikit-learn, FAISS) to this many threads
        while measuring, as a server handling one request per core would. On a busy machine a
        single small request run on two threads can wait for a core and measure ten times slower.

    Returns
    -------
    LatencyStats

    Examples
    --------
    >>> stats = measure_latency(lambda: sum(range(100)), n_calls=50)
    >>> stats.p50_ms <= stats.p99_ms
    True
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    n_calls = check_positive_int(n_calls, "n_calls")
    warmup = check_positive_int(warmup, "warmup", minimum=0)
    if threads is not None:
        threads = check_positive_int(threads, "threads")
    if inputs is None:
        args = None
    else:
        args = list(inputs)
        if not args:
            raise ValueError("inputs is empty")
    limits = threadpool_limits(limits=threads) if threads is not None else nullcontext()
    with limits:
        times = _time_calls(fn, args, n_calls, warmup)
    ms = 1000 * times
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return LatencyStats(float(p50), float(p95), float(p99), float(ms.mean()), n_calls)


def _time_calls(fn, args, n_calls, warmup):
    for i in range(warmup):
        fn() if args is None else fn(args[i % len(args)])
    times = np.empty(n_calls)
    for i in range(n_calls):
        start = time.perf_counter()
        fn() if args is None else fn(args[i % len(args)])
        times[i] = time.perf_counter() - start
    return times


class LRUCache:
    """A least-recently-used cache in front of a slow function, counting hits and misses.

    Parameters
    ----------
    fn : callable
        ``fn(key) -> value``, e.g. a feature-store lookup.
    capacity : int
        Entries kept; the least recently used one is evicted first.

    Examples
    --------
    >>> cache = LRUCache(lambda k: k * 2, capacity=2)
    >>> [cache(k) for k in (1, 1, 2, 3, 1)]
    [2, 2, 4, 6, 2]
    >>> cache.hits, cache.misses
    (1, 4)
    """

    def __init__(self, fn: Callable, capacity: int):
        if not callable(fn):
            raise TypeError(f"fn must be callable, got {type(fn).__name__}")
        self.fn = fn
        self.capacity = check_positive_int(capacity, "capacity")
        self._store: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __call__(self, key):
        if key in self._store:
            self.hits += 1
            self._store.move_to_end(key)
            return self._store[key]
        self.misses += 1
        value = self.fn(key)
        self._store[key] = value
        if len(self._store) > self.capacity:
            self._store.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._store)

    @property
    def hit_rate(self) -> float:
        """Hits divided by lookups (0 before the first lookup)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class TwoStagePipeline:
    """Retrieve many candidates cheaply, then rank a few of them with a costlier model.

    Parameters
    ----------
    retrieve : callable
        ``retrieve(query, n) -> sequence of candidate ids`` (e.g. an ANN index).
    rank : callable
        ``rank(query, candidate_ids) -> sequence of scores``, one per candidate (higher first).
    n_candidates : int
        Candidates the first stage returns.
    n_results : int
        Results returned after ranking, ``<= n_candidates``.

    Attributes
    ----------
    items_ranked : int
        Candidates scored by ``rank`` so far: the work the first stage saves.
    """

    def __init__(self, retrieve: Callable, rank: Callable, n_candidates: int, n_results: int):
        for name, fn in (("retrieve", retrieve), ("rank", rank)):
            if not callable(fn):
                raise TypeError(f"{name} must be callable, got {type(fn).__name__}")
        self.retrieve, self.rank = retrieve, rank
        self.n_candidates = check_positive_int(n_candidates, "n_candidates")
        self.n_results = check_positive_int(n_results, "n_results")
        if self.n_results > self.n_candidates:
            raise ValueError(f"n_results ({n_results}) must be <= n_candidates ({n_candidates})")
        self.items_ranked = 0

    def __call__(self, query) -> list:
        candidates = list(self.retrieve(query, self.n_candidates))
        if not candidates:
            return []
        scores = np.asarray(self.rank(query, candidates), dtype=float)
        if scores.shape != (len(candidates),):
            raise ValueError(f"rank returned {scores.shape} scores for {len(candidates)} candidates")
        self.items_ranked += len(candidates)
        order = np.argsort(-scores, kind="stable")[: self.n_results]
        return [candidates[i] for i in order]


class SimulatedFeatureStore:
    """A key-value feature store with a fixed network delay per lookup, counting lookups.

    Stands in for a remote store (Redis, a feature service) in a notebook: every lookup sleeps
    ``delay_ms`` (a round trip), then returns the stored row. Put an :class:`LRUCache` in front
    of it to see what a cache saves; ``lookups`` counts the round trips actually made.

    Parameters
    ----------
    table : mapping or sequence
        ``table[key]`` is the feature row of ``key`` (a dict, or an array indexed by id).
    delay_ms : float, default 2.0
        Simulated round-trip time of one lookup, ``>= 0`` (0 for counting without waiting).

    Attributes
    ----------
    lookups : int
        Round trips made so far.

    Examples
    --------
    >>> store = SimulatedFeatureStore({"a": 1, "b": 2}, delay_ms=0)
    >>> cache = LRUCache(store, capacity=1)
    >>> [cache(k) for k in "aab"], store.lookups
    ([1, 1, 2], 2)
    """

    def __init__(self, table, delay_ms: float = 2.0):
        if not hasattr(table, "__getitem__"):
            raise TypeError(f"table must support table[key], got {type(table).__name__}")
        self.table = table
        self.delay_ms = check_positive_number(delay_ms, "delay_ms", allow_zero=True)
        self.lookups = 0

    def __call__(self, key):
        self.lookups += 1
        if self.delay_ms > 0:
            time.sleep(self.delay_ms / 1000)
        return self.table[key]


@dataclass(frozen=True)
class MicroBatchResult:
    """Outcome of :func:`simulate_micro_batching`.

    Attributes
    ----------
    latency_ms : ndarray
        Per-request latency (finish minus arrival), in arrival order.
    wait_ms : ndarray
        Per-request time spent queued before its batch started.
    batch_sizes : ndarray
        Requests in each batch, in the order the batches ran.
    """

    latency_ms: np.ndarray
    wait_ms: np.ndarray
    batch_sizes: np.ndarray

    @property
    def n_batches(self) -> int:
        """The number of model calls made (one per batch)."""
        return int(self.batch_sizes.size)

    def stats(self) -> LatencyStats:
        """p50/p95/p99 and mean of the per-request latency."""
        p50, p95, p99 = np.percentile(self.latency_ms, [50, 95, 99])
        return LatencyStats(float(p50), float(p95), float(p99), float(self.latency_ms.mean()),
                            int(self.latency_ms.size))


def simulate_micro_batching(arrivals_ms, batch_size: int, service_ms, *,
                            max_wait_ms: float = 5.0) -> MicroBatchResult:
    """Replay request arrivals through one model server that batches requests.

    The server takes the oldest waiting requests as one batch as soon as it is free and either
    ``batch_size`` requests are waiting or the oldest has waited ``max_wait_ms``; a batch of
    ``n`` requests occupies the server for ``service_ms(n)`` milliseconds. Arrival times are
    simulated; the service times can be *measured* (e.g. the p50 of the real model call on
    ``n`` requests), so the queueing is exact and the cost is real.

    Parameters
    ----------
    arrivals_ms : array-like of shape (n,)
        Arrival times in milliseconds, non-decreasing.
    batch_size : int
        Most requests per model call (1 = no batching).
    service_ms : callable or float
        ``service_ms(n) -> milliseconds`` for a batch of ``n`` requests, or a constant.
    max_wait_ms : float, default 5.0
        Longest time the oldest request waits for its batch to fill.

    Returns
    -------
    MicroBatchResult

    Examples
    --------
    >>> r = simulate_micro_batching([0, 1, 2, 3], 2, lambda n: 1.0 + 0.5 * n, max_wait_ms=10)
    >>> r.batch_sizes.tolist(), r.latency_ms.tolist()
    ([2, 2], [3.0, 2.0, 3.0, 2.0])
    """
    a = as_1d_float(arrivals_ms, "arrivals_ms")
    if np.any(np.diff(a) < 0):
        raise ValueError("arrivals_ms must be non-decreasing")
    batch_size = check_positive_int(batch_size, "batch_size")
    max_wait_ms = check_positive_number(max_wait_ms, "max_wait_ms", allow_zero=True)
    if callable(service_ms):
        service = service_ms
    else:
        constant = check_positive_number(service_ms, "service_ms", allow_zero=True)
        service = lambda n: constant  # noqa: E731
    n = a.size
    latency, wait, sizes = np.empty(n), np.empty(n), []
    free, i = -np.inf, 0
    while i < n:
        filled = a[i + batch_size - 1] if i + batch_size - 1 < n else np.inf
        start = max(free, min(filled, a[i] + max_wait_ms))
        j = min(int(np.searchsorted(a, start, side="right")), i + batch_size)
        j = max(j, i + 1)
        cost = float(service(j - i))
        if not np.isfinite(cost) or cost < 0:
            raise ValueError(f"service_ms({j - i}) returned {cost}, not a finite time >= 0")
        finish = start + cost
        wait[i:j] = start - a[i:j]
        latency[i:j] = finish - a[i:j]
        sizes.append(j - i)
        free, i = finish, j
    return MicroBatchResult(latency, wait, np.asarray(sizes, dtype=np.int64))
