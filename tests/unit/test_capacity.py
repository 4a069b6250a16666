"""Unit tests of ``utils.capacity``: QPS, storage, index memory and byte formatting."""
import doctest

import faiss
import numpy as np
import pytest

from utils import capacity
from utils.capacity import QPS, human_bytes, index_memory_bytes, qps_from_dau, storage_bytes
from utils.retrieval import build_index


def test_docstring_examples():
    assert doctest.testmod(capacity).failed == 0


def test_qps_from_dau():
    assert qps_from_dau(86_400, 10, peak_factor=3) == QPS(average=10.0, peak=30.0)
    q = qps_from_dau(100_000_000, 20)
    assert q.average == pytest.approx(100_000_000 * 20 / 86_400)
    assert q.peak == pytest.approx(2 * q.average)  # default peak factor 2
    assert qps_from_dau(1000, 0.5, 1).peak == qps_from_dau(1000, 0.5, 1).average
    assert qps_from_dau(np.int64(86_400), np.float64(1.0)).average == pytest.approx(1.0)


@pytest.mark.parametrize(("args", "exc", "match"), [
    ((0, 10), ValueError, "dau"),
    ((-5, 10), ValueError, "dau"),
    ((1e6, 10), TypeError, "dau"),
    ((1000, 0), ValueError, "requests_per_user_per_day"),
    ((1000, np.nan), ValueError, "requests_per_user_per_day"),
    ((1000, "10"), TypeError, "requests_per_user_per_day"),
    ((1000, 10, 0.5), ValueError, "peak_factor"),
    ((1000, 10, np.inf), ValueError, "peak_factor"),
])
def test_qps_from_dau_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        qps_from_dau(*args)


def test_storage_bytes():
    assert storage_bytes(1_000, 2_000, replication=3) == 6_000_000.0
    assert storage_bytes(10, 1.5) == 15.0
    assert isinstance(storage_bytes(1, 1), float)


@pytest.mark.parametrize(("args", "exc", "match"), [
    ((0, 10), ValueError, "n_items"),
    ((10.0, 10), TypeError, "n_items"),
    ((10, 0), ValueError, "bytes_per_item"),
    ((10, -1), ValueError, "bytes_per_item"),
    ((10, 10, 0), ValueError, "replication"),
    ((10, 10, 1.5), TypeError, "replication"),
])
def test_storage_bytes_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        storage_bytes(*args)


@pytest.mark.parametrize(("kind", "kwargs", "expected"), [
    ("flat", {}, 1000 * 64 * 4),
    ("flat", {"bytes_per_value": 2}, 1000 * 64 * 2),
    ("ivf", {}, 1000 * 64 * 4 + 8 * 1000),
    ("hnsw", {}, 1000 * 64 * 4 + 1000 * 2 * 32 * 4),
    ("hnsw", {"hnsw_m": 16}, 1000 * 64 * 4 + 1000 * 2 * 16 * 4),
    ("pq", {}, 1000 * 8),
    ("pq", {"pq_m": 16, "pq_nbits": 4}, 1000 * 16 * 4 / 8),
    ("sq8", {}, 1000 * 64),
    ("ivfpq", {}, 1000 * (8 + 8)),
    ("ivfpq", {"pq_m": 16, "pq_nbits": 6}, 1000 * (16 * 6 / 8 + 8)),
])
def test_index_memory_bytes_hand_computed(kind, kwargs, expected):
    value = index_memory_bytes(1000, 64, kind, **kwargs)
    assert isinstance(value, float)
    assert value == pytest.approx(expected)


@pytest.fixture(scope="module")
def vectors():
    rng = np.random.default_rng(0)
    return rng.normal(size=(4000, 32)).astype(np.float32)


def test_index_memory_flat_matches_serialized_faiss_index(vectors):
    index = faiss.IndexFlatIP(32)
    index.add(vectors)
    actual = faiss.serialize_index(index).nbytes
    assert index_memory_bytes(4000, 32, "flat") == pytest.approx(actual, rel=0.01)


@pytest.mark.parametrize(("kind", "kwargs", "rel"), [
    ("flat", {}, 0.01), ("sq8", {}, 0.02), ("ivf", {"nlist": 16}, 0.03), ("hnsw", {"hnsw_m": 16}, 0.15),
])
def test_index_memory_estimate_is_close_to_built_index(vectors, kind, kwargs, rel):
    index = build_index(vectors, kind, **kwargs)
    actual = faiss.serialize_index(index).nbytes
    estimate = index_memory_bytes(4000, 32, kind, **({"hnsw_m": 16} if kind == "hnsw" else {}))
    assert estimate == pytest.approx(actual, rel=rel)


def test_index_memory_ordering():
    sizes = {kind: index_memory_bytes(1_000_000, 128, kind) for kind in ("flat", "ivf", "hnsw", "pq", "sq8")}
    assert sizes["pq"] < sizes["sq8"] < sizes["flat"] < sizes["ivf"] < sizes["hnsw"]


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    ((0, 64), {}, ValueError, "n_vectors"),
    ((10, 0), {}, ValueError, "dim"),
    ((10, 64.0), {}, TypeError, "dim"),
    ((10, 64, "annoy"), {}, ValueError, "kind"),
    ((10, 64), {"bytes_per_value": 0}, ValueError, "bytes_per_value"),
    ((10, 64, "hnsw"), {"hnsw_m": 0}, ValueError, "hnsw_m"),
    ((10, 64, "pq"), {"pq_m": 0}, ValueError, "pq_m"),
    ((10, 64, "pq"), {"pq_nbits": 2.5}, TypeError, "pq_nbits"),
])
def test_index_memory_bytes_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        index_memory_bytes(*args, **kwargs)


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 B"), (1, "1 B"), (999, "999 B"), (1000, "1 kB"), (1234, "1.23 kB"), (512e6, "512 MB"),
    (1_500_000_000, "1.5 GB"), (2e12, "2 TB"), (2.5e15, "2.5 PB"), (np.int64(2048), "2.05 kB"),
])
def test_human_bytes(n, expected):
    assert human_bytes(n) == expected


@pytest.mark.parametrize(("n", "expected"), [(999.6, "1 kB"), (999_999, "1 MB"), (999_600_000, "1 GB")])
def test_human_bytes_rounding_to_next_unit(n, expected):
    assert human_bytes(n) == expected


@pytest.mark.parametrize(("n", "exc"), [(-1, ValueError), (np.nan, ValueError), (np.inf, ValueError),
                                        ("1 GB", TypeError)])
def test_human_bytes_bad_input(n, exc):
    with pytest.raises(exc, match=r"\bn\b"):
        human_bytes(n)


def test_index_memory_ivfpq_estimate_is_close_to_built_index(vectors):
    index = build_index(vectors, "ivfpq", nlist=8, pq_m=8, pq_nbits=4)
    actual = faiss.serialize_index(index).nbytes
    estimate = index_memory_bytes(4000, 32, "ivfpq", pq_m=8, pq_nbits=4)
    assert estimate == pytest.approx(actual, rel=0.15)  # small codebooks and centroids are not counted
    assert estimate < actual


def test_index_memory_ivfpq_costs_the_ids_on_top_of_pq():
    pq = index_memory_bytes(1_000_000, 128, "pq", pq_m=16)
    ivfpq = index_memory_bytes(1_000_000, 128, "ivfpq", pq_m=16)
    assert ivfpq - pq == pytest.approx(8 * 1_000_000)
