"""Unit tests of ``utils.datasets.drift_stream``: the order-return stream of chapter 13."""
import doctest

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from utils.datasets import drift_stream
from utils.datasets.drift_stream import (
    COEF_AFTER,
    COEF_BEFORE,
    STREAM_COLUMNS,
    DriftStream,
    make_drift_stream,
)
from utils.drift import population_stability_index


@pytest.fixture(scope="module")
def stream():
    return make_drift_stream(1_500, random_state=0)


def latent(orders):
    """Invert the generator's transforms back to the latent signals z0..z6."""
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    return np.column_stack([
        (np.log(orders["price"]) - 3.5) / 0.6,
        logit(orders["discount"] / 0.5) + 0.5,
        np.log(orders["tenure_days"]) - 5.0,
        (logit(orders["past_return_rate"]) + 1.5) / 0.8,
        (np.log(orders["shipping_km"]) - 4.0) / 0.7,
        logit(orders["size_fit"]),
        (np.log(orders["dwell_ms"] / 1000) - 4.0) / 0.8,
    ])


def test_docstring_examples():
    assert doctest.testmod(drift_stream).failed == 0


def test_schema_weeks_and_labels(stream):
    assert isinstance(stream, DriftStream) and len(stream) == 1_500 * 17
    o = stream.orders
    assert list(o.columns) == ["ts", "week", *STREAM_COLUMNS, "returned", "p_return", "label_week"]
    assert o["ts"].is_monotonic_increasing and pd.api.types.is_datetime64_any_dtype(o["ts"])
    assert sorted(o["week"].unique()) == list(range(-4, 13))
    assert (o.groupby("week").size() == 1_500).all()
    assert np.array_equal(o["label_week"], o["week"] + 2)
    assert set(o["returned"].unique()) == {0, 1} and o["p_return"].between(0, 1).all()
    assert o["dwell_ms"].dtype == np.int64 and (o["dwell_ms"] > 0).all()      # milliseconds, as logged
    assert o["discount"].between(0, 0.5).all() and o["size_fit"].between(0, 1).all()
    # weeks are contiguous in time: each week spans 7 days after the previous one
    start = o.groupby("week")["ts"].min()
    assert (start.diff().dropna() < pd.Timedelta(days=8)).all()
    assert (stream.covariate_week, stream.concept_week, stream.label_delay) == (4, 7, 2)


def test_seeded(stream):
    again = make_drift_stream(1_500, random_state=0)
    pd.testing.assert_frame_equal(stream.orders, again.orders)
    other = make_drift_stream(1_500, random_state=1)
    assert not stream.orders["returned"].equals(other.orders["returned"])


def test_labels_follow_p_return(stream):
    o = stream.orders
    bins = pd.qcut(o["p_return"], 5, labels=False)
    g = o.groupby(bins).agg(p=("p_return", "mean"), rate=("returned", "mean"), n=("returned", "size"))
    se = np.sqrt(g["p"] * (1 - g["p"]) / g["n"])
    assert ((g["rate"] - g["p"]).abs() < 4 * se).all()


def test_p_return_is_logistic_in_the_latent_signals_with_the_documented_coefficients(stream):
    o = stream.orders
    z = latent(o)
    logit = np.log(o["p_return"] / (1 - o["p_return"])).to_numpy()
    before = (o["week"] < stream.concept_week).to_numpy()
    # atol: dwell_ms is rounded to whole milliseconds
    np.testing.assert_allclose(logit[before], -1.2 + z[before] @ COEF_BEFORE, atol=1e-3)
    np.testing.assert_allclose(logit[~before], -1.2 + z[~before] @ COEF_AFTER, atol=1e-3)


def test_covariate_shift_moves_inputs_not_the_relation(stream):
    o = stream.orders
    week = o["week"].to_numpy()
    z = latent(o)
    pre, cov = (week >= 1) & (week < 4), (week >= 4) & (week < 7)
    assert z[cov, 2].mean() - z[pre, 2].mean() == pytest.approx(-1.0, abs=0.1)   # newer customers
    assert z[cov, 1].mean() - z[pre, 1].mean() == pytest.approx(1.0, abs=0.1)    # deeper discounts
    for j in (0, 3, 4, 5, 6):
        assert population_stability_index(z[pre, j], z[cov, j]) < 0.05
    # the relation is unchanged: a model fitted on each period finds the same coefficients
    c_pre = LogisticRegression(C=100).fit(z[pre], o["returned"][pre]).coef_.ravel()
    c_cov = LogisticRegression(C=100).fit(z[cov], o["returned"][cov]).coef_.ravel()
    assert np.abs(c_pre - c_cov).max() < 0.25


def test_concept_drift_changes_the_relation_not_the_inputs(stream):
    o = stream.orders
    week = o["week"].to_numpy()
    z = latent(o)
    cov, concept = (week >= 4) & (week < 7), week >= 7
    for j in range(z.shape[1]):
        assert population_stability_index(z[cov, j], z[concept, j]) < 0.05
    c_cov = LogisticRegression(C=100).fit(z[cov], o["returned"][cov]).coef_.ravel()
    c_new = LogisticRegression(C=100).fit(z[concept], o["returned"][concept]).coef_.ravel()
    assert np.abs(c_new - COEF_AFTER).max() < 0.2 and np.abs(c_cov - COEF_BEFORE).max() < 0.2
    assert np.abs(c_new - c_cov).max() > 0.5


def test_no_drift_when_weeks_are_beyond_the_stream():
    s = make_drift_stream(500, n_weeks=6, covariate_week=99, concept_week=99, random_state=3)
    z = latent(s.orders)
    week = s.orders["week"].to_numpy()
    logit = np.log(s.orders["p_return"] / (1 - s.orders["p_return"])).to_numpy()
    np.testing.assert_allclose(logit, -1.2 + z @ COEF_BEFORE, atol=1e-3)  # dwell_ms is rounded to whole ms
    assert abs(z[week >= 4, 2].mean() - z[week < 4, 2].mean()) < 0.15


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"n_per_week": 5}, ValueError, "n_per_week"),
    ({"n_per_week": 100.0}, TypeError, "n_per_week"),
    ({"n_weeks": 0}, ValueError, "n_weeks"),
    ({"n_history_weeks": 0}, ValueError, "n_history_weeks"),
    ({"covariate_week": 0}, ValueError, "covariate_week"),
    ({"concept_week": 0}, ValueError, "concept_week"),
    ({"label_delay": -1}, ValueError, "label_delay"),
    ({"covariate_shift": -1.0}, ValueError, "covariate_shift"),
    ({"base_logit": "a"}, TypeError, "base_logit"),
    ({"random_state": "x"}, TypeError, "random_state"),
])
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        make_drift_stream(**({"n_per_week": 100} | kwargs))
