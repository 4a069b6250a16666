"""Unit tests of ``utils.datasets.latency``: the ranking requests of chapter 14."""
import doctest

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from utils.datasets import latency
from utils.datasets.latency import LatencyData, make_latency_data, make_user_traffic

SMALL = dict(n_users=300, n_items=2000, dim=16, n_clusters=10)


@pytest.fixture(scope="module")
def data():
    return make_latency_data(200, 20, **SMALL, random_state=0)


def test_docstring_examples():
    assert doctest.testmod(latency).failed == 0


def test_schema_and_shapes(data):
    assert isinstance(data, LatencyData) and len(data) == 200 * 20
    rows = data.rows
    assert data.feature_names == [f"u{j}" for j in range(6)] + [f"v{k}" for k in range(6)] + ["pop"]
    assert list(rows.columns) == ["request", "user", "item", *data.feature_names, "clicked", "p_click"]
    assert data.candidates_per_request == 20
    assert np.array_equal(rows["request"], np.repeat(np.arange(200), 20))   # candidates contiguous
    assert set(rows["clicked"].unique()) <= {0, 1}
    assert rows["p_click"].between(0, 1).all()
    assert 0.15 < rows["clicked"].mean() < 0.5
    assert data.item_vectors.shape == (2000, 16) and data.item_vectors.dtype == np.float32
    assert data.user_vectors.shape == (300, 16) and data.user_vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(data.item_vectors, axis=1), 1, atol=1e-5)


def test_request_structure(data):
    rows = data.rows
    per_request = rows.groupby("request")
    assert (per_request["user"].nunique() == 1).all()           # one user per request
    assert (per_request["item"].nunique() == 20).all()           # distinct candidates
    # user features are a function of the user, item features of the item
    assert (rows.groupby("user")["u0"].nunique() == 1).all()
    assert (rows.groupby("item")["v3"].nunique() == 1).all()
    assert (rows.groupby("item")["pop"].nunique() == 1).all()


def test_seeded_and_seed_sensitive():
    a = make_latency_data(30, 10, **SMALL, random_state=3)
    b = make_latency_data(30, 10, **SMALL, random_state=3)
    c = make_latency_data(30, 10, **SMALL, random_state=4)
    assert a.rows.equals(b.rows) and np.array_equal(a.item_vectors, b.item_vectors)
    assert not a.rows.equals(c.rows)


def test_hidden_structure_popularity_helps_and_truth_is_best():
    data = make_latency_data(400, 25, **SMALL, random_state=1)
    rows = data.rows
    y = rows["clicked"]
    auc_pop = roc_auc_score(y, rows["pop"])
    auc_true = roc_auc_score(y, rows["p_click"])
    assert auc_pop > 0.55                                   # the strong single feature
    assert auc_true > auc_pop + 0.1                          # the rules carry much more
    without = make_latency_data(400, 25, **SMALL, n_rules=0, interaction_scale=0.0, random_state=1).rows
    assert roc_auc_score(without["clicked"], without["p_click"]) < auc_true   # rules make it learnable


def test_user_traffic_is_zipf_like_and_shares_the_popular_users():
    ids = make_user_traffic(20_000, 1000, random_state=0)
    counts = np.bincount(ids, minlength=1000)
    top = np.sort(counts)[::-1]
    assert top[:10].sum() > 0.2 * ids.size                     # a few users send much of the traffic
    assert top[0] > 50 * max(np.median(counts), 1)
    other = make_user_traffic(20_000, 1000, random_state=1)
    assert np.argmax(np.bincount(other, minlength=1000)) == np.argmax(counts)   # same popular user
    flat = make_user_traffic(20_000, 1000, exponent=0.0, random_state=0)
    assert np.bincount(flat, minlength=1000).max() < 60         # exponent 0: uniform
    shifted = make_user_traffic(100, 50, offset=1000, random_state=0)
    assert shifted.min() >= 1000 and shifted.max() < 1050


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"n_requests": 0}, ValueError, "n_requests"),
    ({"candidates_per_request": 1}, ValueError, "candidates_per_request"),
    ({"candidates_per_request": 5000}, ValueError, "candidates_per_request"),
    ({"n_user_features": 2}, ValueError, "n_user_features"),
    ({"n_clusters": 5000}, ValueError, "n_clusters"),
    ({"interaction_scale": -1.0}, ValueError, "interaction_scale"),
    ({"n_rules": -1}, ValueError, "n_rules"),
    ({"n_rules": 2.0}, TypeError, "n_rules"),
    ({"base_logit": float("inf")}, ValueError, "base_logit"),
])
def test_bad_input(kwargs, exc, match):
    args = {"n_requests": 5, "candidates_per_request": 5, **SMALL, **kwargs}
    with pytest.raises(exc, match=match):
        make_latency_data(**args)


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    ((0, 10), {}, ValueError, "n_requests"),
    ((10, 0), {}, ValueError, "n_users"),
    ((10, 10), {"exponent": -1.0}, ValueError, "exponent"),
    ((10, 10), {"offset": -1}, ValueError, "offset"),
])
def test_user_traffic_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        make_user_traffic(*args, **kwargs)
