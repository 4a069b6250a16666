"""Explanations for compliance: reason codes of a linear model and surrogate-tree fidelity.

A declined payment or credit decision often needs a *reason* the customer can be told (an
"adverse action notice"; GDPR Art. 22 gives a right to meaningful information about automated
decisions). Two tools of chapter 12 live here:

* :func:`linear_contributions` and :func:`reason_codes`: for a logistic regression (including one
  on spline-expanded features, a generalised additive model), the logit of a decision minus the
  logit of a reference transaction is the sum of ``coef_j * (x_j - reference_j)`` over columns;
  summing the columns that come from one raw feature gives that feature's contribution, and the
  largest positive contributions are the decision's reason codes. The decomposition is exact.
* :func:`surrogate_fidelity`: a shallow tree trained to mimic a complex model's decisions is
  a readable summary only as far as it agrees with the model; this measures how far, on held-out
  data, with the statistics that matter when one class is rare (agreement alone is ~1 when
  almost nothing is flagged).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from ._validation import check_positive_int, check_same_length

__all__ = ["linear_contributions", "reason_codes", "FidelityReport", "surrogate_fidelity"]


def _as_2d(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 2-D array of numbers ({exc})") from None
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def linear_contributions(X, coef, reference, groups=None) -> pd.DataFrame:
    """Per-feature contributions to the logit of a linear model, relative to a reference.

    ``contribution[i, g] = sum over columns j in group g of coef[j] * (X[i, j] - reference[j])``,
    so each row sums to ``logit(X[i]) - logit(reference)`` exactly.

    Parameters
    ----------
    X : array-like of shape (n, d)
        The model's design matrix (after any scaling or spline expansion).
    coef : array-like of shape (d,)
        The linear model's coefficients on those columns.
    reference : array-like of shape (d,)
        The reference point, usually the mean design row of the training data.
    groups : sequence of length d, optional
        The raw feature each column comes from (e.g. the five spline columns of ``amount``);
        by default every column is its own feature, named ``x0``, ``x1``...

    Returns
    -------
    DataFrame
        Shape (n, number of groups), columns in order of first appearance in ``groups``.

    Examples
    --------
    >>> c = linear_contributions([[1.0, 2.0, 0.0]], [1.0, 1.0, -2.0], [0.0, 0.0, 0.0], ["a", "a", "b"])
    >>> c.to_dict("records")
    [{'a': 3.0, 'b': 0.0}]
    """
    X = _as_2d(X, "X")
    coef = np.asarray(coef, dtype=float).ravel()
    reference = np.asarray(reference, dtype=float).ravel()
    if coef.size != X.shape[1]:
        raise ValueError(f"coef has {coef.size} values, X has {X.shape[1]} columns")
    if reference.size != X.shape[1]:
        raise ValueError(f"reference has {reference.size} values, X has {X.shape[1]} columns")
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(reference))):
        raise ValueError("coef and reference must be finite")
    if groups is None:
        groups = [f"x{j}" for j in range(X.shape[1])]
    groups = list(groups)
    if len(groups) != X.shape[1]:
        raise ValueError(f"groups has {len(groups)} entries, X has {X.shape[1]} columns")
    names = list(dict.fromkeys(groups))
    index = np.array([names.index(g) for g in groups])
    per_column = (X - reference) * coef
    out = np.zeros((X.shape[0], len(names)))
    for g in range(len(names)):
        out[:, g] = per_column[:, index == g].sum(axis=1)
    return pd.DataFrame(out, columns=names)


def reason_codes(contributions, top: int = 3) -> pd.DataFrame:
    """The ``top`` features that raised each decision's score most, largest first.

    Only positive contributions are reasons (a feature that lowered the risk does not explain a
    decline); a decision with fewer than ``top`` positive contributions gets empty strings.

    Parameters
    ----------
    contributions : DataFrame
        One row per decision, one column per feature (from :func:`linear_contributions`).
    top : int, default 3

    Returns
    -------
    DataFrame
        Columns ``reason_1`` ... ``reason_<top>``, same index as ``contributions``.

    Examples
    --------
    >>> import pandas as pd
    >>> reason_codes(pd.DataFrame({"a": [0.5, -1.0], "b": [2.0, 0.1]}), top=2).to_dict("records")
    [{'reason_1': 'b', 'reason_2': 'a'}, {'reason_1': 'b', 'reason_2': ''}]
    """
    if not isinstance(contributions, pd.DataFrame):
        raise TypeError(f"contributions must be a DataFrame, got {type(contributions).__name__}")
    if contributions.empty:
        raise ValueError("contributions is empty")
    top = check_positive_int(top, "top")
    values = _as_2d(contributions.to_numpy(), "contributions")
    names = np.asarray([str(c) for c in contributions.columns], dtype=object)
    order = np.argsort(-values, axis=1, kind="stable")[:, :top]
    picked = np.take_along_axis(values, order, axis=1)
    labels = np.where(picked > 0, names[order], "")
    if labels.shape[1] < top:
        labels = np.hstack([labels, np.full((labels.shape[0], top - labels.shape[1]), "", dtype=object)])
    return pd.DataFrame(labels, index=contributions.index, columns=[f"reason_{k + 1}" for k in range(top)])


@dataclass(frozen=True)
class FidelityReport:
    """How well a surrogate's decisions reproduce a model's decisions.

    Attributes
    ----------
    agreement : float
        Share of cases where both decide the same.
    kappa : float
        Cohen's kappa: agreement corrected for chance (0 = chance, 1 = identical).
    flag_recall : float
        Share of the model's flags that the surrogate also flags.
    flag_precision : float
        Share of the surrogate's flags that the model also flags.
    """

    agreement: float
    kappa: float
    flag_recall: float
    flag_precision: float


def surrogate_fidelity(model_flags, surrogate_flags) -> FidelityReport:
    """Fidelity of a surrogate's binary decisions to the model's, on the same cases.

    Parameters
    ----------
    model_flags, surrogate_flags : array-like of shape (n,)
        Binary decisions (0/1 or bool) of the model and of its surrogate. The model must flag
        at least one case and the surrogate must flag at least one case.

    Returns
    -------
    FidelityReport

    Examples
    --------
    >>> r = surrogate_fidelity([1, 0, 0, 1], [1, 0, 1, 1])
    >>> r.agreement, r.flag_recall, round(r.flag_precision, 3)
    (0.75, 1.0, 0.667)
    """
    m = np.asarray(model_flags)
    s = np.asarray(surrogate_flags)
    for name, arr in (("model_flags", m), ("surrogate_flags", s)):
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array")
        if not np.all(np.isin(arr, (0, 1))):
            raise ValueError(f"{name} must hold binary decisions (0/1 or bool)")
    check_same_length(m, s, "model_flags", "surrogate_flags")
    m, s = m.astype(bool), s.astype(bool)
    if not m.any():
        raise ValueError("model_flags flags nothing: flag recall is undefined")
    if not s.any():
        raise ValueError("surrogate_flags flags nothing: flag precision is undefined")
    both = float((m & s).sum())
    kappa = float(cohen_kappa_score(m, s)) if (m != s).any() else 1.0
    return FidelityReport(agreement=float((m == s).mean()), kappa=kappa,
                          flag_recall=both / float(m.sum()), flag_precision=both / float(s.sum()))
