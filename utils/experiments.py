"""Statistics of experiments: bootstrap confidence intervals, A/B power analysis and A/B tests.

Every chapter asserts that its model beats its baseline by more than noise with
:func:`bootstrap_diff_ci` (per-query metrics, paired) or :func:`bootstrap_metric_diff_ci`
(a metric of the whole test set such as PR-AUC, resampling rows).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2_contingency, norm

from ._validation import (
    as_1d_float,
    check_binary_labels,
    check_fraction,
    check_positive_int,
    check_same_length,
    rng_from,
)

__all__ = [
    "BootstrapResult",
    "ABTestResult",
    "bootstrap_diff_ci",
    "bootstrap_metric_diff_ci",
    "ab_test_sample_size",
    "ab_test_from_counts",
    "simulate_ab_test",
]


@dataclass(frozen=True)
class BootstrapResult:
    """A difference ``model - baseline`` with its percentile bootstrap confidence interval."""

    diff: float
    low: float
    high: float
    confidence: float
    n_boot: int

    @property
    def significant(self) -> bool:
        """True when the whole interval lies above zero."""
        return self.low > 0


@dataclass(frozen=True)
class ABTestResult:
    """Outcome of a two-arm conversion test (control ``a``, treatment ``b``)."""

    rate_a: float
    rate_b: float
    diff: float
    low: float
    high: float
    p_value: float
    n_a: int
    n_b: int

    @property
    def relative_lift(self) -> float:
        """``rate_b / rate_a - 1``."""
        return self.rate_b / self.rate_a - 1 if self.rate_a > 0 else float("nan")


def _check_boot(n_boot, confidence):
    return (check_positive_int(n_boot, "n_boot", minimum=100),
            check_fraction(confidence, "confidence"))


def bootstrap_diff_ci(model_values, baseline_values, *, n_boot: int = 2000,
                      confidence: float = 0.95, random_state=0) -> BootstrapResult:
    """Paired bootstrap CI of ``mean(model_values) - mean(baseline_values)``.

    The two arrays hold one value per unit (query, user, test row) *for the same units*, e.g.
    per-query reciprocal ranks of two systems; units are resampled with replacement and the
    percentile interval of the mean difference is returned.

    Parameters
    ----------
    model_values, baseline_values : array-like of shape (n,)
        Paired per-unit values.
    n_boot : int, default 2000
        Bootstrap resamples, ``>= 100``.
    confidence : float, default 0.95
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> r = bootstrap_diff_ci([1.0, 0.9, 0.8, 1.0], [0.1, 0.2, 0.0, 0.1])
    >>> r.significant
    True
    """
    m = as_1d_float(model_values, "model_values")
    b = as_1d_float(baseline_values, "baseline_values")
    check_same_length(m, b, "model_values", "baseline_values")
    n_boot, confidence = _check_boot(n_boot, confidence)
    rng = rng_from(random_state)
    d = m - b
    idx = rng.integers(0, d.size, size=(n_boot, d.size))
    means = d[idx].mean(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return BootstrapResult(float(d.mean()), float(low), float(high), confidence, n_boot)


def bootstrap_metric_diff_ci(y_true, model_scores, baseline_scores, metric, *, n_boot: int = 1000,
                             confidence: float = 0.95, random_state=0) -> BootstrapResult:
    """Bootstrap CI of ``metric(y, model) - metric(y, baseline)`` for a whole-set metric.

    Test rows are resampled with replacement within each class (a stratified bootstrap, so every
    resample has both classes and a defined PR-AUC or ROC-AUC), and the metric is recomputed for
    both score vectors on the same resample.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels with both classes present.
    model_scores, baseline_scores : array-like of shape (n,)
        Scores of the two systems on the same rows.
    metric : callable
        ``metric(y_true, scores) -> float``, e.g. :func:`sklearn.metrics.average_precision_score`.
    n_boot : int, default 1000
    confidence : float, default 0.95
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    BootstrapResult
    """
    y = check_binary_labels(y_true, "y_true")
    s_m = as_1d_float(model_scores, "model_scores")
    s_b = as_1d_float(baseline_scores, "baseline_scores")
    check_same_length(y, s_m, "y_true", "model_scores")
    check_same_length(y, s_b, "y_true", "baseline_scores")
    if not callable(metric):
        raise TypeError(f"metric must be callable, got {type(metric).__name__}")
    n_boot, confidence = _check_boot(n_boot, confidence)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    if pos.size == 0 or neg.size == 0:
        raise ValueError("y_true must contain both classes")
    rng = rng_from(random_state)
    diffs = np.empty(n_boot)
    for i in range(n_boot):
        idx = np.concatenate([rng.choice(pos, pos.size), rng.choice(neg, neg.size)])
        diffs[i] = metric(y[idx], s_m[idx]) - metric(y[idx], s_b[idx])
    alpha = (1 - confidence) / 2
    low, high = np.quantile(diffs, [alpha, 1 - alpha])
    point = float(metric(y, s_m) - metric(y, s_b))
    return BootstrapResult(point, float(low), float(high), confidence, n_boot)


def ab_test_sample_size(p_control: float, relative_lift: float, *, alpha: float = 0.05,
                        power: float = 0.8) -> int:
    """Users per arm that a two-sided two-proportion z-test needs to detect a lift.

    ``n = (z_{1-alpha/2} sqrt(2 pbar (1 - pbar)) + z_{power} sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2``
    with ``p2 = p_control * (1 + relative_lift)``.

    Parameters
    ----------
    p_control : float
        Conversion (click-through) rate of the control arm, in (0, 1).
    relative_lift : float
        Relative change to detect, e.g. 0.05 for +5 %; non-zero, with ``p2`` in (0, 1).
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Probability of detecting the lift when it is real.

    Returns
    -------
    int
        Users per arm, rounded up.

    Examples
    --------
    >>> ab_test_sample_size(0.10, 0.10)
    14751
    """
    p1 = check_fraction(p_control, "p_control")
    alpha = check_fraction(alpha, "alpha")
    power = check_fraction(power, "power")
    if not isinstance(relative_lift, (int, float)) or isinstance(relative_lift, bool):
        raise TypeError(f"relative_lift must be a number, got {type(relative_lift).__name__}")
    p2 = p1 * (1 + relative_lift)
    if relative_lift == 0 or not 0 < p2 < 1:
        raise ValueError(f"relative_lift must be non-zero and keep the treated rate in (0, 1), "
                         f"got a rate of {p2}")
    pbar = (p1 + p2) / 2
    z_a, z_b = norm.ppf(1 - alpha / 2), norm.ppf(power)
    num = z_a * np.sqrt(2 * pbar * (1 - pbar)) + z_b * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return int(np.ceil(num**2 / (p2 - p1) ** 2))


def ab_test_from_counts(conversions_a: int, n_a: int, conversions_b: int, n_b: int, *,
                        confidence: float = 0.95) -> ABTestResult:
    """Compare two conversion rates: Wald CI of ``rate_b - rate_a`` and a chi-square p-value.

    The p-value is that of :func:`scipy.stats.chi2_contingency` on the 2x2 table without
    continuity correction, which equals the two-sided two-proportion z-test.

    Parameters
    ----------
    conversions_a, n_a, conversions_b, n_b : int
        Conversions and users in the control (a) and treatment (b) arms.
    confidence : float, default 0.95

    Returns
    -------
    ABTestResult
    """
    n_a = check_positive_int(n_a, "n_a")
    n_b = check_positive_int(n_b, "n_b")
    c_a = check_positive_int(conversions_a, "conversions_a", minimum=0)
    c_b = check_positive_int(conversions_b, "conversions_b", minimum=0)
    if c_a > n_a or c_b > n_b:
        raise ValueError("conversions cannot exceed the number of users in an arm")
    confidence = check_fraction(confidence, "confidence")
    r_a, r_b = c_a / n_a, c_b / n_b
    se = np.sqrt(r_a * (1 - r_a) / n_a + r_b * (1 - r_b) / n_b)
    z = norm.ppf(1 - (1 - confidence) / 2)
    table = np.array([[c_a, n_a - c_a], [c_b, n_b - c_b]])
    if (table.sum(axis=0) == 0).any():
        p_value = 1.0  # all converted or none did: no evidence of a difference
    else:
        p_value = float(chi2_contingency(table, correction=False).pvalue)
    diff = r_b - r_a
    return ABTestResult(r_a, r_b, diff, diff - z * se, diff + z * se, p_value, n_a, n_b)


def simulate_ab_test(p_control: float, p_treatment: float, n_per_arm: int, *,
                     confidence: float = 0.95, random_state=0) -> ABTestResult:
    """Simulate a two-arm test: draw conversions from each arm's true rate and compare them.

    Parameters
    ----------
    p_control, p_treatment : float
        True conversion rates, in (0, 1).
    n_per_arm : int
        Users per arm.
    confidence : float, default 0.95
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    ABTestResult
    """
    p_a = check_fraction(p_control, "p_control")
    p_b = check_fraction(p_treatment, "p_treatment")
    n = check_positive_int(n_per_arm, "n_per_arm")
    rng = rng_from(random_state)
    c_a, c_b = int(rng.binomial(n, p_a)), int(rng.binomial(n, p_b))
    return ab_test_from_counts(c_a, n, c_b, n, confidence=confidence)
