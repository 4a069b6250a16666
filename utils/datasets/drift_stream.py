"""Order-return stream of chapter 13: weekly orders with covariate shift, concept drift and late labels.

Generative story of :func:`make_drift_stream` (every draw from one seeded generator):

1. **Weeks.** ``n_history_weeks`` weeks of history (numbered ``-(n_history_weeks - 1)`` to 0)
   precede a stream of ``n_weeks`` production weeks (1 to ``n_weeks``), each with
   ``n_per_week`` orders at uniformly random times within the week.
2. **Latent signals.** Each order has seven standard-normal signals ``z`` with a mild common
   correlation (0.2). They are mapped to the logged columns, in real units::

       price            = exp(3.5 + 0.6 z0)             (currency)
       discount         = 0.5 * sigmoid(z1 - 0.5)       (fraction of the list price)
       tenure_days      = exp(5.0 + 1.0 z2)             (customer age)
       past_return_rate = sigmoid(-1.5 + 0.8 z3)        (the customer's earlier returns)
       shipping_km      = exp(4.0 + 0.7 z4)
       size_fit         = sigmoid(z5)                   (fit confidence of the size advisor)
       dwell_ms         = round(1000 * exp(4.0 + 0.8 z6))  (time on the product page, in ms)

   ``dwell_ms`` is logged in **milliseconds**, as a client sends it: a pipeline that forgets to
   divide by 1000 has the unit bug of the chapter's training-serving skew check.
3. **Return.** ``P(returned) = sigmoid(base_logit + coef . z)``: logistic in the latent signals
   (a logistic regression on the right transforms of the logged columns is nearly, not exactly,
   well specified: ``discount`` is a squashed signal).
4. **Covariate shift** from ``covariate_week`` on: a marketing campaign brings new customers and
   deeper discounts, so the means of ``z2`` (tenure) and ``z1`` (discount) move by
   ``-covariate_shift`` and ``+covariate_shift`` standard deviations. ``P(returned | z)`` does
   not change: the model stays right, its inputs drift.
5. **Concept drift** from ``concept_week`` on: a free-returns policy changes *why* people return.
   The coefficients move from ``COEF_BEFORE`` to ``COEF_AFTER`` (price and discount matter
   more, the size advisor and the customer's history less) while the distribution of ``z`` is
   unchanged: no input statistic can see it, only labels can.
6. **Late labels.** An order's return is known once the return window closes:
   ``label_week = week + label_delay``. A system at the end of week ``t`` knows the labels of the
   weeks ``<= t - label_delay``.

The true return probability of every order (``p_return``) is returned, so a chapter can compare a
model with the best achievable ranking.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_positive_int, check_positive_number, rng_from

__all__ = ["DriftStream", "make_drift_stream", "STREAM_COLUMNS", "COEF_BEFORE", "COEF_AFTER"]

#: The logged order columns, in the order of the latent signals z0..z6.
STREAM_COLUMNS = ("price", "discount", "tenure_days", "past_return_rate", "shipping_km", "size_fit",
                  "dwell_ms")

#: Return-logit coefficients of z0..z6 before the concept drift.
COEF_BEFORE = np.array([0.3, 0.2, -0.5, 0.9, 0.2, -0.9, -0.5])
#: Return-logit coefficients of z0..z6 from the concept drift on (free returns).
COEF_AFTER = np.array([0.9, 0.8, -0.5, 0.2, 0.2, -0.1, -0.5])

_SECONDS_PER_WEEK = 7 * 86_400


@dataclass
class DriftStream:
    """Orders of the history and the production weeks.

    Attributes
    ----------
    orders : pandas.DataFrame
        One row per order, sorted by time: ``ts`` (datetime64), ``week``, the columns of
        ``STREAM_COLUMNS``, ``returned`` (0/1), ``p_return`` (the true probability, unknown to a
        real system) and ``label_week`` (the week at whose end the label is known).
    covariate_week : int
        First week of the covariate shift.
    concept_week : int
        First week of the concept drift.
    label_delay : int
        Weeks between an order and its label.
    """

    orders: pd.DataFrame
    covariate_week: int
    concept_week: int
    label_delay: int

    def __len__(self) -> int:
        return len(self.orders)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def make_drift_stream(n_per_week: int = 2_000, *, n_weeks: int = 12, n_history_weeks: int = 5,
                      covariate_week: int = 4, concept_week: int = 7, label_delay: int = 2,
                      covariate_shift: float = 1.0, base_logit: float = -1.2,
                      random_state=0) -> DriftStream:
    """Simulate weekly orders with a covariate shift, a concept drift and late labels.

    See the module docstring for the generative story.

    Parameters
    ----------
    n_per_week : int, default 2_000
        Orders per week.
    n_weeks : int, default 12
        Production weeks, numbered 1 to ``n_weeks``.
    n_history_weeks : int, default 5
        Weeks before production, numbered ``-(n_history_weeks - 1)`` to 0.
    covariate_week : int, default 4
        First production week of the covariate shift; ``> n_weeks`` means none.
    concept_week : int, default 7
        First production week of the concept drift; ``> n_weeks`` means none.
    label_delay : int, default 2
        Weeks until an order's label is known (``>= 0``).
    covariate_shift : float, default 1.0
        Mean shift of the tenure and discount signals, in standard deviations (``>= 0``).
    base_logit : float, default -1.2
        Intercept of the return logit (about 30% of orders are returned).
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    DriftStream

    Examples
    --------
    >>> s = make_drift_stream(200, n_weeks=3, n_history_weeks=1, random_state=0)
    >>> len(s), sorted(s.orders["week"].unique().tolist())
    (800, [0, 1, 2, 3])
    """
    n_per_week = check_positive_int(n_per_week, "n_per_week", minimum=10)
    n_weeks = check_positive_int(n_weeks, "n_weeks")
    n_history_weeks = check_positive_int(n_history_weeks, "n_history_weeks")
    covariate_week = check_positive_int(covariate_week, "covariate_week")
    concept_week = check_positive_int(concept_week, "concept_week")
    label_delay = check_positive_int(label_delay, "label_delay", minimum=0)
    covariate_shift = check_positive_number(covariate_shift, "covariate_shift", allow_zero=True)
    if (isinstance(base_logit, bool) or not isinstance(base_logit, (int, float))
            or not np.isfinite(base_logit)):
        raise TypeError(f"base_logit must be a finite number, got {base_logit!r}")
    rng = rng_from(random_state)

    weeks = np.arange(-(n_history_weeks - 1), n_weeks + 1)
    week = np.repeat(weeks, n_per_week)
    n = week.size
    d = len(STREAM_COLUMNS)
    cov = np.full((d, d), 0.2) + 0.8 * np.eye(d)
    z = rng.multivariate_normal(np.zeros(d), cov, size=n, method="cholesky")
    shifted = week >= covariate_week
    z[shifted, 2] -= covariate_shift
    z[shifted, 1] += covariate_shift
    coef = np.where((week >= concept_week)[:, None], COEF_AFTER, COEF_BEFORE)
    p = _sigmoid(base_logit + np.sum(coef * z, axis=1))
    returned = (rng.random(n) < p).astype(int)
    seconds = (week - weeks[0]) * _SECONDS_PER_WEEK + rng.integers(0, _SECONDS_PER_WEEK, size=n)
    ts = pd.Timestamp("2026-01-05") + pd.to_timedelta(seconds - n_history_weeks * _SECONDS_PER_WEEK, unit="s")

    orders = pd.DataFrame({
        "ts": ts,
        "week": week,
        "price": np.exp(3.5 + 0.6 * z[:, 0]),
        "discount": 0.5 * _sigmoid(z[:, 1] - 0.5),
        "tenure_days": np.exp(5.0 + 1.0 * z[:, 2]),
        "past_return_rate": _sigmoid(-1.5 + 0.8 * z[:, 3]),
        "shipping_km": np.exp(4.0 + 0.7 * z[:, 4]),
        "size_fit": _sigmoid(z[:, 5]),
        "dwell_ms": np.round(1000 * np.exp(4.0 + 0.8 * z[:, 6])).astype(np.int64),
        "returned": returned,
        "p_return": p,
        "label_week": week + label_delay,
    })
    orders = orders.sort_values("ts", kind="stable").reset_index(drop=True)
    return DriftStream(orders=orders, covariate_week=covariate_week, concept_week=concept_week,
                       label_delay=label_delay)
