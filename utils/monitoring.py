"""Monitoring and retraining: policies over a stream with late labels, skew checks, a model registry.

A deployed model meets three kinds of trouble, and each needs its own check:

* **Drift** of the inputs or of the relation between inputs and labels. :func:`simulate_policy`
  runs one retraining policy (``"never"``, ``"weekly"`` or ``"trigger"``) over a weekly stream
  whose labels arrive ``label_delay`` weeks late, logging each week's drift statistics and
  alerts; :class:`RetrainTrigger` holds the trigger's thresholds (PSI of the inputs against the
  current model's training data, AUC of the current model on the newest labelled week).
  :func:`auc_by_group_ci` and :func:`bootstrap_mean_auc_diff_ci` compare policies week by week
  with stratified bootstrap intervals (vectorised: thousands of resampled AUCs in a second).
* **Training-serving skew**: the online feature code computes something else than the batch
  pipeline the model was trained on. :func:`skew_report` compares the two on the same logged
  requests (mismatch rate, and the typical ratio, which names a unit bug: 1000 is ms vs s).
* **A bad model release**. :class:`ModelRegistry` keeps immutable, versioned copies of every
  model with their metrics, promotes one to production and rolls back in one call.

:class:`StreamingPSI` keeps the reference bins and running counts of a monitor, so that PSI can
be updated per request at the cost of one binary search per feature.
"""
from __future__ import annotations

import hashlib
import numbers
import pickle
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._validation import (
    as_1d_float,
    check_binary_labels,
    check_fraction,
    check_positive_int,
    check_positive_number,
    check_same_length,
    rng_from,
)
from .drift import bin_edges, population_stability_index
from .experiments import BootstrapResult, _check_boot

__all__ = [
    "POLICIES",
    "RetrainTrigger",
    "PolicyResult",
    "simulate_policy",
    "weighted_auc",
    "auc_by_group_ci",
    "bootstrap_mean_auc_diff_ci",
    "skew_report",
    "StreamingPSI",
    "ModelRegistry",
]

#: The retraining policies :func:`simulate_policy` knows.
POLICIES = ("never", "weekly", "trigger")


# ------------------------------------------------------------------------------------ AUC tools


def _auc_matrix(y: np.ndarray, scores: np.ndarray, w_pos: np.ndarray, w_neg: np.ndarray) -> np.ndarray:
    """ROC AUC for each row of the weight matrices (ties count one half).

    ``w_pos`` (B, n_pos) and ``w_neg`` (B, n_neg) weight the positives and the negatives of
    ``y``, in their order of appearance. For each positive, the weight of the negatives scored
    below it is read from a cumulative sum over the sorted negatives: two passes over the
    matrices, no Python loop over resamples.
    """
    s_pos, s_neg = scores[y == 1], scores[y == 0]
    order = np.argsort(s_neg, kind="stable")
    sorted_neg = s_neg[order]
    cum = np.zeros((w_neg.shape[0], s_neg.size + 1))
    np.cumsum(w_neg[:, order], axis=1, out=cum[:, 1:])
    lo = np.searchsorted(sorted_neg, s_pos, side="left")
    hi = np.searchsorted(sorted_neg, s_pos, side="right")
    below = cum[:, lo] + 0.5 * (cum[:, hi] - cum[:, lo])
    num = np.sum(w_pos * below, axis=1)
    den = w_pos.sum(axis=1) * w_neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def weighted_auc(y_true, scores, sample_weight=None) -> float:
    """ROC AUC with optional sample weights (ties count one half), as scikit-learn computes it.

    The chapter's bootstrap functions call the same code with a matrix of resampling weights,
    one row per resample, which is what makes them fast.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels with both classes present.
    scores : array-like of shape (n,)
        Higher means more likely positive.
    sample_weight : array-like of shape (n,), optional
        Non-negative weights (e.g. bootstrap counts).

    Returns
    -------
    float

    Examples
    --------
    >>> weighted_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = check_binary_labels(y_true, "y_true")
    s = as_1d_float(scores, "scores")
    check_same_length(y, s, "y_true", "scores")
    if sample_weight is None:
        w = np.ones(y.size)
    else:
        w = as_1d_float(sample_weight, "sample_weight")
        check_same_length(y, w, "y_true", "sample_weight")
        if np.any(w < 0):
            raise ValueError("sample_weight must be non-negative")
    if w[y == 1].sum() == 0 or w[y == 0].sum() == 0:
        raise ValueError("y_true must contain both classes (with positive weight)")
    return float(_auc_matrix(y, s, w[None, y == 1], w[None, y == 0])[0])


def _groups(y_true, groups, scores_list):
    y = check_binary_labels(y_true, "y_true")
    g = np.asarray(groups)
    if g.ndim != 1:
        raise ValueError(f"groups must be 1-D, got shape {g.shape}")
    check_same_length(y, g, "y_true", "groups")
    out = []
    for name, s in scores_list:
        arr = as_1d_float(s, name)
        check_same_length(y, arr, "y_true", name)
        out.append(arr)
    labels = pd.unique(g)
    for lab in labels:
        yy = y[g == lab]
        if yy.min() == yy.max():
            raise ValueError(f"group {lab!r} of groups holds a single class: its AUC is undefined")
    return y, g, labels, out


def _counts(rng, n: int, n_boot: int) -> np.ndarray:
    """Bootstrap counts (n_boot, n): how often each of n items is drawn in each resample."""
    idx = rng.integers(0, n, size=(n_boot, n)) + n * np.arange(n_boot)[:, None]
    return np.bincount(idx.ravel(), minlength=n_boot * n).reshape(n_boot, n).astype(float)


def _stratified_counts(rng, y: np.ndarray, n_boot: int) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap counts of the positives and of the negatives, resampled separately."""
    return _counts(rng, int((y == 1).sum()), n_boot), _counts(rng, int((y == 0).sum()), n_boot)


def _full_auc(y: np.ndarray, s: np.ndarray) -> float:
    return float(_auc_matrix(y, s, np.ones((1, int((y == 1).sum()))), np.ones((1, int((y == 0).sum()))))[0])


def auc_by_group_ci(y_true, scores, groups, *, n_boot: int = 1000, confidence: float = 0.95,
                    random_state=0) -> pd.DataFrame:
    """ROC AUC in each group (e.g. week) with a stratified bootstrap interval, for one or more systems.

    Several systems scored on the same rows share the same resamples (one draw per group), which
    makes their intervals comparable and the call cheaper.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels; every group must hold both classes.
    scores : array-like of shape (n,) or dict
        One score vector, or a dict ``{system name: score vector}``.
    groups : array-like of shape (n,)
        Group label of each row (e.g. the week).
    n_boot : int, default 1000
        Resamples per group, ``>= 100``.
    confidence : float, default 0.95
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    pandas.DataFrame
        One row per system and group (groups in order of first appearance) with columns
        ``system`` (``"scores"`` for a single vector), ``group``, ``auc``, ``low``, ``high``
        and ``n``.
    """
    named = dict(scores) if isinstance(scores, dict) else {"scores": scores}
    if not named:
        raise ValueError("scores is an empty dict")
    names = [f"scores[{k!r}]" if isinstance(scores, dict) else "scores" for k in named]
    y, g, labels, arrays = _groups(y_true, groups, list(zip(names, named.values(), strict=True)))
    n_boot, confidence = _check_boot(n_boot, confidence)
    rng = rng_from(random_state)
    alpha = (1 - confidence) / 2
    rows = []
    for lab in labels:
        m = g == lab
        yy = y[m]
        w = _stratified_counts(rng, yy, n_boot)
        for name, s in zip(named, arrays, strict=True):
            low, high = np.quantile(_auc_matrix(yy, s[m], *w), [alpha, 1 - alpha])
            rows.append({"system": name, "group": lab, "auc": _full_auc(yy, s[m]),
                         "low": float(low), "high": float(high), "n": int(m.sum())})
    return pd.DataFrame(rows)


def bootstrap_mean_auc_diff_ci(y_true, model_scores, baseline_scores, groups, *, n_boot: int = 1000,
                               confidence: float = 0.95, random_state=0) -> BootstrapResult:
    """Paired bootstrap CI of the mean over groups of ``AUC(model) - AUC(baseline)``.

    Rows are resampled within each group and each class (a stratified bootstrap, so every
    resampled week has both classes); both systems are scored on the same resample, the AUC
    difference is computed in every group and averaged over groups. With a single group this is
    the CI of an AUC difference on one test set.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels; every group must hold both classes.
    model_scores, baseline_scores : array-like of shape (n,)
        Scores of the two systems on the same rows.
    groups : array-like of shape (n,)
        Group label of each row (e.g. the week).
    n_boot : int, default 1000
    confidence : float, default 0.95
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    BootstrapResult
        ``diff`` is the mean over groups of the per-group AUC difference.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> good, noise = y + rng.normal(size=400), rng.normal(size=400)
    >>> bootstrap_mean_auc_diff_ci(y, good, noise, np.repeat([1, 2], 200)).low > 0
    True
    """
    y, g, labels, (a, b) = _groups(y_true, groups, [("model_scores", model_scores),
                                                   ("baseline_scores", baseline_scores)])
    n_boot, confidence = _check_boot(n_boot, confidence)
    rng = rng_from(random_state)
    diffs, point = np.zeros(n_boot), 0.0
    for lab in labels:
        m = g == lab
        yy = y[m]
        w = _stratified_counts(rng, yy, n_boot)
        diffs += _auc_matrix(yy, a[m], *w) - _auc_matrix(yy, b[m], *w)
        point += _full_auc(yy, a[m]) - _full_auc(yy, b[m])
    diffs /= len(labels)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(diffs, [alpha, 1 - alpha])
    return BootstrapResult(point / len(labels), float(low), float(high), confidence, n_boot)


# ------------------------------------------------------------------------- retraining policies


@dataclass(frozen=True)
class RetrainTrigger:
    """Thresholds of the drift-triggered policy; a retrain fires when either is crossed.

    Attributes
    ----------
    psi_threshold : float or None
        Retrain when the largest PSI over the monitored features (this week against the
        current model's training data) exceeds it. None disables the input clause.
    auc_threshold : float or None
        Retrain when the current model's AUC on the newest labelled week falls below it.
        None disables the performance clause.
    """

    psi_threshold: float | None = None
    auc_threshold: float | None = None

    def __post_init__(self):
        if self.psi_threshold is None and self.auc_threshold is None:
            raise ValueError("a RetrainTrigger needs psi_threshold, auc_threshold or both")
        if self.psi_threshold is not None:
            check_positive_number(self.psi_threshold, "psi_threshold")
        if self.auc_threshold is not None:
            check_fraction(self.auc_threshold, "auc_threshold")


@dataclass
class PolicyResult:
    """What one retraining policy served and did, week by week.

    Attributes
    ----------
    policy : str
        ``"never"``, ``"weekly"`` or ``"trigger"``.
    scores : numpy.ndarray
        Score served for each row of a production week (NaN for the other rows).
    log : pandas.DataFrame
        One row per production week: ``model_version`` (the version that served the week),
        ``train_weeks`` (the weeks it was trained on), ``psi_max`` and ``psi_feature`` (largest
        input PSI against its training data), ``delayed_week`` and ``delayed_auc`` (its AUC on
        the newest labelled week, NaN before any production week is labelled), the alerts
        ``alert_psi`` and ``alert_auc`` (computed for every policy, with the trigger's
        thresholds when given), ``retrained`` (a new model was trained at the end of the week)
        and ``reason``.
    models : dict
        Every model the policy trained, by version (0 is the initial model).
    """

    policy: str
    scores: np.ndarray
    log: pd.DataFrame
    models: dict = field(repr=False)

    @property
    def n_retrains(self) -> int:
        """Number of retrains executed."""
        return int(self.log["retrained"].sum())

    @property
    def retrain_weeks(self) -> list:
        """Weeks at whose end a new model was trained."""
        return [int(w) for w in self.log.index[self.log["retrained"]]]


def _score(model, X):
    return model.predict_proba(X)[:, 1]


def simulate_policy(X, y, week, *, initial_model, initial_train_weeks, fit, policy: str,
                    label_delay: int = 2, window: int = 1, trigger: RetrainTrigger | None = None,
                    weeks=None, feature_names=None, bins: int = 10) -> PolicyResult:
    """Run one retraining policy over a weekly stream whose labels arrive late.

    For each production week ``t`` in order: the current model scores the week's rows; then, at
    the end of the week, the monitor computes the PSI of every feature of the week against the
    current model's training rows, and the current model's AUC on the newest labelled week
    ``t - label_delay``. The policy decides whether to retrain: ``"never"`` never,
    ``"weekly"`` every week, ``"trigger"`` when a clause of ``trigger`` fires. A retrain fits
    ``fit`` on the ``window`` newest labelled weeks (``t - label_delay - window + 1`` to
    ``t - label_delay``) and serves from week ``t + 1``; no retrain happens after the last
    week (it would serve nothing).

    Parameters
    ----------
    X : array-like of shape (n, d)
        Model features of every row (history and production weeks).
    y : array-like of shape (n,)
        Binary labels (only read for rows whose label has arrived).
    week : array-like of shape (n,)
        Integer week of each row.
    initial_model : object
        Fitted model with ``predict_proba``, serving the first production week.
    initial_train_weeks : sequence of int
        Weeks it was trained on (its rows are the first PSI reference).
    fit : callable
        ``fit(X, y) -> model`` (a new fitted object with ``predict_proba``).
    policy : {"never", "weekly", "trigger"}
    label_delay : int, default 2
        Weeks until a label arrives (``>= 0``).
    window : int, default 1
        Labelled weeks per retrain (``>= 1``).
    trigger : RetrainTrigger, optional
        Required for ``"trigger"``; with the other policies its thresholds only set the alerts.
    weeks : sequence of int, optional
        Production weeks, in order; default every week after the last initial training week.
    feature_names : sequence of str, optional
        Names of the columns of ``X``, for the log.
    bins : int, default 10
        Quantile bins of the PSI.

    Returns
    -------
    PolicyResult
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    Xa = np.asarray(X, dtype=float)
    if Xa.ndim != 2 or Xa.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {Xa.shape}")
    if not np.all(np.isfinite(Xa)):
        raise ValueError("X contains NaN or infinite values")
    yv = check_binary_labels(y, "y")
    wk = np.asarray(week)
    if wk.ndim != 1 or not np.issubdtype(wk.dtype, np.integer):
        raise TypeError("week must be a 1-D array of integers")
    check_same_length(Xa, yv, "X", "y")
    check_same_length(Xa, wk, "X", "week")
    if not callable(fit):
        raise TypeError(f"fit must be callable, got {type(fit).__name__}")
    if not hasattr(initial_model, "predict_proba"):
        raise TypeError("initial_model must have a predict_proba method")
    label_delay = check_positive_int(label_delay, "label_delay", minimum=0)
    window = check_positive_int(window, "window")
    if trigger is not None and not isinstance(trigger, RetrainTrigger):
        raise TypeError(f"trigger must be a RetrainTrigger, got {type(trigger).__name__}")
    if policy == "trigger" and trigger is None:
        raise ValueError("policy 'trigger' needs a trigger")
    train_weeks = [int(w) for w in initial_train_weeks]
    if not train_weeks or not np.isin(wk, train_weeks).any():
        raise ValueError("initial_train_weeks selects no row of week")
    weeks = list(range(max(train_weeks) + 1, int(wk.max()) + 1)) if weeks is None else [int(w) for w in weeks]
    if not weeks:
        raise ValueError("weeks is empty")
    names = [f"x{j}" for j in range(Xa.shape[1])] if feature_names is None else list(feature_names)
    if len(names) != Xa.shape[1]:
        raise ValueError(f"feature_names has {len(names)} names for {Xa.shape[1]} columns of X")

    model, version = initial_model, 0
    models = {0: initial_model}
    reference = Xa[np.isin(wk, train_weeks)]
    scores = np.full(yv.size, np.nan)
    rows = []
    for i, t in enumerate(weeks):
        cur = wk == t
        if not cur.any():
            raise ValueError(f"week {t} has no row")
        scores[cur] = _score(model, Xa[cur])
        psis = [population_stability_index(reference[:, j], Xa[cur, j], bins) for j in range(Xa.shape[1])]
        j_max = int(np.argmax(psis))
        lw = t - label_delay
        lab = wk == lw
        delayed = np.nan
        if lw >= weeks[0] and lab.any() and 0 < yv[lab].mean() < 1:
            delayed = weighted_auc(yv[lab], _score(model, Xa[lab]))
        alert_psi = bool(trigger is not None and trigger.psi_threshold is not None
                         and psis[j_max] > trigger.psi_threshold)
        alert_auc = bool(trigger is not None and trigger.auc_threshold is not None
                         and np.isfinite(delayed) and delayed < trigger.auc_threshold)
        if policy == "weekly":
            fire, reason = True, "schedule"
        elif policy == "trigger":
            fire = alert_psi or alert_auc
            reason = "+".join(r for r, a in (("psi", alert_psi), ("auc", alert_auc)) if a)
        else:
            fire, reason = False, ""
        retrained = fire and i < len(weeks) - 1
        rows.append({"week": t, "model_version": version, "train_weeks": ",".join(map(str, train_weeks)),
                     "psi_max": psis[j_max], "psi_feature": names[j_max], "delayed_week": lw,
                     "delayed_auc": delayed, "alert_psi": alert_psi, "alert_auc": alert_auc,
                     "retrained": retrained, "reason": reason if retrained else ""})
        if retrained:
            train_weeks = list(range(lw - window + 1, lw + 1))
            rows_fit = np.isin(wk, train_weeks)
            if not rows_fit.any():
                raise ValueError(f"no labelled row in weeks {train_weeks} to retrain on")
            model = fit(Xa[rows_fit], yv[rows_fit])
            version += 1
            models[version] = model
            reference = Xa[rows_fit]
    log = pd.DataFrame(rows).set_index("week")
    return PolicyResult(policy=policy, scores=scores, log=log, models=models)


# ------------------------------------------------------------------ training-serving skew check


def skew_report(batch: pd.DataFrame, online: pd.DataFrame, *, rtol: float = 1e-6,
                atol: float = 1e-9) -> pd.DataFrame:
    """Compare features computed by the batch pipeline and by the online path on the same requests.

    Row ``i`` of both frames must describe the same request (e.g. a sample of logged requests
    whose served features were logged, recomputed by the training pipeline).

    Parameters
    ----------
    batch, online : pandas.DataFrame
        The same numeric columns, same length.
    rtol, atol : float
        A value mismatches when ``|online - batch| > atol + rtol * |batch|`` (as in
        :func:`numpy.isclose`).

    Returns
    -------
    pandas.DataFrame
        One row per column, sorted by mismatch rate (largest first): ``feature``, ``n``,
        ``mismatch_rate`` and ``median_ratio`` (median of ``online / batch`` over the
        mismatched rows with a non-zero batch value; NaN when none: 1000 points at a
        milliseconds-for-seconds bug).

    Examples
    --------
    >>> b = pd.DataFrame({"dwell_s": [1.0, 2.0, 4.0, 8.0]})
    >>> r = skew_report(b, b.assign(dwell_s=[1.0, 2000.0, 4.0, 8000.0]))
    >>> float(r.loc[0, "mismatch_rate"]), float(r.loc[0, "median_ratio"])
    (0.5, 1000.0)
    """
    for name, frame in (("batch", batch), ("online", online)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
        if frame.empty:
            raise ValueError(f"{name} is empty")
    if list(batch.columns) != list(online.columns):
        raise ValueError("batch and online must have the same columns in the same order")
    check_same_length(batch, online, "batch", "online")
    rtol = check_positive_number(rtol, "rtol", allow_zero=True)
    atol = check_positive_number(atol, "atol", allow_zero=True)
    rows = []
    for col in batch.columns:
        b = as_1d_float(batch[col].to_numpy(), f"batch[{col!r}]")
        o = as_1d_float(online[col].to_numpy(), f"online[{col!r}]")
        bad = ~np.isclose(o, b, rtol=rtol, atol=atol)
        ratio_rows = bad & (b != 0)
        ratio = float(np.median(o[ratio_rows] / b[ratio_rows])) if ratio_rows.any() else np.nan
        rows.append({"feature": col, "n": int(b.size), "mismatch_rate": float(bad.mean()),
                     "median_ratio": ratio})
    report = pd.DataFrame(rows).sort_values("mismatch_rate", ascending=False, kind="stable")
    return report.reset_index(drop=True)


# --------------------------------------------------------------------------- streaming monitor


class StreamingPSI:
    """PSI of each feature against fixed reference bins, updated one request (or batch) at a time.

    The reference's quantile bins (:func:`utils.drift.bin_edges`) are computed once; each update
    adds the new values to running counts (one binary search per feature and value), and
    :meth:`psi` turns the counts into PSI per feature: the same value as
    :func:`utils.drift.population_stability_index` on all the values seen since the last reset.

    Parameters
    ----------
    reference : array-like of shape (n,) or (n, d)
        Reference sample (e.g. the training features), one column per feature.
    bins : int, default 10
    eps : float, default 1e-4
        Floor for an empty bin's proportion, as in :func:`utils.drift.population_stability_index`.

    Attributes
    ----------
    n_seen : int
        Values (rows) counted since the last reset.
    n_binned : int
        Values binned since creation, summed over features: the monitor's cost counter.
    """

    def __init__(self, reference, bins: int = 10, *, eps: float = 1e-4):
        ref = np.asarray(reference, dtype=float)
        if ref.ndim == 1:
            ref = ref[:, None]
        if ref.ndim != 2 or ref.shape[0] == 0:
            raise ValueError(f"reference must be a non-empty 1-D or 2-D array, got shape {ref.shape}")
        if not np.all(np.isfinite(ref)):
            raise ValueError("reference contains NaN or infinite values")
        self._eps = check_positive_number(eps, "eps")
        self._inner = [bin_edges(ref[:, j], bins)[1:-1] for j in range(ref.shape[1])]
        self._expected = []
        for j, inner in enumerate(self._inner):
            counts = np.bincount(np.searchsorted(inner, ref[:, j], side="right"), minlength=inner.size + 1)
            self._expected.append(np.maximum(counts / ref.shape[0], self._eps))
        self._counts = [np.zeros(inner.size + 1, dtype=np.int64) for inner in self._inner]
        self.n_seen = 0
        self.n_binned = 0

    @property
    def n_features(self) -> int:
        """Number of monitored features."""
        return len(self._inner)

    def update(self, values) -> None:
        """Count one row (shape (d,)) or a batch of rows (shape (m, d)).

        With a single monitored feature, a scalar is one value and a 1-D array a batch.

        Parameters
        ----------
        values : array-like of shape (d,) or (m, d)
        """
        v = np.atleast_1d(np.asarray(values, dtype=float))
        if v.ndim == 1:
            v = v[None, :] if self.n_features > 1 or v.size == 1 else v[:, None]
        if v.ndim != 2 or v.shape[1] != self.n_features:
            raise ValueError(f"values must have {self.n_features} features, got shape {np.shape(values)}")
        if not np.all(np.isfinite(v)):
            raise ValueError("values contains NaN or infinite values")
        for j, inner in enumerate(self._inner):
            self._counts[j] += np.bincount(np.searchsorted(inner, v[:, j], side="right"),
                                           minlength=inner.size + 1)
        self.n_seen += v.shape[0]
        self.n_binned += v.size

    def psi(self) -> np.ndarray:
        """PSI of each feature over the values seen since the last reset.

        Returns
        -------
        ndarray of shape (d,)
        """
        if self.n_seen == 0:
            raise ValueError("no value seen since the last reset: update first")
        out = np.empty(self.n_features)
        for j, (counts, pe) in enumerate(zip(self._counts, self._expected, strict=True)):
            pa = np.maximum(counts / self.n_seen, self._eps)
            out[j] = np.sum((pa - pe) * np.log(pa / pe))
        return out

    def reset(self) -> None:
        """Forget the counts (start a new monitoring window)."""
        for c in self._counts:
            c[:] = 0
        self.n_seen = 0


# ------------------------------------------------------------------------------ model registry


class ModelRegistry:
    """A tiny versioned model store: register immutable copies, promote one, roll back.

    Each registered model is pickled (so later changes to the Python object do not change the
    stored version) with a SHA-256 fingerprint, its metrics and a note. Exactly one version is
    in production at a time; :meth:`rollback` returns production to the version promoted before
    the current one. Every action is appended to ``events``.

    Attributes
    ----------
    events : list of dict
        The audit log: one dict per register, promote or rollback.
    """

    def __init__(self):
        self._blobs: dict[int, bytes] = {}
        self._meta: dict[int, dict] = {}
        self._promoted: list[int] = []
        self.events: list[dict] = []

    def register(self, model, *, metrics=None, note: str = "") -> int:
        """Store a copy of ``model``; return its new version number (1, 2, ...).

        Parameters
        ----------
        model : object
            Any picklable fitted model.
        metrics : dict, optional
            Offline metrics to keep with it (name -> number).
        note : str, default ""
            Free text (training data, reason for the retrain).

        Returns
        -------
        int
        """
        if metrics is not None and not isinstance(metrics, dict):
            raise TypeError(f"metrics must be a dict, got {type(metrics).__name__}")
        if not isinstance(note, str):
            raise TypeError(f"note must be a str, got {type(note).__name__}")
        blob = pickle.dumps(model)
        version = len(self._blobs) + 1
        self._blobs[version] = blob
        self._meta[version] = {"version": version, "sha256": hashlib.sha256(blob).hexdigest()[:12],
                               "note": note, **(metrics or {})}
        self.events.append({"action": "register", "version": version, "note": note})
        return version

    def _check_version(self, version) -> int:
        if isinstance(version, bool) or not isinstance(version, numbers.Integral):
            raise TypeError(f"version must be an integer, got {type(version).__name__}")
        if int(version) not in self._blobs:
            raise ValueError(f"version {version} is not registered (have {sorted(self._blobs)})")
        return int(version)

    def load(self, version: int):
        """A fresh copy of the stored model ``version``."""
        return pickle.loads(self._blobs[self._check_version(version)])

    def promote(self, version: int) -> None:
        """Put ``version`` in production."""
        version = self._check_version(version)
        self._promoted.append(version)
        self.events.append({"action": "promote", "version": version, "note": ""})

    @property
    def production(self) -> int:
        """The version in production."""
        if not self._promoted:
            raise ValueError("no version has been promoted yet")
        return self._promoted[-1]

    def rollback(self, note: str = "") -> int:
        """Return production to the previously promoted version; return that version.

        Parameters
        ----------
        note : str, default ""
            Why (kept in the audit log).

        Returns
        -------
        int
        """
        if len(self._promoted) < 2:
            raise ValueError("nothing to roll back to: fewer than two promotions")
        bad = self._promoted.pop()
        self.events.append({"action": "rollback", "version": self._promoted[-1],
                            "note": note or f"from {bad}"})
        return self._promoted[-1]

    def table(self) -> pd.DataFrame:
        """Every version with its fingerprint, note, metrics and whether it is in production."""
        if not self._meta:
            return pd.DataFrame(columns=["version", "sha256", "note", "in_production"]).set_index("version")
        frame = pd.DataFrame(list(self._meta.values())).set_index("version")
        frame["in_production"] = frame.index == (self._promoted[-1] if self._promoted else -1)
        return frame
