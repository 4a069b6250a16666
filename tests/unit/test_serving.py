"""Unit tests of ``utils.serving``: latency percentiles, the LRU cache and the two-stage pipeline."""
import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import serving
from utils.serving import (
    LatencyStats,
    LRUCache,
    SimulatedFeatureStore,
    TwoStagePipeline,
    measure_latency,
    simulate_micro_batching,
)


def test_docstring_examples():
    assert doctest.testmod(serving).failed == 0


# --------------------------------------------------------------------------------------------
# measure_latency
# --------------------------------------------------------------------------------------------

def test_measure_latency_percentiles_are_ordered_and_calls_counted():
    calls = []
    stats = measure_latency(lambda: calls.append(sum(range(200))), n_calls=40, warmup=3)
    assert isinstance(stats, LatencyStats)
    assert len(calls) == 43  # warm-up calls run but are not timed
    assert stats.n_calls == 40
    assert 0 <= stats.p50_ms <= stats.p95_ms <= stats.p99_ms
    assert stats.mean_ms > 0
    assert stats.as_dict() == {"p50_ms": stats.p50_ms, "p95_ms": stats.p95_ms, "p99_ms": stats.p99_ms,
                               "mean_ms": stats.mean_ms, "n_calls": 40}


def test_measure_latency_cycles_through_inputs():
    seen = []
    measure_latency(seen.append, [1, 2, 3], n_calls=7, warmup=0)
    assert seen == [1, 2, 3, 1, 2, 3, 1]
    seen.clear()
    measure_latency(seen.append, iter("ab"), n_calls=3, warmup=2)  # any iterable, even a one-shot one
    assert seen == ["a", "b", "a", "b", "a"]


def test_measure_latency_reports_slow_calls_in_the_tail():
    # Every 10th call does ~100x more work: the median stays low, p99 picks up the slow calls.
    work = [100] * 9 + [100_000]
    stats = measure_latency(lambda n: sum(range(n)), work, n_calls=100, warmup=0)
    assert stats.p99_ms > stats.p50_ms
    assert stats.mean_ms > stats.p50_ms


@pytest.mark.parametrize(("fn", "inputs", "kwargs", "exc", "match"), [
    ("not callable", None, {}, TypeError, "fn"),
    (print, None, {"n_calls": 0}, ValueError, "n_calls"),
    (print, None, {"n_calls": 10.0}, TypeError, "n_calls"),
    (print, None, {"warmup": -1}, ValueError, "warmup"),
    (print, [], {}, ValueError, "inputs"),
])
def test_measure_latency_bad_input(fn, inputs, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        measure_latency(fn, inputs, **kwargs)


# --------------------------------------------------------------------------------------------
# LRUCache
# --------------------------------------------------------------------------------------------

def test_lru_cache_hits_misses_and_hit_rate():
    calls = []

    def slow(key):
        calls.append(key)
        return key * 10

    cache = LRUCache(slow, capacity=3)
    assert cache.hit_rate == 0.0 and len(cache) == 0
    assert [cache(k) for k in (1, 2, 1, 1, 3)] == [10, 20, 10, 10, 30]
    assert (cache.hits, cache.misses) == (2, 3)
    assert calls == [1, 2, 3]  # the slow function runs once per miss
    assert cache.hit_rate == pytest.approx(2 / 5)
    assert len(cache) == 3


def test_lru_cache_evicts_least_recently_used():
    calls = []
    cache = LRUCache(lambda k: calls.append(k) or k, capacity=2)
    cache(1)
    cache(2)
    cache(1)          # 1 is now the most recent, 2 the least
    cache(3)          # evicts 2
    assert len(cache) == 2
    cache(1)          # still cached
    assert calls == [1, 2, 3]
    cache(2)          # was evicted: a miss, evicts 3 (least recent of {3, 1})
    assert calls == [1, 2, 3, 2]
    cache(1)
    assert calls == [1, 2, 3, 2]
    cache(3)
    assert calls == [1, 2, 3, 2, 3]
    assert (cache.hits, cache.misses) == (3, 5)


def test_lru_cache_capacity_one_and_repeated_key():
    cache = LRUCache(str, capacity=1)
    assert [cache(k) for k in (1, 1, 2, 1)] == ["1", "1", "2", "1"]
    assert (cache.hits, cache.misses) == (1, 3)
    assert len(cache) == 1


@pytest.mark.parametrize(("fn", "capacity", "exc", "match"), [
    (None, 2, TypeError, "fn"),
    (str, 0, ValueError, "capacity"),
    (str, 2.5, TypeError, "capacity"),
    (str, "2", TypeError, "capacity"),
])
def test_lru_cache_bad_input(fn, capacity, exc, match):
    with pytest.raises(exc, match=match):
        LRUCache(fn, capacity)


# --------------------------------------------------------------------------------------------
# TwoStagePipeline
# --------------------------------------------------------------------------------------------

def _retrieve(query, n):
    return list(range(query, query + n))


def _rank(query, candidates):
    return [-abs(c - query - 3.2) for c in candidates]  # best candidate is query + 3


def test_two_stage_pipeline_ranks_candidates_by_score():
    pipeline = TwoStagePipeline(_retrieve, _rank, n_candidates=8, n_results=3)
    assert pipeline(10) == [13, 14, 12]
    assert pipeline.items_ranked == 8
    assert pipeline(0) == [3, 4, 2]
    assert pipeline.items_ranked == 16


def test_two_stage_pipeline_passes_sizes_and_query():
    seen = []

    def retrieve(query, n):
        seen.append(("retrieve", query, n))
        return np.array([5, 6, 7])  # fewer than asked: fine

    def rank(query, candidates):
        seen.append(("rank", query, list(candidates)))
        return np.array([0.1, 0.9, 0.5])

    pipeline = TwoStagePipeline(retrieve, rank, n_candidates=10, n_results=2)
    assert pipeline("q") == [6, 7]
    assert seen == [("retrieve", "q", 10), ("rank", "q", [5, 6, 7])]
    assert pipeline.items_ranked == 3


def test_two_stage_pipeline_ties_keep_retrieval_order_and_empty_candidates():
    pipeline = TwoStagePipeline(lambda q, n: ["a", "b", "c"], lambda q, c: [1.0, 1.0, 2.0], 3, 3)
    assert pipeline(None) == ["c", "a", "b"]
    empty = TwoStagePipeline(lambda q, n: [], lambda q, c: pytest.fail("rank called"), 5, 2)
    assert empty("q") == [] and empty.items_ranked == 0


@pytest.mark.parametrize("scores", [[1.0, 2.0], [[1.0, 2.0, 3.0]], [1.0, 2.0, 3.0, 4.0]])
def test_two_stage_pipeline_rejects_wrong_number_of_scores(scores):
    pipeline = TwoStagePipeline(lambda q, n: [1, 2, 3], lambda q, c: scores, 3, 2)
    with pytest.raises(ValueError, match="rank"):
        pipeline("q")
    assert pipeline.items_ranked == 0


@pytest.mark.parametrize(("args", "exc", "match"), [
    ((None, _rank, 5, 2), TypeError, "retrieve"),
    ((_retrieve, "rank", 5, 2), TypeError, "rank"),
    ((_retrieve, _rank, 0, 2), ValueError, "n_candidates"),
    ((_retrieve, _rank, 5, 0), ValueError, "n_results"),
    ((_retrieve, _rank, 5, 2.0), TypeError, "n_results"),
    ((_retrieve, _rank, 5, 6), ValueError, "n_results"),
])
def test_two_stage_pipeline_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        TwoStagePipeline(*args)


def test_measure_latency_limits_threads_while_measuring():
    from threadpoolctl import threadpool_info

    from utils.serving import measure_latency

    seen = []

    def handler():
        seen.append({p["internal_api"]: p["num_threads"] for p in threadpool_info()})

    measure_latency(handler, n_calls=3, warmup=0, threads=1)
    assert seen and all(all(n == 1 for n in pools.values()) for pools in seen)


@pytest.mark.parametrize(("threads", "exc"), [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_measure_latency_bad_threads(threads, exc):
    from utils.serving import measure_latency

    with pytest.raises(exc, match="threads"):
        measure_latency(lambda: None, n_calls=2, threads=threads)


# --------------------------------------------------------------------------------------------
# SimulatedFeatureStore
# --------------------------------------------------------------------------------------------

def test_feature_store_counts_lookups_and_returns_rows():
    table = np.arange(12).reshape(4, 3)
    store = SimulatedFeatureStore(table, delay_ms=0)
    assert store(2).tolist() == [6, 7, 8]
    assert store({"a": 1}.get("a")).tolist() == [3, 4, 5]
    assert store.lookups == 2


def test_feature_store_waits_its_delay():
    store = SimulatedFeatureStore({0: "x"}, delay_ms=5)
    stats = measure_latency(store, [0], n_calls=5, warmup=0)
    assert stats.p50_ms >= 4.5          # sleep never returns early (allowing clock granularity)
    assert store.lookups == 5


def test_cache_in_front_of_store_saves_one_lookup_per_hit():
    store = SimulatedFeatureStore({k: k for k in range(10)}, delay_ms=0)
    cache = LRUCache(store, capacity=3)
    keys = [0, 1, 0, 2, 0, 3, 4, 0, 1]
    for k in keys:
        cache(k)
    assert store.lookups == cache.misses
    assert cache.hits + cache.misses == len(keys)


@pytest.mark.parametrize(("table", "delay", "exc", "match"), [
    (5, 1.0, TypeError, "table"),
    ({}, -1.0, ValueError, "delay_ms"),
    ({}, float("nan"), ValueError, "delay_ms"),
    ({}, "2", TypeError, "delay_ms"),
])
def test_feature_store_bad_input(table, delay, exc, match):
    with pytest.raises(exc, match=match):
        SimulatedFeatureStore(table, delay_ms=delay)


# --------------------------------------------------------------------------------------------
# simulate_micro_batching
# --------------------------------------------------------------------------------------------

def test_micro_batching_hand_computed_timeout_and_queue():
    # batch of 3, wait at most 2 ms, a batch of n costs 1 + n ms
    r = simulate_micro_batching([0, 0.5, 10, 10, 10, 10], 3, lambda n: 1.0 + n, max_wait_ms=2)
    # batch 1: {0, 0.5} starts at the timeout (2), ends at 5; batch 2: three requests at 10, ends at 14;
    # batch 3: the last request at 10 waits for the server (free at 14), runs alone until 16
    assert r.batch_sizes.tolist() == [2, 3, 1]
    assert r.latency_ms.tolist() == pytest.approx([5, 4.5, 4, 4, 4, 6])
    assert r.wait_ms.tolist() == pytest.approx([2, 1.5, 0, 0, 0, 4])
    assert r.n_batches == 3
    stats = r.stats()
    assert isinstance(stats, LatencyStats) and stats.n_calls == 6
    assert stats.mean_ms == pytest.approx(np.mean([5, 4.5, 4, 4, 4, 6]))


def test_micro_batching_batch_one_is_a_fifo_queue():
    # one request per call, constant 2 ms service, arrivals every 1 ms: the queue grows linearly
    r = simulate_micro_batching(np.arange(5.0), 1, 2.0)
    assert r.batch_sizes.tolist() == [1] * 5
    assert r.latency_ms.tolist() == pytest.approx([2, 3, 4, 5, 6])


@given(arrivals=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=40),
       batch_size=st.integers(1, 8), wait=st.floats(0, 10), base=st.floats(0, 3), per=st.floats(0, 2))
@settings(max_examples=60, deadline=None)
def test_micro_batching_properties(arrivals, batch_size, wait, base, per):
    a = np.sort(np.array(arrivals))
    r = simulate_micro_batching(a, batch_size, lambda n: base + per * n, max_wait_ms=wait)
    assert r.batch_sizes.sum() == a.size                       # every request served exactly once
    assert r.batch_sizes.max() <= batch_size
    assert np.all(r.wait_ms >= -1e-9)
    assert np.all(r.latency_ms >= r.wait_ms - 1e-9)
    # with no other request queued, nobody waits longer than max_wait for its batch to fill
    if a.size == 1:
        assert r.wait_ms[0] <= wait + 1e-9


def test_micro_batching_bigger_batches_make_fewer_calls():
    a = np.arange(0, 200, 0.5)
    calls = [simulate_micro_batching(a, b, lambda n: 0.5 + 0.1 * n, max_wait_ms=5).n_batches
             for b in (1, 4, 16)]
    assert calls[0] == a.size and calls[0] > calls[1] > calls[2]


@pytest.mark.parametrize(("arrivals", "batch", "service", "kwargs", "exc", "match"), [
    ([], 2, 1.0, {}, ValueError, "arrivals_ms"),
    ([[0, 1]], 2, 1.0, {}, ValueError, "arrivals_ms"),
    ([1, 0], 2, 1.0, {}, ValueError, "non-decreasing"),
    ([0, np.nan], 2, 1.0, {}, ValueError, "arrivals_ms"),
    ([0, 1], 0, 1.0, {}, ValueError, "batch_size"),
    ([0, 1], 2.0, 1.0, {}, TypeError, "batch_size"),
    ([0, 1], 2, -1.0, {}, ValueError, "service_ms"),
    ([0, 1], 2, lambda n: -1.0, {}, ValueError, "service_ms"),
    ([0, 1], 2, 1.0, {"max_wait_ms": -1}, ValueError, "max_wait_ms"),
])
def test_micro_batching_bad_input(arrivals, batch, service, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        simulate_micro_batching(arrivals, batch, service, **kwargs)
