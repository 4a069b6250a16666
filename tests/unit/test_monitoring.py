"""Unit tests of ``utils.monitoring``: AUC bootstraps, retraining policies, skew check,
streaming PSI and the model registry."""
import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from utils import monitoring
from utils.drift import population_stability_index
from utils.monitoring import (
    ModelRegistry,
    PolicyResult,
    RetrainTrigger,
    StreamingPSI,
    auc_by_group_ci,
    bootstrap_mean_auc_diff_ci,
    simulate_policy,
    skew_report,
    weighted_auc,
)


def test_docstring_examples():
    assert doctest.testmod(monitoring).failed == 0


# --------------------------------------------------------------------------------- weighted AUC


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(4, 60), st.booleans())
def test_weighted_auc_matches_sklearn(seed, n, ties):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    s = rng.normal(size=n) + y
    if ties:
        s = np.round(s)                       # many ties: each counts one half
    w = rng.integers(0, 4, n).astype(float)
    w[:2] = 1.0
    assert weighted_auc(y, s) == pytest.approx(roc_auc_score(y, s))
    assert weighted_auc(y, s, w) == pytest.approx(roc_auc_score(y, s, sample_weight=w))


def test_weighted_auc_hand_computed():
    # pairs (pos, neg): (0.35 > 0.1), (0.35 < 0.4), (0.8 > both): 3 of 4
    assert weighted_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    assert weighted_auc([0, 1], [0.5, 0.5]) == 0.5
    assert weighted_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [1, 0, 1, 1]) == 1.0


@pytest.mark.parametrize(("args", "exc", "match"), [
    (([0, 0], [0.1, 0.2]), ValueError, "both classes"),
    (([0, 2], [0.1, 0.2]), ValueError, "y_true"),
    (([0, 1], [0.1]), ValueError, "lengths"),
    (([0, 1], [0.1, np.nan]), ValueError, "scores"),
    (([0, 1], [0.1, 0.2], [1, -1]), ValueError, "sample_weight"),
    (([0, 1], [0.1, 0.2], [0, 1]), ValueError, "both classes"),
])
def test_weighted_auc_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        weighted_auc(*args)


# ---------------------------------------------------------------------------- bootstrap CIs


@pytest.fixture(scope="module")
def two_weeks():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1000)
    good = y + rng.normal(size=1000)
    weak = y + rng.normal(scale=3, size=1000)
    return y, good, weak, np.repeat([1, 2], 500)


def test_auc_by_group_ci_point_and_interval(two_weeks):
    y, good, weak, g = two_weeks
    out = auc_by_group_ci(y, good, g, n_boot=300, random_state=1)
    assert list(out.columns) == ["system", "group", "auc", "low", "high", "n"]
    assert list(out["group"]) == [1, 2] and set(out["system"]) == {"scores"}
    for _, r in out.iterrows():
        m = g == r["group"]
        assert r["auc"] == pytest.approx(roc_auc_score(y[m], good[m]))
        assert r["low"] < r["auc"] < r["high"] and r["n"] == 500
    again = auc_by_group_ci(y, good, g, n_boot=300, random_state=1)
    pd.testing.assert_frame_equal(out, again)


def test_auc_by_group_ci_several_systems_share_resamples(two_weeks):
    y, good, weak, g = two_weeks
    both = auc_by_group_ci(y, {"good": good, "same": good.copy(), "weak": weak}, g, n_boot=200)
    a = both[both["system"] == "good"].reset_index(drop=True)
    b = both[both["system"] == "same"].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.drop(columns="system"), b.drop(columns="system"))  # same resamples
    assert (both[both["system"] == "weak"]["auc"].to_numpy() < a["auc"].to_numpy()).all()


def test_bootstrap_mean_auc_diff_ci(two_weeks):
    y, good, weak, g = two_weeks
    r = bootstrap_mean_auc_diff_ci(y, good, weak, g, n_boot=400)
    expected = np.mean([roc_auc_score(y[g == k], good[g == k]) - roc_auc_score(y[g == k], weak[g == k])
                        for k in (1, 2)])
    assert r.diff == pytest.approx(expected)
    assert 0 < r.low < r.diff < r.high
    same = bootstrap_mean_auc_diff_ci(y, good, good, g, n_boot=200)
    assert same.diff == same.low == same.high == 0.0
    # the interval covers the truth for a null difference: two equally noisy scorers
    rng = np.random.default_rng(5)
    a, b = y + rng.normal(size=1000), y + rng.normal(size=1000)
    null = bootstrap_mean_auc_diff_ci(y, a, b, g, n_boot=400)
    assert null.low < 0 < null.high


def test_bootstrap_width_matches_the_sampling_spread():
    # the CI width of one week's AUC is close to the spread of AUC over independent weeks
    rng = np.random.default_rng(2)
    aucs = []
    for _ in range(150):
        y = rng.integers(0, 2, 400)
        aucs.append(roc_auc_score(y, y + rng.normal(size=400)))
    y = rng.integers(0, 2, 400)
    ci = auc_by_group_ci(y, y + rng.normal(size=400), np.zeros(400), n_boot=1000).iloc[0]
    assert (ci["high"] - ci["low"]) / (2 * 1.96) == pytest.approx(np.std(aucs), rel=0.3)


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    (([0, 0, 1, 1], [1, 2, 3, 4], [1, 1, 2, 2]), {}, ValueError, "single class"),
    (([0, 1, 0, 1], [1, 2, 3, 4], [1, 1, 1]), {}, ValueError, "lengths"),
    (([0, 1, 0, 1], [1, 2, 3, 4], np.ones((2, 2))), {}, ValueError, "groups"),
    (([0, 1, 1, 0], [1, 2, 3, 4], [1, 1, 2, 2]), {"n_boot": 10}, ValueError, "n_boot"),
    (([0, 1, 1, 0], [1, 2, 3, 4], [1, 1, 2, 2]), {"confidence": 1.5}, ValueError, "confidence"),
    (([0, 1, 1, 0], {}, [1, 1, 2, 2]), {}, ValueError, "empty"),
    (([0, 1, 1, 0], [1, 2, np.nan, 4], [1, 1, 2, 2]), {}, ValueError, "scores"),
])
def test_auc_by_group_ci_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        auc_by_group_ci(*args, **kwargs)


def test_bootstrap_mean_auc_diff_ci_bad_input():
    with pytest.raises(ValueError, match="baseline_scores"):
        bootstrap_mean_auc_diff_ci([0, 1, 1, 0], [1, 2, 3, 4], [1, 2, 3], [1, 1, 2, 2])
    with pytest.raises(ValueError, match="y_true"):
        bootstrap_mean_auc_diff_ci([0, 1, 1, 5], [1, 2, 3, 4], [1, 2, 3, 4], [1, 1, 2, 2])


# ----------------------------------------------------------------------------- policies


def make_stream(seed=0, n=600, shift_week=4, concept_week=7):
    """Weeks -2..10: x1 shifts from shift_week, the sign of x0's effect flips from concept_week."""
    rng = np.random.default_rng(seed)
    week = np.repeat(np.arange(-2, 11), n)
    X = rng.normal(size=(week.size, 3))
    X[week >= shift_week, 1] += 1.5
    coef0 = np.where(week >= concept_week, -1.5, 1.5)
    logit = coef0 * X[:, 0] + 0.5 * X[:, 1] + 0.3 * X[:, 2]
    y = (rng.random(week.size) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y, week


def fit(X, y):
    return LogisticRegression().fit(X, y)


@pytest.fixture(scope="module")
def stream():
    X, y, week = make_stream()
    m0 = fit(X[week <= -1], y[week <= -1])
    return X, y, week, m0


def run(stream, policy, trigger=None, **kw):
    X, y, week, m0 = stream
    return simulate_policy(X, y, week, initial_model=m0, initial_train_weeks=[-2, -1], fit=fit, policy=policy,
                           trigger=trigger, weeks=range(1, 11), **kw)


def test_never_serves_the_initial_model(stream):
    X, y, week, m0 = stream
    r = run(stream, "never")
    assert isinstance(r, PolicyResult) and r.n_retrains == 0 and r.retrain_weeks == []
    prod = week >= 1
    np.testing.assert_allclose(r.scores[prod], m0.predict_proba(X[prod])[:, 1])
    assert np.isnan(r.scores[~prod]).all()
    assert list(r.log.index) == list(range(1, 11)) and (r.log["model_version"] == 0).all()
    assert list(r.models) == [0]


def test_weekly_retrains_every_week_but_the_last_on_the_delayed_window(stream):
    X, y, week, _ = stream
    r = run(stream, "weekly", label_delay=2, window=2)
    assert r.n_retrains == 9 and r.retrain_weeks == list(range(1, 10))
    # the model serving week t was trained at the end of week t - 1 on weeks t - 4, t - 3
    assert r.log.loc[5, "train_weeks"] == "1,2" and r.log.loc[5, "model_version"] == 4
    expected = fit(X[np.isin(week, [1, 2])], y[np.isin(week, [1, 2])]).predict_proba(X[week == 5])[:, 1]
    np.testing.assert_allclose(r.scores[week == 5], expected)
    assert (r.log["reason"].iloc[:-1] == "schedule").all() and r.log["reason"].iloc[-1] == ""


def test_log_psi_and_delayed_auc(stream):
    X, y, week, m0 = stream
    r = run(stream, "never", label_delay=2)
    ref = X[week <= -1]
    for t in (1, 5):
        psi = [population_stability_index(ref[:, j], X[week == t, j]) for j in range(3)]
        assert r.log.loc[t, "psi_max"] == pytest.approx(max(psi))
    assert r.log.loc[5, "psi_feature"] == "x1"
    assert np.isnan(r.log.loc[2, "delayed_auc"])          # week 0 is history: not a production week
    assert r.log.loc[3, "delayed_week"] == 1
    expected = roc_auc_score(y[week == 1], m0.predict_proba(X[week == 1])[:, 1])
    assert r.log.loc[3, "delayed_auc"] == pytest.approx(expected)


def test_trigger_fires_on_psi_and_on_auc_and_recovers(stream):
    X, y, week, _ = stream
    trig = RetrainTrigger(psi_threshold=0.2, auc_threshold=0.7)
    r = run(stream, "trigger", trig, label_delay=2, window=1)
    never = run(stream, "never", trig, label_delay=2)
    assert never.log.loc[4:, "alert_psi"].all() and not never.log.loc[:3, "alert_psi"].any()
    assert r.log.loc[4, "reason"] == "psi"
    # the concept drift at week 7 is seen at the end of week 9 (labels 2 weeks late)
    assert not never.log.loc[:8, "alert_auc"].any() and never.log.loc[9, "alert_auc"]
    assert "auc" in r.log.loc[9, "reason"]
    late = week == 10
    assert roc_auc_score(y[late], r.scores[late]) > roc_auc_score(y[late], never.scores[late]) + 0.3
    assert r.n_retrains < 9
    auc_only = run(stream, "trigger", RetrainTrigger(auc_threshold=0.7), label_delay=2)
    assert auc_only.retrain_weeks == [9]


def test_alerts_are_logged_for_every_policy_with_a_trigger(stream):
    trig = RetrainTrigger(psi_threshold=0.2)
    r = run(stream, "weekly", trig)
    assert r.log["alert_psi"].any() and not r.log["alert_auc"].any()


def test_retrain_trigger_validation():
    with pytest.raises(ValueError, match="needs"):
        RetrainTrigger()
    with pytest.raises(ValueError, match="psi_threshold"):
        RetrainTrigger(psi_threshold=-1.0)
    with pytest.raises(ValueError, match="auc_threshold"):
        RetrainTrigger(auc_threshold=1.5)


@pytest.mark.parametrize(("change", "exc", "match"), [
    ({"policy": "monthly"}, ValueError, "policy"),
    ({"policy": "trigger"}, ValueError, "trigger"),
    ({"X": np.zeros(5)}, ValueError, "X"),
    ({"y": "labels"}, (TypeError, ValueError), "y"),
    ({"week": None}, TypeError, "week"),
    ({"fit": 3}, TypeError, "fit"),
    ({"initial_model": object()}, TypeError, "initial_model"),
    ({"initial_train_weeks": [99]}, ValueError, "initial_train_weeks"),
    ({"label_delay": -1}, ValueError, "label_delay"),
    ({"window": 0}, ValueError, "window"),
    ({"trigger": 0.2}, TypeError, "trigger"),
    ({"weeks": []}, ValueError, "weeks"),
    ({"weeks": [1, 50]}, ValueError, "week 50"),
    ({"feature_names": ["a"]}, ValueError, "feature_names"),
])
def test_simulate_policy_bad_input(stream, change, exc, match):
    X, y, week, m0 = stream
    kwargs = dict(X=X, y=y, week=week, initial_model=m0, initial_train_weeks=[-2, -1], fit=fit,
                  policy="never")
    if change.get("week", 0) is None:
        change = {"week": week.astype(float)}
    kwargs.update(change)
    with pytest.raises(exc, match=match):
        simulate_policy(**kwargs)


# ----------------------------------------------------------------------------- skew check


def test_skew_report_finds_the_unit_bug_and_its_share():
    rng = np.random.default_rng(0)
    batch = pd.DataFrame({"dwell_s": rng.lognormal(3, 1, 1000), "price": rng.lognormal(3, 0.5, 1000)})
    bug = rng.random(1000) < 0.3
    online = batch.assign(dwell_s=np.where(bug, batch["dwell_s"] * 1000, batch["dwell_s"]))
    online["price"] = online["price"] * (1 + 1e-12)          # float noise: not a mismatch
    rep = skew_report(batch, online)
    assert list(rep.columns) == ["feature", "n", "mismatch_rate", "median_ratio"]
    assert rep.loc[0, "feature"] == "dwell_s"
    assert rep.loc[0, "mismatch_rate"] == pytest.approx(bug.mean())
    assert rep.loc[0, "median_ratio"] == pytest.approx(1000)
    assert rep.loc[1, "mismatch_rate"] == 0 and np.isnan(rep.loc[1, "median_ratio"])
    assert (skew_report(batch, batch)["mismatch_rate"] == 0).all()


@pytest.mark.parametrize(("make", "exc", "match"), [
    (lambda b: (b.to_numpy(), b), TypeError, "batch"),
    (lambda b: (b, b.iloc[:0]), ValueError, "online"),
    (lambda b: (b, b[["y", "x"]]), ValueError, "columns"),
    (lambda b: (b, b.iloc[:2]), ValueError, "lengths"),
    (lambda b: (b, b.assign(x=np.nan)), ValueError, r"online\['x'\]"),
])
def test_skew_report_bad_input(make, exc, match):
    b = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 1.0, 1.0]})
    with pytest.raises(exc, match=match):
        skew_report(*make(b))
    with pytest.raises(ValueError, match="rtol"):
        skew_report(b, b, rtol=-1.0)


# ---------------------------------------------------------------------------- streaming PSI


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 400), st.floats(-2, 2))
def test_streaming_psi_equals_batch_psi(seed, m, shift):
    rng = np.random.default_rng(seed)
    ref = rng.normal(size=(500, 2))
    cur = rng.normal(shift, 1, size=(m, 2))
    mon = StreamingPSI(ref, bins=10)
    half = m // 2
    mon.update(cur[:half]) if half else None
    for row in cur[half:]:
        mon.update(row)                                    # one request at a time
    expected = [population_stability_index(ref[:, j], cur[:, j]) for j in range(2)]
    np.testing.assert_allclose(mon.psi(), expected)
    assert mon.n_seen == m and mon.n_binned == 2 * m


def test_streaming_psi_one_feature_and_reset():
    rng = np.random.default_rng(1)
    ref = rng.normal(size=300)
    mon = StreamingPSI(ref)
    assert mon.n_features == 1
    mon.update(ref + 1)
    assert mon.psi()[0] == pytest.approx(population_stability_index(ref, ref + 1))
    mon.reset()
    assert mon.n_seen == 0
    with pytest.raises(ValueError, match="update first"):
        mon.psi()
    mon.update(0.3)
    assert mon.n_seen == 1


def test_streaming_psi_bad_input():
    with pytest.raises(ValueError, match="reference"):
        StreamingPSI(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="reference"):
        StreamingPSI([1.0, np.nan])
    with pytest.raises(ValueError, match="bins"):
        StreamingPSI(np.arange(10.0), bins=1)
    mon = StreamingPSI(np.zeros((10, 3)) + np.arange(10)[:, None])
    with pytest.raises(ValueError, match="3 features"):
        mon.update([1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        mon.update([1.0, np.inf, 2.0])


# ---------------------------------------------------------------------------- model registry


def test_registry_register_promote_rollback():
    reg = ModelRegistry()
    m1 = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    v1 = reg.register(m1, metrics={"auc": 0.8}, note="first")
    v2 = reg.register({"weights": [1, 2]}, note="second")
    assert (v1, v2) == (1, 2)
    with pytest.raises(ValueError, match="promoted"):
        _ = reg.production
    reg.promote(v1)
    reg.promote(v2)
    assert reg.production == 2
    assert reg.rollback(note="bad") == 1 and reg.production == 1
    with pytest.raises(ValueError, match="roll back"):
        reg.rollback()
    assert [e["action"] for e in reg.events] == ["register", "register", "promote", "promote", "rollback"]
    table = reg.table()
    assert list(table.index) == [1, 2] and table.loc[1, "in_production"] and table.loc[1, "auc"] == 0.8
    assert table.loc[1, "sha256"] != table.loc[2, "sha256"]


def test_registry_stores_immutable_copies():
    reg = ModelRegistry()
    model = {"weights": [1, 2]}
    v = reg.register(model)
    model["weights"].append(3)                            # later changes do not reach the stored version
    assert reg.load(v) == {"weights": [1, 2]}
    loaded = reg.load(v)
    loaded["weights"].append(9)
    assert reg.load(v) == {"weights": [1, 2]}


def test_registry_bad_input():
    reg = ModelRegistry()
    assert reg.table().empty
    with pytest.raises(TypeError, match="metrics"):
        reg.register(1, metrics=[1])
    with pytest.raises(TypeError, match="note"):
        reg.register(1, note=3)
    reg.register(1)
    with pytest.raises(ValueError, match="not registered"):
        reg.promote(5)
    with pytest.raises(TypeError, match="version"):
        reg.load("1")
