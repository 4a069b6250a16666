"""Unit tests of ``utils.retrieval``: FAISS index builders, search, recall, sweep and re-ranking."""
import faiss
import numpy as np
import pandas as pd
import pytest

from utils.retrieval import (
    KINDS,
    SearchResult,
    build_index,
    exact_search,
    index_bytes,
    recall_against_exact,
    rerank_filter,
    search,
    sweep,
)

N, D, M, K = 2000, 16, 50, 10
NLIST = 16
# Small data: PQ codes of 4 bits (16 centroids per sub-quantiser) train quietly on 2,000 points.
PARAMS = {"flat": {}, "ivf": {"nlist": NLIST}, "hnsw": {"hnsw_m": 16}, "pq": {"pq_m": 4, "pq_nbits": 4},
          "sq8": {}, "ivfpq": {"nlist": NLIST, "pq_m": 4, "pq_nbits": 4}}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, D)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = rng.normal(size=(M, D)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return x, q


@pytest.fixture(scope="module")
def indexes(data):
    x, _ = data
    return {kind: build_index(x, kind, **PARAMS[kind]) for kind in KINDS}


def _brute_force(x, q, k, metric):
    if metric == "ip":
        scores = q @ x.T
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    else:
        scores = ((q[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)
        order = np.argsort(scores, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(scores, order, axis=1)


def test_kinds():
    assert KINDS == ("flat", "ivf", "hnsw", "pq", "sq8", "ivfpq")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("metric", ["ip", "l2"])
def test_build_index_each_kind(data, kind, metric):
    x, q = data
    index = build_index(x, kind, metric=metric, **PARAMS[kind])
    assert isinstance(index, faiss.Index)
    assert index.ntotal == N and index.d == D and index.is_trained
    expected_metric = faiss.METRIC_INNER_PRODUCT if metric == "ip" else faiss.METRIC_L2
    assert index.metric_type == expected_metric
    result = search(index, q, K)
    assert isinstance(result, SearchResult)
    assert result.ids.shape == (M, K) and result.scores.shape == (M, K)
    assert np.all((result.ids >= 0) & (result.ids < N))
    exact = exact_search(x, q, K, metric=metric)
    # approximate, not random (random ids would find 10 / 2,000 = 0.005); IVF-PQ's coarse 4-bit
    # codes searched in one cell are the roughest of all
    assert recall_against_exact(exact.ids, result.ids) > (0.1 if kind == "ivfpq" else 0.3)


@pytest.mark.parametrize("metric", ["ip", "l2"])
def test_flat_search_equals_brute_force(data, metric):
    x, q = data
    result = search(build_index(x, "flat", metric=metric), q, K)
    ids, scores = _brute_force(x.astype(np.float64), q.astype(np.float64), K, metric)
    np.testing.assert_array_equal(result.ids, ids)
    np.testing.assert_allclose(result.scores, scores, rtol=1e-4, atol=1e-5)
    assert result.distances_per_query == N
    exact = exact_search(x, q, K, metric=metric)
    np.testing.assert_array_equal(exact.ids, ids)


def test_flat_search_accepts_float64_lists(data):
    x, q = data
    index = build_index(x.astype(np.float64).tolist(), "flat")
    result = search(index, q[:3].astype(np.float64).tolist(), 5)
    ids, _ = _brute_force(x, q[:3], 5, "ip")
    np.testing.assert_array_equal(result.ids, ids)


def test_recall_against_exact_hand_computed():
    exact = np.array([[1, 2, 3], [4, 5, 6]])
    assert recall_against_exact(exact, exact) == 1.0
    assert recall_against_exact(exact, [[3, 9, 1], [7, 8, 9]]) == pytest.approx((2 / 3 + 0) / 2)
    assert recall_against_exact(exact, [[1, -1, -1], [6, 5, -1]]) == pytest.approx((1 / 3 + 2 / 3) / 2)
    assert recall_against_exact(exact, [[2, 1, 9], [5, 4, 9]], k=2) == 1.0   # order inside top-k is free
    assert recall_against_exact(exact, [[9, 1, 2], [9, 9, 4]], k=1) == 0.0


def test_recall_against_exact_is_one_for_exact_search(data, indexes):
    x, q = data
    exact = exact_search(x, q, K)
    assert recall_against_exact(exact.ids, search(indexes["flat"], q, K).ids) == 1.0


@pytest.mark.parametrize("metric", ["ip", "l2"])
def test_ivf_with_every_cell_probed_is_exact(data, metric):
    x, q = data
    index = build_index(x, "ivf", metric=metric, nlist=NLIST)
    exact = exact_search(x, q, K, metric=metric)
    full = search(index, q, K, nprobe=NLIST)
    assert recall_against_exact(exact.ids, full.ids) == 1.0
    assert full.distances_per_query == N + NLIST  # every list entry plus the centroids


def test_distances_per_query(data, indexes):
    _, q = data
    assert search(indexes["flat"], q, K).distances_per_query == N
    assert search(indexes["pq"], q, K).distances_per_query == N
    assert search(indexes["sq8"], q, K).distances_per_query == N
    ivf = [search(indexes["ivf"], q, K, nprobe=p).distances_per_query for p in (1, 2, 4, 8, 16)]
    assert ivf[0] < N
    assert ivf == sorted(ivf) and len(set(ivf)) == len(ivf)  # more cells, more work
    # nprobe=1 scans about one cell of N / NLIST vectors, plus the NLIST centroid comparisons
    assert NLIST < ivf[0] < NLIST + 4 * N / NLIST
    hnsw = [search(indexes["hnsw"], q, K, ef_search=e).distances_per_query for e in (16, 64, 256)]
    assert 0 < hnsw[0] < N and hnsw == sorted(hnsw)


def test_ivf_recall_rises_with_nprobe(data, indexes):
    x, q = data
    exact = exact_search(x, q, K)
    recalls = [recall_against_exact(exact.ids, search(indexes["ivf"], q, K, nprobe=p).ids)
               for p in (1, 4, 16)]
    assert recalls[0] < recalls[1] < recalls[2] == 1.0


def test_ivf_pads_short_results_with_minus_one(data):
    x, q = data
    index = build_index(x, "ivf", nlist=NLIST)
    result = search(index, q[:5], N, nprobe=1)  # one cell cannot hold all N neighbours
    assert np.any(result.ids == -1)


def test_hnsw_build_is_deterministic(data):
    x, q = data
    a = build_index(x, "hnsw", hnsw_m=16)
    b = build_index(x, "hnsw", hnsw_m=16)
    np.testing.assert_array_equal(search(a, q, K, ef_search=32).ids, search(b, q, K, ef_search=32).ids)
    np.testing.assert_array_equal(faiss.serialize_index(a), faiss.serialize_index(b))


@pytest.mark.parametrize("kind", ["ivf", "pq", "ivfpq"])
def test_trained_indexes_are_deterministic_with_a_seed(data, kind):
    x, q = data
    a = search(build_index(x, kind, random_state=3, **PARAMS[kind]), q, K)
    b = search(build_index(x, kind, random_state=3, **PARAMS[kind]), q, K)
    np.testing.assert_array_equal(a.ids, b.ids)


def test_search_parameters_are_applied(data, indexes):
    _, q = data
    search(indexes["ivf"], q, K, nprobe=3)
    assert indexes["ivf"].nprobe == 3
    search(indexes["hnsw"], q, K, ef_search=48)
    assert indexes["hnsw"].hnsw.efSearch == 48


def test_index_bytes(data, indexes):
    sizes = {kind: index_bytes(index) for kind, index in indexes.items()}
    assert all(isinstance(v, int) and v > 0 for v in sizes.values())
    assert sizes["flat"] == pytest.approx(N * D * 4, rel=0.01)
    assert sizes["sq8"] < sizes["flat"] and sizes["pq"] < sizes["sq8"]
    assert sizes["hnsw"] > sizes["flat"]  # vectors plus the graph
    assert sizes["ivfpq"] < sizes["ivf"]  # codes (and 8-byte ids) instead of float32 vectors


def test_ivfpq_is_an_ivf_index_with_nprobe_and_counted_distances(data, indexes):
    x, q = data
    index = indexes["ivfpq"]
    assert isinstance(index, faiss.IndexIVFPQ) and index.nlist == NLIST and index.pq.M == 4
    few, many = search(index, q, K, nprobe=1), search(index, q, K, nprobe=NLIST)
    assert index.nprobe == NLIST
    assert few.distances_per_query < many.distances_per_query
    assert many.distances_per_query == pytest.approx(N + NLIST)  # every code scanned + centroids
    exact = exact_search(x, q, K)
    assert recall_against_exact(exact.ids, many.ids) >= recall_against_exact(exact.ids, few.ids)


def test_n_train_trains_on_a_sample_but_adds_every_vector(data):
    x, q = data
    full = build_index(x, "ivf", nlist=NLIST)
    sampled = build_index(x, "ivf", nlist=NLIST, n_train=700)
    assert sampled.ntotal == full.ntotal == N
    centroids = sampled.quantizer.reconstruct_n(0, NLIST)
    assert not np.array_equal(centroids, full.quantizer.reconstruct_n(0, NLIST))
    again = build_index(x, "ivf", nlist=NLIST, n_train=700)
    np.testing.assert_array_equal(search(sampled, q, K, nprobe=2).ids, search(again, q, K, nprobe=2).ids)
    # a sample at least as large as the data is the data itself
    big = build_index(x, "ivf", nlist=NLIST, n_train=N)
    np.testing.assert_array_equal(search(big, q, K, nprobe=2).ids, search(full, q, K, nprobe=2).ids)


def test_sweep_table(data):
    x, q = data
    configs = [{"kind": "ivf", "nlist": NLIST, "nprobe": [1, 4, NLIST]},
               {"kind": "hnsw", "hnsw_m": 16, "ef_search": [16, 64]},
               {"kind": "pq", "pq_m": 4, "pq_nbits": 4},
               {"kind": "sq8"},
               {"kind": "ivfpq", "nlist": NLIST, "pq_m": 4, "pq_nbits": 4, "nprobe": [2, NLIST]}]
    table = sweep(x, q, K, configs=configs, timing_repeats=1)
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["index", "param", "value", "recall_at_k", "distances_per_query",
                                   "fewer_distances", "ms_per_query", "qps", "speedup", "build_s",
                                   "bytes"]
    assert len(table) == 1 + 3 + 2 + 1 + 1 + 2
    first = table.iloc[0]
    assert first["index"] == "flat" and first["recall_at_k"] == 1.0
    assert first["distances_per_query"] == N
    assert first["fewer_distances"] == 1.0 and first["speedup"] == 1.0
    assert table["index"].tolist()[1:] == ["ivf nlist=16"] * 3 + ["hnsw hnsw_m=16"] * 2 + [
        "pq pq_m=4 pq_nbits=4", "sq8"] + ["ivfpq nlist=16 pq_m=4 pq_nbits=4"] * 2
    assert table["param"].tolist() == ["-"] + ["nprobe"] * 3 + ["ef_search"] * 2 + ["-", "-"] + ["nprobe"] * 2
    assert table["value"].tolist() == [0, 1, 4, NLIST, 16, 64, 0, 0, 2, NLIST]
    assert table["recall_at_k"].between(0, 1).all()
    ivf = table[table["index"] == "ivf nlist=16"]
    assert ivf["recall_at_k"].is_monotonic_increasing and ivf["recall_at_k"].iloc[-1] == 1.0
    assert ivf["fewer_distances"].iloc[0] > 1
    np.testing.assert_allclose(table["fewer_distances"], N / table["distances_per_query"])
    assert (table["bytes"] > 0).all() and (table["qps"] > 0).all() and (table["ms_per_query"] > 0).all()
    assert (table["build_s"] >= 0).all()


def test_sweep_recall_matches_direct_search(data):
    x, q = data
    table = sweep(x, q, 5, configs=[{"kind": "ivf", "nlist": NLIST, "nprobe": [2]}], metric="l2",
                  timing_repeats=1)
    exact = exact_search(x, q, 5, metric="l2")
    direct = search(build_index(x, "ivf", metric="l2", nlist=NLIST), q, 5, nprobe=2)
    assert table["recall_at_k"].iloc[1] == pytest.approx(recall_against_exact(exact.ids, direct.ids))


# --------------------------------------------------------------------------------------------
# rerank_filter
# --------------------------------------------------------------------------------------------

@pytest.fixture()
def catalogue():
    # 0 and 1 point the same way (cosine 1); 2 is nearly 0 (cosine ~0.995); 3, 4 orthogonal to 0.
    return np.array([[1.0, 0.0, 0.0], [2.0, 0.0, 0.0], [1.0, 0.1, 0.0], [0.0, 1.0, 0.0],
                     [0.0, 0.0, 1.0]], dtype=np.float32)


def test_rerank_filter_drops_blocked_and_near_duplicates_keeping_order(catalogue):
    assert rerank_filter([3, 0, 1, 4, 2], catalogue) == [3, 0, 4]
    assert rerank_filter([3, 0, 1, 4, 2], catalogue, blocked={0}) == [3, 1, 4]
    assert rerank_filter([3, 0, 1, 4, 2], catalogue, blocked=[0, 3]) == [1, 4]
    assert rerank_filter([3, 0, 1, 4, 2], catalogue, dedupe_threshold=0.999) == [3, 0, 4, 2]
    assert rerank_filter([3, 0, 1, 4, 2], catalogue, dedupe_threshold=None) == [3, 0, 1, 4, 2]


def test_rerank_filter_drops_repeated_ids(catalogue):
    assert rerank_filter([3, 3, 0, 3], catalogue) == [3, 0]


def test_rerank_filter_respects_k_and_padding(catalogue):
    assert rerank_filter([3, 0, 1, 4, 2], catalogue, k=2) == [3, 0]
    assert rerank_filter([3, 0, 1, 4, 2], catalogue, k=10) == [3, 0, 4]
    assert rerank_filter(np.array([4, -1, 3, -1]), catalogue) == [4, 3]
    assert rerank_filter([], catalogue) == []
    assert rerank_filter(np.array([0, 3], dtype=np.int64), catalogue, blocked={np.int64(0)}) == [3]
    out = rerank_filter(np.array([0, 3]), catalogue)
    assert all(type(i) is int for i in out)


def test_rerank_filter_on_search_results(data, indexes):
    x, q = data
    result = search(indexes["flat"], q[:1], 20)
    ranked = result.ids[0]
    blocked = set(ranked[:3].tolist())
    kept = rerank_filter(ranked, x, blocked=blocked, k=5)
    assert kept == [i for i in ranked.tolist() if i not in blocked][:5]


def test_rerank_filter_never_returns_an_id_twice(catalogue):
    assert rerank_filter([3, 3, 0], catalogue, dedupe_threshold=None) == [3, 0]


def test_rerank_filter_2d_ids_names_argument(catalogue):
    with pytest.raises((TypeError, ValueError), match="ids"):
        rerank_filter([[0, 3], [4, 1]], catalogue)


def test_rerank_filter_non_integer_ids_rejected(catalogue):
    with pytest.raises((TypeError, ValueError), match="ids"):
        rerank_filter([0.5], catalogue)


@pytest.mark.parametrize(("ids", "kwargs", "exc", "match"), [
    ([0, 7], {}, ValueError, "ids"),          # outside the catalogue
    ([0, -2], {}, ValueError, "ids"),
    ([0], {"k": 0}, ValueError, r"\bk\b"),
    ([0], {"k": 1.0}, TypeError, r"\bk\b"),
])
def test_rerank_filter_bad_input(catalogue, ids, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rerank_filter(ids, catalogue, **kwargs)


@pytest.mark.parametrize(("vectors", "exc"), [
    (np.ones(4), ValueError), (np.ones((2, 2, 2)), ValueError), (np.empty((0, 3)), ValueError),
    (np.array([[np.nan, 1.0]]), ValueError), ("abc", TypeError),
])
def test_rerank_filter_bad_vectors(vectors, exc):
    with pytest.raises(exc, match="vectors"):
        rerank_filter([0], vectors)


# --------------------------------------------------------------------------------------------
# Bad input to the builders, search, recall and sweep
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("vectors", "kind", "kwargs", "exc", "match"), [
    (np.ones(16), "flat", {}, ValueError, "vectors"),                      # 1-D
    (np.ones((4, 4, 4)), "flat", {}, ValueError, "vectors"),               # 3-D
    (np.empty((0, 16)), "flat", {}, ValueError, "vectors"),
    (np.empty((5, 0)), "flat", {}, ValueError, "vectors"),
    (np.full((5, 4), np.nan), "flat", {}, ValueError, "vectors"),
    ([["a", "b"]], "flat", {}, TypeError, "vectors"),
    ("vectors", "flat", {}, TypeError, "vectors"),
    (np.ones((50, 16)), "annoy", {}, ValueError, "kind"),                  # unknown kind
    (np.ones((50, 16)), "flat", {"metric": "cosine"}, ValueError, "metric"),
    (np.ones((50, 16)), "ivf", {"nlist": 64}, ValueError, "nlist"),        # fewer rows than cells
    (np.ones((50, 16)), "ivf", {"nlist": 0}, ValueError, "nlist"),
    (np.ones((50, 16)), "hnsw", {"hnsw_m": 1}, ValueError, "hnsw_m"),
    (np.ones((50, 16)), "hnsw", {"ef_construction": 0}, ValueError, "ef_construction"),
    (np.ones((300, 16)), "pq", {"pq_m": 5}, ValueError, "pq_m"),           # does not divide d
    (np.ones((50, 16)), "pq", {"pq_m": 4, "pq_nbits": 8}, ValueError, "pq_nbits"),
    (np.ones((50, 16)), "pq", {"pq_m": 0}, ValueError, "pq_m"),
    (np.ones((300, 16)), "ivfpq", {"nlist": 8, "pq_m": 5}, ValueError, "pq_m"),
    (np.ones((300, 16)), "ivfpq", {"nlist": 8, "pq_m": 4, "pq_nbits": 9}, ValueError, "pq_nbits"),
    (np.ones((300, 16)), "ivfpq", {"nlist": 400, "pq_m": 4, "pq_nbits": 4}, ValueError, "nlist"),
    (np.ones((300, 16)), "ivfpq", {"nlist": 8, "pq_m": 4, "pq_niter": 0}, ValueError, "pq_niter"),
    (np.ones((300, 16)), "ivf", {"nlist": 8, "n_train": 0}, ValueError, "n_train"),
    (np.ones((300, 16)), "ivf", {"nlist": 8, "n_train": 2.5}, TypeError, "n_train"),
    (np.ones((50, 16)), "flat", {"random_state": -1}, ValueError, "random_state"),
    (np.ones((50, 16)), "flat", {"random_state": 1.5}, TypeError, "random_state"),
])
def test_build_index_bad_input(vectors, kind, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        build_index(vectors, kind, **kwargs)


@pytest.mark.parametrize(("which", "queries", "k", "kwargs", "exc", "match"), [
    ("none", "ok", 5, {}, TypeError, "index"),
    ("flat", np.ones(D), 5, {}, ValueError, "queries"),                   # 1-D
    ("flat", np.ones((2, D + 1)), 5, {}, ValueError, "queries"),          # wrong dimension
    ("flat", np.ones((2, 2, D)), 5, {}, ValueError, "queries"),
    ("flat", np.full((2, D), np.nan), 5, {}, ValueError, "queries"),
    ("flat", "ok", 0, {}, ValueError, r"\bk\b"),
    ("flat", "ok", 2.0, {}, TypeError, r"\bk\b"),
    ("flat", "ok", N + 1, {}, ValueError, r"\bk\b"),
    ("flat", "ok", 5, {"nprobe": 2}, ValueError, "nprobe"),
    ("hnsw", "ok", 5, {"nprobe": 2}, ValueError, "nprobe"),
    ("ivf", "ok", 5, {"nprobe": 0}, ValueError, "nprobe"),
    ("ivf", "ok", 5, {"ef_search": 16}, ValueError, "ef_search"),
    ("hnsw", "ok", 5, {"ef_search": 0}, ValueError, "ef_search"),
])
def test_search_bad_input(data, indexes, which, queries, k, kwargs, exc, match):
    _, q = data
    index = object() if which == "none" else indexes[which]
    queries = q if isinstance(queries, str) else queries
    with pytest.raises(exc, match=match):
        search(index, queries, k, **kwargs)


@pytest.mark.parametrize(("exact", "approx", "k", "exc", "match"), [
    ([1, 2, 3], [[1, 2, 3]], None, ValueError, "exact_ids"),               # 1-D
    ([[1, 2, 3]], [1, 2, 3], None, ValueError, "approx_ids"),
    (np.empty((0, 3)), np.empty((0, 3)), None, ValueError, "exact_ids"),
    ([[1, 2, 3]], [[1, 2, 3], [4, 5, 6]], None, ValueError, "approx_ids"),  # different query counts
    ([[1, 2, 3]], [[1, 2, 3]], 4, ValueError, r"\bk\b"),
    ([[1, 2, 3]], [[1, 2]], None, ValueError, r"\bk\b"),
    ([[1, 2, 3]], [[1, 2, 3]], 0, ValueError, r"\bk\b"),
    ([[1, 2, 3]], [[1, 2, 3]], 1.0, TypeError, r"\bk\b"),
    (np.ones((1, 2, 3)), np.ones((1, 2, 3)), None, ValueError, "exact_ids"),
])
def test_recall_against_exact_bad_input(exact, approx, k, exc, match):
    with pytest.raises(exc, match=match):
        recall_against_exact(exact, approx, k)


def test_index_bytes_bad_input():
    with pytest.raises(TypeError, match="index"):
        index_bytes(np.ones((3, 3)))


@pytest.mark.parametrize(("q_shape", "kwargs", "exc", "match"), [
    ((5, D), {"configs": []}, ValueError, "configs"),
    ((5, D), {"configs": {"kind": "ivf"}}, ValueError, "configs"),
    ((5, D), {"configs": [{"nlist": 4}]}, ValueError, "config"),
    ((5, D), {"configs": ["ivf"]}, ValueError, "config"),
    ((5, D), {"configs": [{"kind": "lsh"}]}, ValueError, "kind"),
    ((5, D + 2), {"configs": [{"kind": "sq8"}]}, ValueError, "queries"),
    ((D,), {"configs": [{"kind": "sq8"}]}, ValueError, "queries"),
    ((5, D), {"configs": [{"kind": "sq8"}], "k": 0}, ValueError, r"\bk\b"),
    ((5, D), {"configs": [{"kind": "sq8"}], "timing_repeats": 0}, ValueError, "timing_repeats"),
    ((5, D), {"configs": [{"kind": "sq8"}], "metric": "dot"}, ValueError, "metric"),
])
def test_sweep_bad_input(data, q_shape, kwargs, exc, match):
    x, _ = data
    with pytest.raises(exc, match=match):
        sweep(x[:200], np.ones(q_shape, dtype=np.float32), **kwargs)


def test_sweep_bad_vectors():
    with pytest.raises(ValueError, match="vectors"):
        sweep(np.ones(16), np.ones((2, 16)), configs=[{"kind": "sq8"}])


@pytest.mark.parametrize(("vectors", "queries", "k", "kwargs", "exc", "match"), [
    (np.ones(16), np.ones((2, 16)), 1, {}, ValueError, "vectors"),
    (np.ones((5, 16)), np.ones((2, 8)), 1, {}, ValueError, "queries"),
    (np.ones((5, 16)), np.ones((2, 16)), 6, {}, ValueError, r"\bk\b"),
    (np.ones((5, 16)), np.ones((2, 16)), 1, {"metric": "cos"}, ValueError, "metric"),
])
def test_exact_search_bad_input(vectors, queries, k, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        exact_search(vectors, queries, k, **kwargs)


def test_sweep_can_return_the_built_indexes():
    from utils import retrieval

    rng = np.random.default_rng(0)
    xb = rng.normal(size=(600, 8)).astype(np.float32)
    xq = rng.normal(size=(20, 8)).astype(np.float32)
    table, indexes = retrieval.sweep(xb, xq, 5, configs=[{"kind": "ivf", "nlist": 8, "nprobe": [1, 8]}],
                                     timing_repeats=1, return_indexes=True)
    assert list(indexes) == list(dict.fromkeys(table["index"]))
    assert indexes["flat"].ntotal == 600
    ivf = indexes["ivf nlist=8"]
    again = retrieval.search(ivf, xq, 5, nprobe=8)
    assert retrieval.recall_against_exact(retrieval.exact_search(xb, xq, 5).ids, again.ids) == 1.0


def test_pq_niter_sets_the_codebook_iterations_and_defaults_keep_faiss():
    x = np.random.default_rng(0).normal(size=(600, 16)).astype(np.float32)
    default = build_index(x, "pq", pq_m=4, pq_nbits=4)
    assert default.pq.cp.niter == 25                              # FAISS's default for plain PQ
    few = build_index(x, "pq", pq_m=4, pq_nbits=4, pq_niter=3)
    assert few.pq.cp.niter == 3
    assert build_index(x, "ivfpq", nlist=4, pq_m=4, pq_nbits=4).pq.cp.niter == 10
    with pytest.raises(ValueError, match="pq_niter"):
        build_index(x, "pq", pq_m=4, pq_nbits=4, pq_niter=0)
