"""Unit tests of ``utils.drift``: PSI, KL, bin edges, the drift report and PSI's noise floor."""
import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy, ks_2samp

from utils import drift
from utils.drift import (
    SIGNIFICANT,
    STABLE,
    bin_edges,
    drift_by_period,
    drift_report,
    kl_divergence,
    population_stability_index,
    psi_noise_floor,
)

EPS = 1e-4


def _proportions(expected, actual, bins=10, eps=EPS):
    """Hand-computed bin proportions: np.histogram on the edges of ``bin_edges``."""
    edges = bin_edges(expected, bins)
    pe = np.histogram(expected, bins=edges)[0] / len(expected)
    pa = np.histogram(actual, bins=edges)[0] / len(actual)
    return np.maximum(pe, eps), np.maximum(pa, eps)


@pytest.fixture(scope="module")
def normal():
    return np.random.default_rng(0).normal(size=5000)


def test_docstring_examples():
    assert doctest.testmod(drift).failed == 0


def test_thresholds():
    assert (STABLE, SIGNIFICANT) == (0.1, 0.25)


# --------------------------------------------------------------------------------------------
# bin_edges
# --------------------------------------------------------------------------------------------

def test_bin_edges_are_quantiles_with_infinite_outer_edges(normal):
    edges = bin_edges(normal, 10)
    assert edges.shape == (11,)
    assert edges[0] == -np.inf and edges[-1] == np.inf
    assert np.all(np.diff(edges) > 0)
    np.testing.assert_allclose(edges[1:-1], np.quantile(normal, np.arange(1, 10) / 10))


def test_bin_edges_merge_duplicate_quantiles():
    rng = np.random.default_rng(1)
    tied = np.concatenate([np.zeros(700), rng.uniform(1, 2, size=300)])  # 70 % ties at 0
    edges = bin_edges(tied, 10)
    assert len(edges) < 11
    assert np.all(np.diff(edges) > 0)  # no duplicate edge left
    assert np.count_nonzero(edges == 0) == 1
    constant = bin_edges(np.full(50, 3.0), 10)
    np.testing.assert_array_equal(constant, [-np.inf, 3.0, np.inf])


# --------------------------------------------------------------------------------------------
# PSI and KL
# --------------------------------------------------------------------------------------------

def test_psi_and_kl_of_identical_samples_are_zero(normal):
    assert population_stability_index(normal, normal) == pytest.approx(0.0, abs=1e-12)
    assert kl_divergence(normal, normal) == pytest.approx(0.0, abs=1e-12)


def test_psi_of_two_samples_of_the_same_distribution_is_small(normal):
    other = np.random.default_rng(99).normal(size=5000)
    assert population_stability_index(normal, other) < STABLE


def test_psi_of_shifted_sample_is_significant(normal):
    assert population_stability_index(normal, normal + 1.0) > SIGNIFICANT
    assert kl_divergence(normal, normal + 1.0) > 0.1


def test_psi_grows_with_the_shift(normal):
    values = [population_stability_index(normal, normal + s) for s in (0.0, 0.1, 0.3, 0.6, 1.0)]
    assert values == sorted(values)
    assert values[-1] > values[1] > 0


@pytest.mark.parametrize("bins", [2, 5, 10, 20])
def test_psi_equals_symmetric_kl_on_the_same_bins(normal, bins):
    actual = np.random.default_rng(2).normal(0.3, 1.2, size=3000)
    pe, pa = _proportions(normal, actual, bins)
    assert pe.min() > EPS and pa.min() > EPS  # no empty bin: the identity is exact
    psi = population_stability_index(normal, actual, bins)
    assert psi == pytest.approx(np.sum((pa - pe) * np.log(pa / pe)))
    assert psi == pytest.approx(entropy(pa, pe) + entropy(pe, pa))


@pytest.mark.parametrize("bins", [2, 5, 10, 20])
def test_kl_matches_scipy_entropy_on_hand_computed_proportions(normal, bins):
    actual = np.random.default_rng(3).normal(0.5, 1.0, size=2000)
    pe, pa = _proportions(normal, actual, bins)
    assert kl_divergence(normal, actual, bins) == pytest.approx(entropy(pa, pe))
    # KL is KL(actual || expected), not the reverse
    assert kl_divergence(normal, actual, bins) != pytest.approx(entropy(pe, pa))


def test_kl_direction_hand_computed():
    expected = np.arange(100.0)      # bins at the quartiles with bins=4: 25 % each
    actual = np.r_[np.zeros(50), np.full(50, 99.0)]  # half in the first bin, half in the last
    pe = np.full(4, 0.25)
    pa = np.array([0.5, EPS, EPS, 0.5])
    assert kl_divergence(expected, actual, 4) == pytest.approx(entropy(pa, pe))
    assert population_stability_index(expected, actual, 4) == pytest.approx(
        np.sum((pa - pe) * np.log(pa / pe)))


@pytest.mark.parametrize("shift", [100.0, -100.0])
def test_values_outside_the_reference_range_are_counted(normal, shift):
    """A fully shifted sample lands in an outer bin (edges +-inf): large but finite PSI."""
    actual = normal[:1000] + shift
    pe, pa = _proportions(normal, actual)
    assert pa.max() == 1.0  # every shifted value counted, in one end bin
    psi = population_stability_index(normal, actual)
    assert np.isfinite(psi) and psi > 5
    assert psi == pytest.approx(np.sum((pa - pe) * np.log(pa / pe)))
    assert np.isfinite(kl_divergence(normal, actual))


def test_ties_are_binned_consistently():
    rng = np.random.default_rng(4)
    ref = np.concatenate([np.zeros(700), rng.uniform(1, 2, size=300)])
    assert population_stability_index(ref, ref) == pytest.approx(0.0, abs=1e-12)
    same = np.concatenate([np.zeros(350), rng.uniform(1, 2, size=150)])
    assert population_stability_index(ref, same) < STABLE
    fewer_zeros = np.concatenate([np.zeros(300), rng.uniform(1, 2, size=700)])
    pe, pa = _proportions(ref, fewer_zeros)
    psi = population_stability_index(ref, fewer_zeros)
    assert psi == pytest.approx(np.sum((pa - pe) * np.log(pa / pe)))
    assert psi > SIGNIFICANT


def test_eps_floors_empty_bins(normal):
    actual = normal[:1000] + 100.0
    small = population_stability_index(normal, actual, eps=1e-6)
    large = population_stability_index(normal, actual, eps=1e-2)
    assert small > large > 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=60),
       st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=60),
       st.integers(2, 12))
def test_psi_and_kl_are_non_negative_and_finite(expected, actual, bins):
    psi = population_stability_index(expected, actual, bins)
    kl = kl_divergence(expected, actual, bins)
    assert np.isfinite(psi) and psi >= -1e-12
    assert np.isfinite(kl) and kl >= -1e-12


@pytest.mark.parametrize("fn", [population_stability_index, kl_divergence])
@pytest.mark.parametrize(("expected", "actual", "kwargs", "exc", "match"), [
    ([], [1.0, 2.0], {}, ValueError, "expected"),
    ([1.0, 2.0], [], {}, ValueError, "actual"),
    ([1.0, np.nan], [1.0, 2.0], {}, ValueError, "expected"),
    ([1.0, 2.0], [np.inf, 2.0], {}, ValueError, "actual"),
    ([[1.0, 2.0], [3.0, 4.0]], [1.0], {}, ValueError, "expected"),
    ([1.0, 2.0], np.zeros((2, 2, 2)), {}, ValueError, "actual"),
    ("abc", [1.0], {}, TypeError, "expected"),
    ([1.0, 2.0], ["a", "b"], {}, TypeError, "actual"),
    ([1.0, 2.0], [1.0], {"bins": 1}, ValueError, "bins"),
    ([1.0, 2.0], [1.0], {"bins": 2.5}, TypeError, "bins"),
    ([1.0, 2.0], [1.0], {"eps": 0.0}, ValueError, "eps"),
    ([1.0, 2.0], [1.0], {"eps": np.nan}, ValueError, "eps"),
])
def test_psi_and_kl_bad_input(fn, expected, actual, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(expected, actual, **kwargs)


@pytest.mark.parametrize(("expected", "bins", "exc", "match"), [
    ([], 10, ValueError, "expected"),
    ([1.0, np.nan], 10, ValueError, "expected"),
    ([1.0, 2.0], 1, ValueError, "bins"),
    ([1.0, 2.0], 0, ValueError, "bins"),
    ([1.0, 2.0], "10", TypeError, "bins"),
])
def test_bin_edges_bad_input(expected, bins, exc, match):
    with pytest.raises(exc, match=match):
        bin_edges(expected, bins)


# --------------------------------------------------------------------------------------------
# drift_report
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(5)
    n = 5000
    reference = pd.DataFrame({
        "stable": rng.normal(size=n), "moderate": rng.normal(size=n), "big": rng.normal(size=n),
        "category": rng.choice(["a", "b"], size=n),
    })
    current = pd.DataFrame({
        "stable": rng.normal(size=n), "moderate": rng.normal(0.4, 1.0, size=n),
        "big": rng.normal(1.5, 1.0, size=n), "category": rng.choice(["a", "b"], size=n),
    })
    return reference, current


def test_drift_report_columns_order_and_status(frames):
    reference, current = frames
    report = drift_report(reference, current)
    assert list(report.columns) == ["feature", "psi", "kl", "ks_stat", "ks_pvalue", "status"]
    assert list(report["feature"]) == ["big", "moderate", "stable"]  # sorted by PSI, non-numeric skipped
    assert report["psi"].is_monotonic_decreasing
    status = dict(zip(report["feature"], report["status"], strict=True))
    assert status == {"big": "significant", "moderate": "moderate", "stable": "stable"}
    psi = dict(zip(report["feature"], report["psi"], strict=True))
    assert psi["stable"] < STABLE <= psi["moderate"] <= SIGNIFICANT < psi["big"]
    for row in report.itertuples():
        assert row.psi == pytest.approx(population_stability_index(reference[row.feature],
                                                                   current[row.feature]))
        assert row.kl == pytest.approx(kl_divergence(reference[row.feature], current[row.feature]))
        assert 0 <= row.ks_stat <= 1 and 0 <= row.ks_pvalue <= 1
    assert report.set_index("feature").loc["big", "ks_pvalue"] < 1e-6


def test_drift_report_columns_and_custom_thresholds(frames):
    reference, current = frames
    report = drift_report(reference, current, ["stable", "moderate"], moderate=0.5, significant=1.0,
                          bins=5)
    assert set(report["feature"]) == {"stable", "moderate"}
    assert set(report["status"]) == {"stable"}
    assert report.set_index("feature").loc["moderate", "psi"] == pytest.approx(
        population_stability_index(reference["moderate"], current["moderate"], 5))


def test_drift_report_threshold_boundaries(frames):
    """PSI equal to ``moderate`` is moderate; equal to ``significant`` is not yet significant."""
    reference, current = frames
    psi = population_stability_index(reference["moderate"], current["moderate"])
    at_moderate = drift_report(reference, current, ["moderate"], moderate=psi, significant=psi + 1)
    assert at_moderate["status"].item() == "moderate"
    at_significant = drift_report(reference, current, ["moderate"], moderate=psi / 2, significant=psi)
    assert at_significant["status"].item() == "moderate"
    above = drift_report(reference, current, ["moderate"], moderate=psi / 4, significant=psi / 2)
    assert above["status"].item() == "significant"


@pytest.mark.parametrize(("make_args", "exc", "match"), [
    (lambda r, c: (r.to_numpy(), c, {}), TypeError, "reference"),
    (lambda r, c: (r, c["stable"], {}), TypeError, "current"),
    (lambda r, c: (r.iloc[:0], c, {}), ValueError, "reference"),
    (lambda r, c: (r, pd.DataFrame(), {}), ValueError, "current"),
    (lambda r, c: (r, c, {"columns": []}), ValueError, "columns"),
    (lambda r, c: (r, c, {"columns": ["nope"]}), ValueError, "columns"),
    (lambda r, c: (r, c.drop(columns="big"), {}), ValueError, "columns"),
    (lambda r, c: (r[["category"]], c, {}), ValueError, "columns"),  # no numeric column
    (lambda r, c: (r, c, {"columns": ["category"]}), TypeError, "reference"),
    (lambda r, c: (r.assign(stable=np.nan), c, {}), ValueError, r"reference\['stable'\]"),
    (lambda r, c: (r, c.assign(big=np.inf), {}), ValueError, r"current\['big'\]"),
    (lambda r, c: (r, c, {"moderate": -0.1}), ValueError, "moderate"),
    (lambda r, c: (r, c, {"significant": 0.0}), ValueError, "significant"),
    (lambda r, c: (r, c, {"moderate": 0.3, "significant": 0.2}), ValueError, "significant"),
    (lambda r, c: (r, c, {"moderate": "0.1"}), TypeError, "moderate"),
    (lambda r, c: (r, c, {"bins": 1}), ValueError, "bins"),
])
def test_drift_report_bad_input(frames, make_args, exc, match):
    reference, current, kwargs = make_args(*frames)
    with pytest.raises(exc, match=match):
        drift_report(reference, current, **kwargs)


# --------------------------------------------------------------------------------------------
# psi_noise_floor
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def population():
    return np.random.default_rng(6).lognormal(size=6000)


def test_psi_noise_floor_shape_determinism_and_sign(population):
    a = psi_noise_floor(population, 300, 300, n_repeats=40, random_state=1)
    b = psi_noise_floor(population, 300, 300, n_repeats=40, random_state=1)
    c = psi_noise_floor(population, 300, 300, n_repeats=40, random_state=2)
    assert a.shape == (40,)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.all(a >= 0) and np.all(np.isfinite(a))
    gen = psi_noise_floor(population, 300, 300, n_repeats=40, random_state=np.random.default_rng(1))
    np.testing.assert_array_equal(gen, a)  # an int seed and a Generator with that seed agree


def test_psi_noise_floor_default_seed_is_fixed(population):
    np.testing.assert_array_equal(psi_noise_floor(population, 100, 100, n_repeats=10),
                                  psi_noise_floor(population, 100, 100, n_repeats=10))
    np.testing.assert_array_equal(psi_noise_floor(population, 100, 100, n_repeats=10, random_state=None),
                                  psi_noise_floor(population, 100, 100, n_repeats=10, random_state=0))


def test_psi_noise_floor_shrinks_with_sample_size(population):
    small = np.median(psi_noise_floor(population, 200, 200, n_repeats=40))
    medium = np.median(psi_noise_floor(population, 800, 800, n_repeats=40))
    large = np.median(psi_noise_floor(population, 2500, 2500, n_repeats=40))
    assert small > medium > large > 0
    # the lesson of the docstring: on a few hundred rows, noise alone can pass PSI 0.1
    assert np.quantile(psi_noise_floor(population, 100, 100, n_repeats=40), 0.95) > 0.1


def test_psi_noise_floor_uses_disjoint_parts_of_the_sample():
    # n_expected + n_actual == n: every value is used once per repeat. With all values distinct
    # and the two halves drawn without replacement, PSI is finite and the call does not fail.
    x = np.arange(200.0)
    out = psi_noise_floor(x, 100, 100, n_repeats=5)
    assert out.shape == (5,) and np.all(np.isfinite(out))


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    (([], 2, 1), {}, ValueError, "sample"),
    (([1.0, np.nan, 3.0], 2, 1), {}, ValueError, "sample"),
    ((np.arange(10.0), 6, 5), {}, ValueError, "sample"),
    ((np.arange(10.0), 1, 5), {}, ValueError, "n_expected"),
    ((np.arange(10.0), 2.0, 5), {}, TypeError, "n_expected"),
    ((np.arange(10.0), 5, 0), {}, ValueError, "n_actual"),
    ((np.arange(10.0), 5, 5), {"n_repeats": 0}, ValueError, "n_repeats"),
    ((np.arange(10.0), 5, 5), {"random_state": "seed"}, TypeError, "random_state"),
    ((np.arange(10.0), 5, 5), {"bins": 1}, ValueError, "bins"),
    ((np.zeros((5, 4)), 5, 5), {}, ValueError, "sample"),
])
def test_psi_noise_floor_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        psi_noise_floor(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# drift_report's ks_method and drift_by_period
# --------------------------------------------------------------------------------------------

def test_drift_report_ks_method(frames):
    reference, current = frames
    auto = drift_report(reference, current)
    asymp = drift_report(reference, current, ks_method="asymp")
    pd.testing.assert_frame_equal(auto.drop(columns="ks_pvalue"), asymp.drop(columns="ks_pvalue"))
    np.testing.assert_allclose(auto["ks_pvalue"], asymp["ks_pvalue"], atol=1e-3)
    for col in ("stable", "big"):
        row = asymp.set_index("feature").loc[col]
        expected = ks_2samp(reference[col], current[col], method="asymp").pvalue
        assert row["ks_pvalue"] == pytest.approx(expected)
    with pytest.raises(ValueError, match="ks_method"):
        drift_report(reference, current, ks_method="fast")


def test_drift_by_period_equals_drift_report_per_period(frames):
    reference, current = frames
    period = np.repeat([3, 1, 2], [1000, 2000, 2000])            # unsorted labels are reported sorted
    out = drift_by_period(reference, current, period, ["stable", "big"])
    assert list(out.columns) == ["period", "feature", "psi", "kl", "ks_stat", "ks_pvalue", "status"]
    assert list(out["period"]) == [1, 1, 2, 2, 3, 3]
    for p in (1, 2, 3):
        expected = drift_report(reference, current[period == p], ["stable", "big"])
        got = out[out["period"] == p].drop(columns="period").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
    assert (out.loc[out["feature"] == "big", "status"] == "significant").all()


@pytest.mark.parametrize(("period", "exc", "match"), [
    (np.ones(3), ValueError, "period"),
    (np.ones((5000, 2)), ValueError, "period"),
])
def test_drift_by_period_bad_input(frames, period, exc, match):
    reference, current = frames
    with pytest.raises(exc, match=match):
        drift_by_period(reference, current, period)
    with pytest.raises(TypeError, match="current"):
        drift_by_period(reference, current.to_numpy(), np.ones(5000))
