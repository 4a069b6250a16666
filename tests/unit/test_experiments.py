"""Unit tests of ``utils.experiments``: bootstrap CIs, A/B power analysis and A/B tests."""
import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from sklearn.metrics import average_precision_score, roc_auc_score

from utils import experiments
from utils.experiments import (
    ABTestResult,
    BootstrapResult,
    ab_test_from_counts,
    ab_test_sample_size,
    bootstrap_diff_ci,
    bootstrap_metric_diff_ci,
    clustered_ab_test_sample_size,
    design_effect,
    simulate_ab_test,
    simulate_clustered_ab_test,
    simulated_clustered_power,
)


def test_docstring_examples():
    assert doctest.testmod(experiments).failed == 0


# --------------------------------------------------------------------------------------------
# bootstrap_diff_ci
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def paired():
    rng = np.random.default_rng(0)
    baseline = rng.uniform(size=300)
    model = np.clip(baseline + rng.normal(0.05, 0.2, size=300), 0, 1)
    return model, baseline


def test_bootstrap_diff_ci_is_deterministic_with_a_seed(paired):
    model, baseline = paired
    a = bootstrap_diff_ci(model, baseline, n_boot=500, random_state=3)
    b = bootstrap_diff_ci(model, baseline, n_boot=500, random_state=3)
    c = bootstrap_diff_ci(model, baseline, n_boot=500, random_state=4)
    assert a == b
    assert (a.low, a.high) != (c.low, c.high)
    assert a.diff == c.diff
    assert bootstrap_diff_ci(model, baseline, n_boot=500) == bootstrap_diff_ci(model, baseline, n_boot=500)


def test_bootstrap_diff_ci_contains_point_estimate(paired):
    model, baseline = paired
    result = bootstrap_diff_ci(model, baseline, n_boot=1000)
    assert isinstance(result, BootstrapResult)
    assert result.diff == pytest.approx(np.mean(model) - np.mean(baseline))
    assert result.low <= result.diff <= result.high
    assert (result.confidence, result.n_boot) == (0.95, 1000)
    # the percentile interval is close to the normal approximation mean +- 1.96 se
    d = model - baseline
    se = d.std(ddof=1) / np.sqrt(d.size)
    assert result.low == pytest.approx(d.mean() - 1.96 * se, abs=0.3 * 1.96 * se)
    assert result.high == pytest.approx(d.mean() + 1.96 * se, abs=0.3 * 1.96 * se)


def test_bootstrap_diff_ci_wider_at_higher_confidence(paired):
    model, baseline = paired
    narrow = bootstrap_diff_ci(model, baseline, n_boot=1000, confidence=0.8)
    wide = bootstrap_diff_ci(model, baseline, n_boot=1000, confidence=0.99)
    assert wide.high - wide.low > narrow.high - narrow.low
    assert wide.low < narrow.low and wide.high > narrow.high


def test_bootstrap_diff_ci_significance():
    rng = np.random.default_rng(1)
    baseline = rng.uniform(0, 0.5, size=200)
    assert bootstrap_diff_ci(baseline + 0.3, baseline, n_boot=500).significant
    assert bootstrap_diff_ci(baseline - 0.3, baseline, n_boot=500).significant is False
    same = bootstrap_diff_ci(baseline, baseline, n_boot=500)
    assert same.diff == 0.0 and same.low == 0.0 and same.high == 0.0
    assert same.significant is False
    # noise only: the interval straddles zero
    noise = bootstrap_diff_ci(rng.uniform(size=200), rng.uniform(size=200), n_boot=500)
    assert noise.low < 0 < noise.high and not noise.significant


def test_bootstrap_result_significant_means_low_above_zero():
    assert BootstrapResult(0.1, 0.01, 0.2, 0.95, 100).significant
    assert not BootstrapResult(0.1, 0.0, 0.2, 0.95, 100).significant
    assert not BootstrapResult(0.1, -0.01, 0.2, 0.95, 100).significant


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    (([], []), {}, ValueError, "model_values"),
    (([1.0, 2.0], []), {}, ValueError, "baseline_values"),
    (([1.0, 2.0], [1.0]), {}, ValueError, "baseline_values"),
    (([1.0, np.nan], [1.0, 2.0]), {}, ValueError, "model_values"),
    (([1.0, 2.0], [1.0, np.inf]), {}, ValueError, "baseline_values"),
    (([[1.0, 2.0]], [[1.0, 2.0]]), {}, ValueError, "model_values"),
    (("ab", [1.0, 2.0]), {}, TypeError, "model_values"),
    (([1.0, 2.0], [1.0, 2.0]), {"n_boot": 99}, ValueError, "n_boot"),
    (([1.0, 2.0], [1.0, 2.0]), {"n_boot": 1000.0}, TypeError, "n_boot"),
    (([1.0, 2.0], [1.0, 2.0]), {"confidence": 1.0}, ValueError, "confidence"),
    (([1.0, 2.0], [1.0, 2.0]), {"confidence": 0.0}, ValueError, "confidence"),
    (([1.0, 2.0], [1.0, 2.0]), {"confidence": 95}, ValueError, "confidence"),
    (([1.0, 2.0], [1.0, 2.0]), {"confidence": np.nan}, ValueError, "confidence"),
    (([1.0, 2.0], [1.0, 2.0]), {"random_state": 1.5}, TypeError, "random_state"),
])
def test_bootstrap_diff_ci_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        bootstrap_diff_ci(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# bootstrap_metric_diff_ci
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(2)
    y = (rng.uniform(size=200) < 0.2).astype(int)
    model = y * 1.5 + rng.normal(size=200)
    baseline = rng.normal(size=200)
    return y, model, baseline


def test_bootstrap_metric_diff_ci_with_average_precision(scored):
    y, model, baseline = scored
    result = bootstrap_metric_diff_ci(y, model, baseline, average_precision_score, n_boot=100)
    expected = average_precision_score(y, model) - average_precision_score(y, baseline)
    assert result.diff == pytest.approx(expected)
    assert result.low <= result.diff <= result.high
    assert result.significant
    assert result.n_boot == 100 and result.confidence == 0.95


def _mean_gap(labels, scores):
    """A cheap whole-set metric: mean score of positives minus mean score of negatives."""
    return float(scores[labels == 1].mean() - scores[labels == 0].mean())


def test_bootstrap_metric_diff_ci_is_deterministic_with_a_seed(scored):
    y, model, baseline = scored
    result = bootstrap_metric_diff_ci(y, model, baseline, _mean_gap, n_boot=300)
    assert bootstrap_metric_diff_ci(y, model, baseline, _mean_gap, n_boot=300) == result
    other = bootstrap_metric_diff_ci(y, model, baseline, _mean_gap, n_boot=300, random_state=9)
    assert (other.low, other.high) != (result.low, result.high)
    assert other.diff == result.diff == pytest.approx(_mean_gap(y, model) - _mean_gap(y, baseline))


def test_bootstrap_metric_diff_ci_not_significant_for_equal_systems(scored):
    y, model, _ = scored
    same = bootstrap_metric_diff_ci(y, model, model, _mean_gap, n_boot=300)
    assert same.diff == 0.0 and same.low == 0.0 and same.high == 0.0 and not same.significant
    reverse = bootstrap_metric_diff_ci(y, -model, model, _mean_gap, n_boot=300)
    assert reverse.high < 0


def test_bootstrap_metric_diff_ci_resamples_within_each_class():
    """Stratified: every resample keeps the class counts, so a metric that needs both classes works."""
    y = np.array([1] + [0] * 30)
    seen = []

    def metric(labels, scores):
        seen.append((int(labels.sum()), len(labels)))
        return _mean_gap(labels, scores)

    scores = np.linspace(0, 1, 31)
    bootstrap_metric_diff_ci(y, scores, scores[::-1], metric, n_boot=100)
    assert set(seen) == {(1, 31)}


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    (([0, 1], [0.1, 0.2], [0.3, 0.4], "auc"), {}, TypeError, "metric"),
    (([1, 1], [0.1, 0.2], [0.3, 0.4], roc_auc_score), {}, ValueError, "y_true"),
    (([0, 0], [0.1, 0.2], [0.3, 0.4], roc_auc_score), {}, ValueError, "y_true"),
    (([0, 2], [0.1, 0.2], [0.3, 0.4], roc_auc_score), {}, ValueError, "y_true"),
    (([], [], [], roc_auc_score), {}, ValueError, "y_true"),
    (([0, 1], [0.1], [0.3, 0.4], roc_auc_score), {}, ValueError, "model_scores"),
    (([0, 1], [0.1, 0.2], [0.3, 0.4, 0.5], roc_auc_score), {}, ValueError, "baseline_scores"),
    (([0, 1], [0.1, np.nan], [0.3, 0.4], roc_auc_score), {}, ValueError, "model_scores"),
    (([0, 1], [0.1, 0.2], [[0.3, 0.4]], roc_auc_score), {}, ValueError, "baseline_scores"),
    (([0, 1], [0.1, 0.2], [0.3, 0.4], roc_auc_score), {"n_boot": 10}, ValueError, "n_boot"),
    (([0, 1], [0.1, 0.2], [0.3, 0.4], roc_auc_score), {"confidence": 1.5}, ValueError, "confidence"),
])
def test_bootstrap_metric_diff_ci_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        bootstrap_metric_diff_ci(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# ab_test_sample_size
# --------------------------------------------------------------------------------------------

def _textbook_n(p1, lift, alpha=0.05, power=0.8):
    """Two-sided two-proportion z-test (pooled variance under H0), users per arm."""
    p2 = p1 * (1 + lift)
    pbar = (p1 + p2) / 2
    z_a, z_b = norm.ppf(1 - alpha / 2), norm.ppf(power)
    n = (z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
    return n / (p2 - p1) ** 2


def test_ab_test_sample_size_textbook_value():
    n = ab_test_sample_size(0.10, 0.10)
    assert 14_700 <= n <= 14_800  # the textbook ~14,750 per arm
    assert n == math.ceil(_textbook_n(0.10, 0.10))
    assert isinstance(n, int)


@pytest.mark.parametrize(("p", "lift", "alpha", "power"), [
    (0.10, 0.05, 0.05, 0.8), (0.02, 0.2, 0.05, 0.9), (0.5, -0.1, 0.01, 0.8), (0.3, 0.5, 0.1, 0.5),
])
def test_ab_test_sample_size_matches_formula(p, lift, alpha, power):
    assert ab_test_sample_size(p, lift, alpha=alpha, power=power) == math.ceil(
        _textbook_n(p, lift, alpha, power))


def test_ab_test_sample_size_monotonicity():
    lifts = [0.5, 0.2, 0.1, 0.05, 0.02]
    sizes = [ab_test_sample_size(0.10, lift) for lift in lifts]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)  # smaller lift -> more users
    # roughly 1 / lift^2: halving the lift about quadruples the users
    assert 3.5 < ab_test_sample_size(0.10, 0.05) / ab_test_sample_size(0.10, 0.10) < 4.5
    assert ab_test_sample_size(0.02, 0.1) > ab_test_sample_size(0.10, 0.1)    # rarer event
    assert ab_test_sample_size(0.1, 0.1, power=0.9) > ab_test_sample_size(0.1, 0.1, power=0.8)
    assert ab_test_sample_size(0.1, 0.1, alpha=0.01) > ab_test_sample_size(0.1, 0.1, alpha=0.05)
    assert ab_test_sample_size(0.1, -0.1) > 0


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    ((0.0, 0.1), {}, ValueError, "p_control"),
    ((1.0, 0.1), {}, ValueError, "p_control"),
    ((np.nan, 0.1), {}, ValueError, "p_control"),
    (("0.1", 0.1), {}, TypeError, "p_control"),
    ((0.1, 0), {}, ValueError, "relative_lift"),
    ((0.1, 0.0), {}, ValueError, "relative_lift"),
    ((0.6, 1.0), {}, ValueError, "relative_lift"),   # treated rate 1.2
    ((0.1, -1.0), {}, ValueError, "relative_lift"),  # treated rate 0
    ((0.1, np.nan), {}, ValueError, "relative_lift"),
    ((0.1, "5%"), {}, TypeError, "relative_lift"),
    ((0.1, True), {}, TypeError, "relative_lift"),
    ((0.1, 0.1), {"alpha": 0.0}, ValueError, "alpha"),
    ((0.1, 0.1), {"alpha": 1.0}, ValueError, "alpha"),
    ((0.1, 0.1), {"power": 1.0}, ValueError, "power"),
    ((0.1, 0.1), {"power": -0.5}, ValueError, "power"),
])
def test_ab_test_sample_size_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ab_test_sample_size(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# ab_test_from_counts and simulate_ab_test
# --------------------------------------------------------------------------------------------

def _z_test_p_value(c_a, n_a, c_b, n_b):
    r_a, r_b = c_a / n_a, c_b / n_b
    pooled = (c_a + c_b) / (n_a + n_b)
    z = (r_b - r_a) / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    return 2 * norm.sf(abs(z))


@pytest.mark.parametrize(("c_a", "n_a", "c_b", "n_b"), [
    (100, 1000, 130, 1000), (50, 1000, 52, 1200), (1000, 10_000, 1100, 10_000), (3, 40, 9, 35),
    (130, 1000, 100, 1000),
])
def test_ab_test_from_counts_matches_manual_z_test(c_a, n_a, c_b, n_b):
    result = ab_test_from_counts(c_a, n_a, c_b, n_b)
    assert isinstance(result, ABTestResult)
    assert result.p_value == pytest.approx(_z_test_p_value(c_a, n_a, c_b, n_b), rel=1e-9)
    r_a, r_b = c_a / n_a, c_b / n_b
    assert (result.rate_a, result.rate_b, result.n_a, result.n_b) == pytest.approx((r_a, r_b, n_a, n_b))
    assert result.diff == pytest.approx(r_b - r_a)
    se = math.sqrt(r_a * (1 - r_a) / n_a + r_b * (1 - r_b) / n_b)
    assert result.low == pytest.approx(r_b - r_a - norm.ppf(0.975) * se)
    assert result.high == pytest.approx(r_b - r_a + norm.ppf(0.975) * se)
    assert result.relative_lift == pytest.approx(r_b / r_a - 1)


def test_ab_test_from_counts_confidence_and_edge_cases():
    wide = ab_test_from_counts(100, 1000, 130, 1000, confidence=0.99)
    narrow = ab_test_from_counts(100, 1000, 130, 1000, confidence=0.9)
    assert wide.low < narrow.low and wide.high > narrow.high
    assert wide.p_value == narrow.p_value
    none = ab_test_from_counts(0, 100, 0, 100)
    assert none.p_value == 1.0 and none.diff == 0.0 and math.isnan(none.relative_lift)
    every = ab_test_from_counts(100, 100, 50, 50)
    assert every.p_value == 1.0 and every.diff == 0.0
    assert ab_test_from_counts(0, 100, 10, 100).p_value < 0.01


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    ((10, 0, 10, 100), {}, ValueError, "n_a"),
    ((10, 100, 10, -5), {}, ValueError, "n_b"),
    ((10, 100.0, 10, 100), {}, TypeError, "n_a"),
    ((-1, 100, 10, 100), {}, ValueError, "conversions_a"),
    ((10, 100, 2.5, 100), {}, TypeError, "conversions_b"),
    ((101, 100, 10, 100), {}, ValueError, "conversions"),
    ((10, 100, 101, 100), {}, ValueError, "conversions"),
    ((10, 100, 10, 100), {"confidence": 1.0}, ValueError, "confidence"),
])
def test_ab_test_from_counts_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ab_test_from_counts(*args, **kwargs)


def test_simulate_ab_test_determinism_and_detection():
    a = simulate_ab_test(0.10, 0.12, 20_000, random_state=1)
    assert a == simulate_ab_test(0.10, 0.12, 20_000, random_state=1)
    assert a == simulate_ab_test(0.10, 0.12, 20_000, random_state=np.random.default_rng(1))
    assert simulate_ab_test(0.10, 0.12, 20_000) == simulate_ab_test(0.10, 0.12, 20_000)
    assert a != simulate_ab_test(0.10, 0.12, 20_000, random_state=2)
    assert a.n_a == a.n_b == 20_000
    assert a.rate_a == pytest.approx(0.10, abs=0.01) and a.rate_b == pytest.approx(0.12, abs=0.01)
    assert a.p_value < 1e-6 and a.low > 0
    # the result is that of ab_test_from_counts on the simulated counts
    counts = ab_test_from_counts(round(a.rate_a * 20_000), 20_000, round(a.rate_b * 20_000), 20_000)
    assert counts == a


def test_simulate_ab_test_false_positive_rate_is_about_alpha():
    p_values = [simulate_ab_test(0.1, 0.1, 2000, random_state=s).p_value for s in range(400)]
    rate = np.mean(np.array(p_values) < 0.05)
    assert 0.02 <= rate <= 0.09


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    ((0.0, 0.1, 100), {}, ValueError, "p_control"),
    ((0.1, 1.0, 100), {}, ValueError, "p_treatment"),
    ((0.1, 0.2, 0), {}, ValueError, "n_per_arm"),
    ((0.1, 0.2, 100.0), {}, TypeError, "n_per_arm"),
    ((0.1, 0.2, 100), {"random_state": "x"}, TypeError, "random_state"),
    ((0.1, 0.2, 100), {"confidence": 0}, ValueError, "confidence"),
])
def test_simulate_ab_test_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        simulate_ab_test(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# ab_test_sample_size: low power and NumPy scalars (issue 6)
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("alpha", "power"), [(0.1, 0.05), (0.1, 0.01), (0.05, 0.025), (0.2, 0.08)])
def test_ab_test_sample_size_rejects_power_at_or_below_half_alpha(alpha, power):
    # below alpha / 2 the z terms cancel and the formula returned sizes such as 1
    with pytest.raises(ValueError, match="power"):
        ab_test_sample_size(0.1, 0.1, alpha=alpha, power=power)


def test_ab_test_sample_size_just_above_half_alpha_is_valid_and_grows_with_power():
    sizes = [ab_test_sample_size(0.1, 0.1, alpha=0.1, power=pw) for pw in (0.06, 0.2, 0.5, 0.8, 0.95)]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)


@pytest.mark.parametrize("lift", [np.float64(0.1), np.float32(0.1), np.array(0.1)[()], 0.1])
def test_ab_test_sample_size_accepts_numpy_scalar_lifts(lift):
    expected = ab_test_sample_size(0.1, 0.1)
    assert ab_test_sample_size(np.float64(0.1), lift) == pytest.approx(expected, rel=1e-4)


def test_ab_test_sample_size_accepts_numpy_integer_lift():
    assert ab_test_sample_size(0.1, np.int64(1)) == ab_test_sample_size(0.1, 1)


@given(p=st.floats(0.01, 0.5), lift=st.floats(0.02, 0.8), alpha=st.floats(0.001, 0.2),
       power=st.floats(0.5, 0.99))
@settings(max_examples=60, deadline=None)
def test_ab_test_sample_size_property_matches_formula_and_is_positive(p, lift, alpha, power):
    n = ab_test_sample_size(p, lift, alpha=alpha, power=power)
    assert n >= 1 and n == math.ceil(_textbook_n(p, lift, alpha, power))


# --------------------------------------------------------------------------------------------
# design effect, clustered sample size and clustered simulation
# --------------------------------------------------------------------------------------------

def test_design_effect_values():
    assert design_effect(10, 0.1) == pytest.approx(1.9)
    assert design_effect(1, 0.7) == 1.0          # one request per user: no clustering
    assert design_effect(25, 0.0) == 1.0         # independent requests
    assert design_effect(5, 1.0) == 5.0          # perfectly correlated: one user counts once


@given(m=st.floats(1, 200), icc=st.floats(0, 1), icc2=st.floats(0, 1))
@settings(max_examples=80, deadline=None)
def test_design_effect_properties(m, icc, icc2):
    d = design_effect(m, icc)
    assert 1.0 <= d <= m + 1e-9
    if icc <= icc2:
        assert d <= design_effect(m, icc2) + 1e-12


@pytest.mark.parametrize(("args", "exc", "match"), [
    ((0.5, 0.1), ValueError, "requests_per_user"),
    ((0, 0.1), ValueError, "requests_per_user"),
    (("5", 0.1), TypeError, "requests_per_user"),
    ((5, 1.5), ValueError, "icc"),
    ((5, -0.1), ValueError, "icc"),
    ((5, np.nan), ValueError, "icc"),
])
def test_design_effect_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        design_effect(*args)


def test_clustered_sample_size_is_per_request_size_times_design_effect_over_requests():
    n_req = ab_test_sample_size(0.1, 0.2)
    users = clustered_ab_test_sample_size(0.1, 0.2, requests_per_user=8, icc=0.1)
    assert users == math.ceil(n_req * design_effect(8, 0.1) / 8)
    # without correlation, users x requests = the per-request size
    assert clustered_ab_test_sample_size(0.1, 0.2, requests_per_user=8, icc=0.0) == math.ceil(n_req / 8)
    # fully correlated requests: each user is worth one request
    assert clustered_ab_test_sample_size(0.1, 0.2, requests_per_user=8, icc=1.0) == n_req


@given(m=st.integers(1, 50), icc=st.floats(0, 1), lift=st.floats(0.05, 0.5))
@settings(max_examples=60, deadline=None)
def test_clustered_sample_size_never_needs_fewer_requests_than_naive(m, icc, lift):
    users = clustered_ab_test_sample_size(0.1, lift, requests_per_user=m, icc=icc)
    assert users * m >= ab_test_sample_size(0.1, lift) - m   # rounding of users to whole users


def test_clustered_sample_size_bad_input():
    with pytest.raises(ValueError, match="power"):
        clustered_ab_test_sample_size(0.1, 0.1, requests_per_user=5, icc=0.1, alpha=0.1, power=0.05)
    with pytest.raises(ValueError, match="icc"):
        clustered_ab_test_sample_size(0.1, 0.1, requests_per_user=5, icc=2.0)


def test_simulate_clustered_ab_test_is_deterministic_and_reports_users():
    a = simulate_clustered_ab_test(0.1, 0.15, 2000, 5, 0.1, random_state=3)
    assert a == simulate_clustered_ab_test(0.1, 0.15, 2000, 5, 0.1, random_state=3)
    assert a != simulate_clustered_ab_test(0.1, 0.15, 2000, 5, 0.1, random_state=4)
    assert (a.n_a, a.n_b) == (2000, 2000)
    assert a.low < a.diff < a.high and a.low > 0 and a.p_value < 1e-3
    r = simulate_clustered_ab_test(0.1, 0.15, 2000, 5, 0.1, analysis="request", random_state=3)
    assert (r.n_a, r.n_b) == (10_000, 10_000)
    # same draws: the naive analysis sees the same difference but a narrower interval
    assert r.diff == pytest.approx(a.diff)
    assert r.high - r.low < a.high - a.low


def test_simulated_clustered_power_matches_the_design_effect_and_the_naive_size_does_not():
    p, lift, m, icc = 0.10, 0.2, 8, 0.1
    naive_users = math.ceil(ab_test_sample_size(p, lift) / m)
    users = clustered_ab_test_sample_size(p, lift, requests_per_user=m, icc=icc)
    powered = simulated_clustered_power(p, p * (1 + lift), users, m, icc, n_tests=800, random_state=1)
    naive = simulated_clustered_power(p, p * (1 + lift), naive_users, m, icc, n_tests=800, random_state=2)
    assert abs(powered - 0.8) < 0.05
    assert naive < 0.7


def test_simulated_clustered_power_false_positive_rates():
    p, m, icc, users = 0.1, 8, 0.1, 500
    user = simulated_clustered_power(p, p, users, m, icc, n_tests=1000, random_state=5)
    naive = simulated_clustered_power(p, p, users, m, icc, n_tests=1000, analysis="request", random_state=5)
    assert 0.025 <= user <= 0.08          # the user-level test keeps its 5 % level
    assert naive > 0.09                   # the per-request test is overconfident under clustering
    # with independent requests both are calibrated
    indep = simulated_clustered_power(p, p, users, m, 0.0, n_tests=1000, analysis="request", random_state=6)
    assert 0.025 <= indep <= 0.08


@pytest.mark.parametrize(("func", "args", "kwargs", "exc", "match"), [
    (simulate_clustered_ab_test, (0.0, 0.1, 100, 5, 0.1), {}, ValueError, "p_control"),
    (simulate_clustered_ab_test, (0.1, 1.0, 100, 5, 0.1), {}, ValueError, "p_treatment"),
    (simulate_clustered_ab_test, (0.1, 0.2, 1, 5, 0.1), {}, ValueError, "n_users_per_arm"),
    (simulate_clustered_ab_test, (0.1, 0.2, 100, 0, 0.1), {}, ValueError, "requests_per_user"),
    (simulate_clustered_ab_test, (0.1, 0.2, 100, 2.5, 0.1), {}, TypeError, "requests_per_user"),
    (simulate_clustered_ab_test, (0.1, 0.2, 100, 5, 1.0), {}, ValueError, "icc"),
    (simulate_clustered_ab_test, (0.1, 0.2, 100, 5, 0.1), {"analysis": "x"}, ValueError, "analysis"),
    (simulated_clustered_power, (0.1, 0.2, 100, 5, -0.1), {}, ValueError, "icc"),
    (simulated_clustered_power, (0.1, 0.2, 100, 5, 0.1), {"n_tests": 5}, ValueError, "n_tests"),
    (simulated_clustered_power, (0.1, 0.2, 100, 5, 0.1), {"alpha": 0}, ValueError, "alpha"),
    (simulated_clustered_power, (0.1, 0.2, 100, 5, 0.1), {"analysis": "x"}, ValueError, "analysis"),
])
def test_clustered_simulation_bad_input(func, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        func(*args, **kwargs)
