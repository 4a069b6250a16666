"""Tests of utils.distributed: the distributed pipeline against its single-process reference.

One small LocalCluster (2 worker processes, random ports, no dashboard) is shared by the module;
the pure functions (planning, merging, averaging) are also tested without a cluster.
"""
import logging

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from utils import distributed as dist
from utils.retrieval import build_index, search

SPECS = [dist.WindowSpec("views", ("user",), "2h"),
         dist.WindowSpec("clicks", ("user",), "2h", how="sum", values="clicked"),
         dist.WindowSpec("pair_views", ("user", "ad"), "2h")]


def make_events(n=3000, n_users=60, hot_share=0.3, seed=0):
    rng = np.random.default_rng(seed)
    ts = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 48 * 3600, n)), unit="s")
    ev = pd.DataFrame({"ts": ts, "user": rng.integers(0, n_users, n), "ad": rng.integers(0, 5, n),
                       "clicked": (rng.random(n) < 0.1).astype(int)})
    ev = dist.add_hot_key(ev, hot_share, random_state=seed)
    ev["row"] = np.arange(n)
    return ev


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    logging.getLogger("distributed").setLevel(logging.ERROR)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=0, dashboard_address="127.0.0.1:0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


# ---------------------------------------------------------------- planning (no cluster)


def test_add_hot_key_share_and_rows_kept():
    ev = make_events(hot_share=0.25)
    assert (ev["user"] == 60).sum() == 750
    assert len(ev) == 3000 and ev["ts"].is_monotonic_increasing


def test_key_partition_is_deterministic_and_in_range():
    keys = np.arange(1000)
    p = dist.key_partition(keys, 7)
    assert np.array_equal(p, dist.key_partition(keys, 7))
    assert p.min() >= 0 and p.max() < 7
    assert np.array_equal(dist.key_partition(np.array(["a", "b", "a"]), 3)[[0, 2]],
                          dist.key_partition(np.array(["a", "a"]), 3))


def test_find_hot_keys():
    assert dist.find_hot_keys(make_events()["user"], 4).tolist() == [60]
    assert dist.find_hot_keys(np.arange(100), 4).size == 0


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 50), n_partitions=st.integers(1, 6), n_chunks=st.integers(1, 9),
       window_h=st.integers(1, 30))
def test_split_plan_gives_the_reference_features(seed, n_partitions, n_chunks, window_h):
    """Property: partitioned by the plan, every partition's windows equal the whole log's."""
    ev = make_events(n=600, n_users=20, seed=seed)
    specs = [dist.WindowSpec("views", ("user",), f"{window_h}h"),
             dist.WindowSpec("pair", ("user", "ad"), f"{window_h}h")]
    reference = dist.window_features(ev, specs)
    hot = dist.find_hot_keys(ev["user"], n_partitions)
    plan = dist.plan_partitions(ev, key="user", n_partitions=n_partitions, hot_keys=hot, n_chunks=n_chunks,
                                halo=f"{window_h}h")
    parts = [dist.window_features(g, specs) for _, g in plan.groupby("_part")]
    got = pd.concat(parts).sort_values("row").reset_index(drop=True)
    assert got.equals(reference)
    assert int((~plan["_halo"]).sum()) == len(ev)


def test_split_balances_and_halo_is_one_window():
    ev = make_events()
    hot = dist.find_hot_keys(ev["user"], 4)
    before = dist.plan_partitions(ev, key="user", n_partitions=4)
    after = dist.plan_partitions(ev, key="user", n_partitions=4, hot_keys=hot, halo="2h")
    ratio = lambda p: dist.skew_ratio(np.bincount(p["_part"], minlength=4))
    assert ratio(after) < ratio(before)
    halo = after[after["_halo"]]
    for chunk, rows in halo.groupby("_chunk"):
        start = after.loc[~after["_halo"] & (after["user"] == 60) & (after["_chunk"] == chunk), "ts"].min()
        assert (rows["ts"] < start).all() and (rows["ts"] >= start - pd.Timedelta("2h")).all()


def test_plan_validation():
    ev = make_events(n=100)
    with pytest.raises(ValueError, match="halo"):
        dist.plan_partitions(ev, key="user", n_partitions=2, hot_keys=[60])
    with pytest.raises(ValueError, match="lacks"):
        dist.plan_partitions(ev, key="nope", n_partitions=2)
    with pytest.raises(TypeError, match="n_partitions"):
        dist.plan_partitions(ev, key="user", n_partitions=2.5)
    with pytest.raises(ValueError, match="plan columns"):
        dist.plan_partitions(dist.plan_partitions(ev, key="user", n_partitions=2), key="user", n_partitions=2)
    with pytest.raises(ValueError, match="share"):
        dist.add_hot_key(ev, 1.5)
    with pytest.raises(ValueError, match="sizes"):
        dist.skew_ratio([])
    with pytest.raises(ValueError, match="how"):
        dist.WindowSpec("x", ("user",), "1h", how="max")
    with pytest.raises(TypeError, match="keys"):
        dist.WindowSpec("x", "user", "1h")


# ---------------------------------------------------------------- merging and averaging (no cluster)


def test_merge_topk_equals_unsharded_flat_index():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((500, 8)).astype(np.float32)
    q = rng.standard_normal((20, 8)).astype(np.float32)
    exact = search(build_index(x), q, 5)
    parts = []
    for lo, hi in ((0, 170), (170, 333), (333, 500)):
        r = search(build_index(x[lo:hi]), q, 5)
        parts.append((r.scores, r.ids + lo))
    s, i = dist.merge_topk([p[0] for p in parts], [p[1] for p in parts], 5)
    assert np.array_equal(i, exact.ids)
    assert np.allclose(s, exact.scores, atol=1e-5)


def test_merge_topk_ties_and_padding():
    s, i = dist.merge_topk([np.array([[1.0, 0.5]]), np.array([[1.0, 0.0]])],
                           [np.array([[7, -1]]), np.array([[3, 4]])], 3)
    assert i.tolist() == [[3, 7, 4]]                    # tie on 1.0 broken by the smaller id, -1 dropped
    with pytest.raises(ValueError, match="k="):
        dist.merge_topk([np.zeros((1, 2))], [np.zeros((1, 2), dtype=int)], 3)


def test_average_linear_models():
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((400, 3)), rng.integers(0, 2, 400)
    a, b = LogisticRegression().fit(X[:200], y[:200]), LogisticRegression().fit(X[200:], y[200:])
    avg = dist.average_linear_models([a, b], weights=[1, 3])
    assert np.allclose(avg.coef_, 0.25 * a.coef_ + 0.75 * b.coef_)
    assert np.allclose(avg.intercept_, 0.25 * a.intercept_ + 0.75 * b.intercept_)
    assert avg.coef_ is not a.coef_ and np.array_equal(avg.classes_, a.classes_)
    with pytest.raises(ValueError, match="weights"):
        dist.average_linear_models([a, b], weights=[1])
    with pytest.raises(TypeError, match="fitted"):
        dist.average_linear_models([object()])


def test_logistic_loss_grad_matches_finite_differences():
    rng = np.random.default_rng(3)
    X = sparse.random(200, 6, density=0.5, random_state=3, format="csr")
    y = rng.integers(0, 2, 200)
    coef = rng.standard_normal(7) * 0.3
    loss, grad = dist.logistic_loss_grad((X, y), coef)
    eps = 1e-6
    loss_at = lambda c: dist.logistic_loss_grad((X, y), c)[0]
    num = [(loss_at(coef + eps * e) - loss_at(coef - eps * e)) / (2 * eps) for e in np.eye(7)]
    assert np.allclose(grad, num, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="coef"):
        dist.logistic_loss_grad((X, y), np.zeros(3))


def test_task_durations_parses_partitions():
    compute = {"action": "compute", "start": 0, "stop": 2}
    records = [{"key": ("featurize-abc", 1), "worker": "w", "startstops": [compute]},
               {"key": "('featurize-abc', 0)", "worker": "w",
                "startstops": [{"action": "transfer", "start": 0, "stop": 5},
                               {"action": "compute", "start": 1, "stop": 2}]},
               {"key": ("other", 0), "startstops": []}]
    d = dist.task_durations(records, "featurize")
    assert d["partition"].tolist() == [0, 1] and d["seconds"].tolist() == [1, 2]


# ---------------------------------------------------------------- on the cluster


def test_dask_pipeline_equals_pandas_with_and_without_split(client):
    ev = make_events()
    reference = dist.window_features(ev, SPECS)
    for hot in ([], dist.find_hot_keys(ev["user"], 4)):
        plan = dist.plan_partitions(ev, key="user", n_partitions=4, hot_keys=hot, halo="2h")
        ddf = dist.partition_by_plan(client, plan, 4, n_input=3)
        assert ddf.npartitions == 4
        sizes = ddf.map_partitions(len).compute().tolist()
        assert sizes == np.bincount(plan["_part"], minlength=4).tolist()     # partition i holds _part == i
        out = ddf.map_partitions(dist.window_features, SPECS, meta=reference.iloc[:0]).compute()
        assert out.sort_values("row").reset_index(drop=True).equals(reference)


def test_sharded_search_equals_flat_index(client):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3000, 16)).astype(np.float32)
    q = rng.standard_normal((25, 16)).astype(np.float32)
    exact = search(build_index(x), q, 10)
    shards = dist.build_shards(client, x, n_shards=3)
    s, i = dist.sharded_search(client, shards, q, 10)
    assert np.array_equal(i, exact.ids)
    assert np.allclose(s, exact.scores, atol=1e-5)
    assert dist.bytes_sent(client) >= 0


@pytest.mark.parametrize("n, n_blocks, density, C, seed, as_list", [
    (1200, 3, 0.3, 1.0, 5, False),  # blocks scattered as (X, y) tuples
    # each block one future on a worker (as the chapter's client.compute gives): one actor per worker
    (900, 4, 0.4, 0.5, 6, True),
])
def test_distributed_logistic_regression_matches_sklearn(client, n, n_blocks, density, C, seed, as_list):
    rng = np.random.default_rng(seed)
    X = sparse.random(n, 8, density=density, random_state=seed, format="csr")
    y = (rng.random(n) < density).astype(int)
    parts = [(X[i::n_blocks], y[i::n_blocks]) for i in range(n_blocks)]
    blocks = [client.scatter([part])[0] if as_list else client.scatter(part) for part in parts]
    model, rounds = dist.fit_logistic_distributed(client, blocks, C=C)
    order = np.concatenate([np.arange(i, n, n_blocks) for i in range(n_blocks)])
    ref = LogisticRegression(C=C, tol=1e-10, max_iter=5000).fit(X[order], y[order])
    assert rounds > 1
    assert np.allclose(model.coef_, ref.coef_, atol=1e-4)
    assert np.allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-5)
