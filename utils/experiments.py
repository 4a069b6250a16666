"""Statistics of experiments: bootstrap confidence intervals, A/B power analysis and A/B tests.

Every chapter asserts that its model beats its baseline by more than noise with
:func:`bootstrap_diff_ci` (per-query metrics, paired) or :func:`bootstrap_metric_diff_ci`
(a metric of the whole test set such as PR-AUC, resampling rows).

A/B tests randomise *users*, and one user's requests are correlated (some users click far more
than others). :func:`design_effect` and :func:`clustered_ab_test_sample_size` size such a test;
:func:`simulate_clustered_ab_test` simulates users with different base rates and several
requests each, so that a power calculation can be checked against what it ignores.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2_contingency, norm, ttest_ind
from scipy.stats import t as t_dist

from ._validation import (
    as_1d_float,
    check_binary_labels,
    check_fraction,
    check_positive_int,
    check_positive_number,
    check_same_length,
    rng_from,
)

__all__ = [
    "BootstrapResult",
    "ABTestResult",
    "bootstrap_diff_ci",
    "bootstrap_metric_diff_ci",
    "ab_test_sample_size",
    "design_effect",
    "clustered_ab_test_sample_size",
    "ab_test_from_counts",
    "simulate_ab_test",
    "simulate_clustered_ab_test",
    "simulated_clustered_power",
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
        Probability of detecting the lift when it is real; must exceed ``alpha / 2``, the
        probability of rejecting in the lift's direction when there is no lift at all (below it
        the formula's z terms cancel and it returns meaningless sizes).

    Returns
    -------
    int
        Users per arm, rounded up. When users make several correlated requests each, size the
        test with :func:`clustered_ab_test_sample_size` instead.

    Raises
    ------
    ValueError
        If ``power <= alpha / 2``, or a rate or the lift is out of range.

    Examples
    --------
    >>> ab_test_sample_size(0.10, 0.10)
    14751
    """
    p1 = check_fraction(p_control, "p_control")
    alpha = check_fraction(alpha, "alpha")
    power = check_fraction(power, "power")
    if power <= alpha / 2:
        raise ValueError(f"power must exceed alpha / 2 = {alpha / 2:g} (the chance of a significant "
                         f"result in the lift's direction when there is no lift), got power={power:g}")
    if not isinstance(relative_lift, numbers.Real) or isinstance(relative_lift, (bool, np.bool_)):
        raise TypeError(f"relative_lift must be a number, got {type(relative_lift).__name__}")
    relative_lift = float(relative_lift)
    p2 = p1 * (1 + relative_lift)
    if relative_lift == 0 or not 0 < p2 < 1:
        raise ValueError(f"relative_lift must be non-zero and keep the treated rate in (0, 1), "
                         f"got a rate of {p2}")
    pbar = (p1 + p2) / 2
    z_a, z_b = norm.ppf(1 - alpha / 2), norm.ppf(power)
    num = z_a * np.sqrt(2 * pbar * (1 - pbar)) + z_b * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return int(np.ceil(num**2 / (p2 - p1) ** 2))


def design_effect(requests_per_user: float, icc: float) -> float:
    """Variance inflation of a mean over users' correlated requests: ``1 + (m - 1) * icc``.

    When each randomised user makes ``m`` requests and two requests of the same user are
    correlated with intra-class correlation ``icc``, the variance of the overall rate is
    ``design_effect`` times what ``m`` independent requests per user would give (Kish, 1965).

    Parameters
    ----------
    requests_per_user : float
        Average requests per user (the cluster size), ``>= 1``.
    icc : float
        Intra-class correlation of the outcome between two requests of one user, in [0, 1].

    Returns
    -------
    float
        ``>= 1``; 1 when requests are independent (``icc = 0``) or one per user.

    Examples
    --------
    >>> design_effect(10, 0.1)
    1.9
    """
    m = check_positive_number(requests_per_user, "requests_per_user")
    if m < 1:
        raise ValueError(f"requests_per_user must be >= 1, got {m}")
    icc = check_fraction(icc, "icc", inclusive=True)
    return float(1 + (m - 1) * icc)


def clustered_ab_test_sample_size(p_control: float, relative_lift: float, *, requests_per_user: float,
                                  icc: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Users per arm for a test randomised by user, each making several correlated requests.

    The per-request size of :func:`ab_test_sample_size` assumes independent requests; with
    ``requests_per_user`` requests per user and intra-class correlation ``icc`` it is inflated by
    the :func:`design_effect` and divided by the requests each user contributes:
    ``users = ceil(n_requests * design_effect / requests_per_user)``.

    Parameters
    ----------
    p_control : float
        Per-request conversion (click-through) rate of the control arm, in (0, 1).
    relative_lift : float
        Relative change to detect (see :func:`ab_test_sample_size`).
    requests_per_user : float
        Requests per user during the test, ``>= 1``.
    icc : float
        Intra-class correlation of the outcome within a user, in [0, 1].
    alpha, power : float
        As in :func:`ab_test_sample_size`.

    Returns
    -------
    int
        Users per arm, rounded up.

    Examples
    --------
    >>> clustered_ab_test_sample_size(0.10, 0.10, requests_per_user=10, icc=0.1)
    2803
    """
    deff = design_effect(requests_per_user, icc)
    n_requests = ab_test_sample_size(p_control, relative_lift, alpha=alpha, power=power)
    return int(np.ceil(n_requests * deff / float(requests_per_user)))


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


def _user_rates(rng, p: float, icc: float, n_users: int) -> np.ndarray:
    """Per-user rates with mean ``p`` and intra-class correlation ``icc`` (Beta distributed)."""
    if icc == 0:
        return np.full(n_users, p)
    concentration = 1 / icc - 1          # the ICC of a beta-binomial is 1 / (a + b + 1)
    return rng.beta(p * concentration, (1 - p) * concentration, size=n_users)


def simulate_clustered_ab_test(p_control: float, p_treatment: float, n_users_per_arm: int,
                               requests_per_user: int, icc: float, *, analysis: str = "user",
                               confidence: float = 0.95, random_state=0) -> ABTestResult:
    """Simulate a test randomised by user, where each user makes several correlated requests.

    Generative story: every user has their own click-through rate, drawn from a Beta
    distribution with the arm's mean rate and intra-class correlation ``icc`` (heavy clickers
    and users who never click); each of the user's ``requests_per_user`` searches is clicked
    with that rate. This is the structure a per-request power calculation ignores.

    Parameters
    ----------
    p_control, p_treatment : float
        Mean per-request rates of the two arms, in (0, 1).
    n_users_per_arm : int
        Users randomised into each arm.
    requests_per_user : int
        Requests (searches) each user makes during the test, ``>= 1``.
    icc : float
        Intra-class correlation within a user, in [0, 1).
    analysis : {"user", "request"}, default "user"
        ``"user"``: the correct analysis for user randomisation, a Welch t-test on the users'
        click-through rates (SciPy ``ttest_ind``, equal requests per user, so their mean is the
        overall rate). ``"request"``: the naive two-proportion test that treats every request as
        independent (:func:`ab_test_from_counts`); its interval is too narrow when ``icc > 0``.
    confidence : float, default 0.95
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    ABTestResult
        ``n_a``/``n_b`` count users for ``"user"`` and requests for ``"request"``.
    """
    p_a = check_fraction(p_control, "p_control")
    p_b = check_fraction(p_treatment, "p_treatment")
    n = check_positive_int(n_users_per_arm, "n_users_per_arm", minimum=2)
    m = check_positive_int(requests_per_user, "requests_per_user")
    icc = check_fraction(icc, "icc", high=1.0, inclusive=True)
    if icc == 1:
        raise ValueError("icc must be < 1 (at 1 every user always or never clicks)")
    if analysis not in ("user", "request"):
        raise ValueError(f"analysis must be 'user' or 'request', got {analysis!r}")
    confidence = check_fraction(confidence, "confidence")
    rng = rng_from(random_state)
    clicks_a = rng.binomial(m, _user_rates(rng, p_a, icc, n))
    clicks_b = rng.binomial(m, _user_rates(rng, p_b, icc, n))
    if analysis == "request":
        return ab_test_from_counts(int(clicks_a.sum()), n * m, int(clicks_b.sum()), n * m,
                                   confidence=confidence)
    ctr_a, ctr_b = clicks_a / m, clicks_b / m
    if np.ptp(np.concatenate([ctr_a, ctr_b])) == 0:  # no variation at all: no evidence
        diff = float(ctr_b.mean() - ctr_a.mean())
        return ABTestResult(float(ctr_a.mean()), float(ctr_b.mean()), diff, diff, diff, 1.0, n, n)
    test = ttest_ind(ctr_b, ctr_a, equal_var=False)
    ci = test.confidence_interval(confidence)
    p_value = float(test.pvalue) if np.isfinite(test.pvalue) else 1.0
    return ABTestResult(float(ctr_a.mean()), float(ctr_b.mean()), float(ctr_b.mean() - ctr_a.mean()),
                        float(ci.low), float(ci.high), p_value, n, n)


def simulated_clustered_power(p_control: float, p_treatment: float, n_users_per_arm: int,
                              requests_per_user: int, icc: float, *, n_tests: int = 1000,
                              alpha: float = 0.05, analysis: str = "user", random_state=0) -> float:
    """Share of simulated user-randomised tests that reject, vectorised over ``n_tests`` tests.

    Each test follows the generative story of :func:`simulate_clustered_ab_test` (users with
    Beta-distributed rates, ``requests_per_user`` requests each) and is analysed the same way,
    all tests at once. With ``p_treatment != p_control`` the result is the **power**: the share of
    two-sided tests significant at ``alpha`` *in the direction of the true difference*; with equal
    rates it is the **false-positive rate**, which should be about ``alpha``.

    Parameters
    ----------
    p_control, p_treatment : float
        Mean per-request rates of the two arms, in (0, 1).
    n_users_per_arm : int
        Users per arm, ``>= 2``.
    requests_per_user : int
        Requests per user, ``>= 1``.
    icc : float
        Intra-class correlation within a user, in [0, 1).
    n_tests : int, default 1000
        Simulated tests, ``>= 10``.
    alpha : float, default 0.05
    analysis : {"user", "request"}, default "user"
        Welch t-test on users' rates, or the naive per-request two-proportion z-test.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    float
        In [0, 1].
    """
    p_a = check_fraction(p_control, "p_control")
    p_b = check_fraction(p_treatment, "p_treatment")
    n = check_positive_int(n_users_per_arm, "n_users_per_arm", minimum=2)
    m = check_positive_int(requests_per_user, "requests_per_user")
    icc = check_fraction(icc, "icc", inclusive=True)
    if icc == 1:
        raise ValueError("icc must be < 1 (at 1 every user always or never clicks)")
    n_tests = check_positive_int(n_tests, "n_tests", minimum=10)
    alpha = check_fraction(alpha, "alpha")
    if analysis not in ("user", "request"):
        raise ValueError(f"analysis must be 'user' or 'request', got {analysis!r}")
    rng = rng_from(random_state)
    ctr_a = rng.binomial(m, _user_rates(rng, p_a, icc, n * n_tests)).reshape(n_tests, n) / m
    ctr_b = rng.binomial(m, _user_rates(rng, p_b, icc, n * n_tests)).reshape(n_tests, n) / m
    diff = ctr_b.mean(axis=1) - ctr_a.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if analysis == "user":
            var_a, var_b = ctr_a.var(axis=1, ddof=1) / n, ctr_b.var(axis=1, ddof=1) / n
            se = np.sqrt(var_a + var_b)
            dof = (var_a + var_b) ** 2 / (var_a**2 / (n - 1) + var_b**2 / (n - 1))
            p_value = 2 * t_dist.sf(np.abs(diff / se), dof)
        else:
            pooled = (ctr_a.mean(axis=1) + ctr_b.mean(axis=1)) / 2
            se = np.sqrt(pooled * (1 - pooled) * 2 / (n * m))
            p_value = 2 * norm.sf(np.abs(diff / se))
    p_value = np.where(np.isfinite(p_value), p_value, 1.0)
    significant = p_value < alpha
    if p_b != p_a:
        significant &= np.sign(diff) == np.sign(p_b - p_a)
    return float(significant.mean())
