"""Point-in-time features: aggregates over a trailing time window that never look ahead.

A feature computed for an event at time ``t`` may use only what a server knew *before* ``t``.
Training on an aggregate that includes the event itself (or events logged at the same instant,
or later) is label leakage: offline metrics look great and the online model is worse.
:func:`window_aggregate` computes, for every event, an aggregate over the **strictly earlier**
events of the same key inside a trailing window::

    t - window <= t_j < t      (same key; never the event itself, never a simultaneous event)

It is the same window as pandas' ``groupby(key).rolling(window, on="ts", closed="left")``
(which it is tested against), without its pitfalls: the result comes back in input order (pandas
returns rows indexed by ``(key, ts)``), empty windows give 0 rather than NaN for counts and sums,
and ties in time are excluded explicitly.

Implementation: events are sorted by key then time; both window bounds of every event are found
with one :func:`numpy.searchsorted` on a combined ``(key, time rank)`` integer, so ``count``,
``sum`` and ``mean`` are vectorised (prefix sums). ``nunique`` sweeps the sorted events once with
two pointers (both window bounds only move forward), an ``O(n)`` Python loop.
"""
from __future__ import annotations

import numbers
from datetime import timedelta

import numpy as np
import pandas as pd

__all__ = ["window_aggregate", "AGGREGATIONS"]

#: The aggregations :func:`window_aggregate` accepts.
AGGREGATIONS = ("count", "sum", "mean", "nunique")


def _as_timestamps(timestamps) -> np.ndarray:
    """Datetimes as int64 nanoseconds since the epoch (UTC for tz-aware input)."""
    if isinstance(timestamps, (str, bytes, dict)):
        raise TypeError(f"timestamps must be an array of datetimes, got {type(timestamps).__name__}")
    arr = timestamps if isinstance(timestamps, (pd.Series, pd.Index)) else np.asarray(timestamps)
    if getattr(arr, "ndim", 1) != 1:
        raise ValueError(f"timestamps must be 1-D, got shape {np.shape(arr)}")
    if len(arr) == 0:
        raise ValueError("timestamps is empty")
    dtype = arr.dtype
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        raise TypeError("timestamps must be datetimes (datetime64 or pandas Timestamps), "
                        f"got numbers of dtype {dtype}: convert them with pd.to_datetime(..., unit=...)")
    try:
        idx = pd.DatetimeIndex(arr)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"timestamps must be datetimes ({exc})") from None
    if len(idx) == 0:
        raise ValueError("timestamps is empty")
    if idx.hasnans:
        raise ValueError("timestamps contains missing values (NaT)")
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    return idx.as_unit("ns").asi8


def _as_window(window) -> int:
    """The window length in nanoseconds (> 0)."""
    if isinstance(window, bool) or (isinstance(window, numbers.Number)
                                    and not isinstance(window, np.timedelta64)):
        raise TypeError("window must be a pandas offset string such as '24h' or a Timedelta, "
                        f"got the number {window!r}")
    if not isinstance(window, (str, timedelta, np.timedelta64)):  # pd.Timedelta is a timedelta
        raise TypeError(f"window must be an offset string or a Timedelta, got {type(window).__name__}")
    try:
        delta = pd.Timedelta(window)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"window {window!r} is not a fixed time span ({exc})") from None
    if pd.isna(delta) or delta <= pd.Timedelta(0):
        raise ValueError(f"window must be a positive time span, got {window!r}")
    return int(delta.value)


def _codes(values, name: str, n: int) -> np.ndarray:
    """Integer codes of hashable labels (a 1-D array, or a DataFrame for a compound key)."""
    if isinstance(values, (str, bytes, dict)):
        raise TypeError(f"{name} must be an array of labels, got {type(values).__name__}")
    if isinstance(values, pd.DataFrame):
        if values.shape[1] == 0:
            raise ValueError(f"{name} has no columns")
        if values.isna().to_numpy().any():
            raise ValueError(f"{name} contains missing values")
        codes = values.groupby(list(values.columns), sort=False).ngroup().to_numpy()
    else:
        arr = values if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
        if getattr(arr, "ndim", 1) != 1:
            raise ValueError(f"{name} must be 1-D (or a DataFrame for a compound key), "
                             f"got shape {np.shape(arr)}")
        codes, _ = pd.factorize(arr, use_na_sentinel=True)
        if np.any(codes < 0):
            raise ValueError(f"{name} contains missing values")
    if len(codes) != n:
        raise ValueError(f"timestamps and {name} have different lengths ({n} != {len(codes)})")
    return np.asarray(codes, dtype=np.int64)


def _window_bounds(t: np.ndarray, key: np.ndarray, window_ns: int):
    """Sort order and, in sorted order, the ``[lo, hi)`` positions of every event's window."""
    order = np.lexsort((t, key))  # by key, then time (stable: ties keep input order)
    t_sorted, key_sorted = t[order], key[order]
    times = np.unique(t_sorted)
    rank = np.searchsorted(times, t_sorted)                    # rank of t among distinct times
    rank_lo = np.searchsorted(times, t_sorted - window_ns)     # first distinct time >= t - window
    stride = np.int64(times.size + 1)
    combined = key_sorted * stride + rank                      # non-decreasing in sorted order
    lo = np.searchsorted(combined, key_sorted * stride + rank_lo, side="left")
    hi = np.searchsorted(combined, key_sorted * stride + rank, side="left")  # excludes ties at t
    return order, lo, hi


def _as_values(values, how: str, n: int, order: np.ndarray) -> np.ndarray:
    if values is None:
        raise ValueError(f"how={how!r} needs values")
    if how == "nunique":
        return _codes(values, "values", n)[order]
    if isinstance(values, (str, bytes, dict)):
        raise TypeError(f"values must be an array of numbers, got {type(values).__name__}")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"values must be an array of numbers for how={how!r} ({exc})") from None
    if arr.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {arr.shape}")
    if arr.size != n:
        raise ValueError(f"timestamps and values have different lengths ({n} != {arr.size})")
    if not np.all(np.isfinite(arr)):
        raise ValueError("values contains NaN or infinite values")
    return arr[order]


def _nunique_sweep(codes: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Distinct codes in ``codes[lo[i]:hi[i]]`` for bounds that never move backwards."""
    counts = np.zeros(int(codes.max()) + 1, dtype=np.int64)
    out = np.empty(lo.size, dtype=np.int64)
    distinct = left = right = 0
    codes_list, lo_list, hi_list = codes.tolist(), lo.tolist(), hi.tolist()
    for i in range(lo.size):
        while right < hi_list[i]:
            c = codes_list[right]
            counts[c] += 1
            distinct += counts[c] == 1
            right += 1
        while left < lo_list[i]:
            c = codes_list[left]
            counts[c] -= 1
            distinct -= counts[c] == 0
            left += 1
        out[i] = distinct
    return out


def window_aggregate(timestamps, keys, window, values=None, how: str = "count") -> np.ndarray:
    """Aggregate, for every event, the strictly earlier events of its key in a trailing window.

    For event ``i`` at time ``t`` with key ``k`` the window holds the events ``j`` with key ``k``
    and ``t - window <= t_j < t``: never event ``i`` itself and never an event at the same instant
    (whose outcome a server could not have known), so the feature is point-in-time correct.

    Parameters
    ----------
    timestamps : array-like of datetimes, shape (n,)
        Event times (``datetime64``, pandas Timestamps or ISO strings; tz-aware times are compared
        in UTC). Numbers are refused: their unit is ambiguous.
    keys : array-like of shape (n,) or DataFrame
        The entity each event belongs to (user id, ad id...). A DataFrame gives a compound key,
        e.g. ``df[["user", "ad"]]`` for user-ad pair counts.
    window : str or Timedelta
        Trailing window length, a fixed span: ``"24h"``, ``"7D"``, ``pd.Timedelta(minutes=30)``.
    values : array-like of shape (n,), optional
        What to aggregate: numbers for ``"sum"``/``"mean"`` (e.g. the click label), labels for
        ``"nunique"``. Not used by ``"count"`` (must then be None).
    how : {"count", "sum", "mean", "nunique"}, default "count"

    Returns
    -------
    numpy.ndarray of shape (n,), in input order
        int64 for ``"count"`` and ``"nunique"`` (0 for an empty window), float64 for ``"sum"``
        (0.0 for an empty window) and ``"mean"`` (NaN for an empty window).

    Raises
    ------
    TypeError
        Numeric timestamps, a numeric window, non-numeric values for sum/mean.
    ValueError
        Empty or mismatched inputs, missing values, a non-positive window, an unknown ``how``.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 01:00", "2024-01-01 01:00",
    ...                      "2024-01-01 02:30"])
    >>> window_aggregate(ts, ["a", "a", "a", "a"], "2h").tolist()
    [0, 1, 1, 2]
    >>> window_aggregate(ts, ["a", "b", "a", "a"], "2h", values=[1, 0, 0, 1], how="mean").tolist()
    [nan, nan, 1.0, 0.0]
    """
    if not isinstance(how, str) or how not in AGGREGATIONS:
        raise ValueError(f"how must be one of {AGGREGATIONS}, got {how!r}")
    t = _as_timestamps(timestamps)
    n = t.size
    key = _codes(keys, "keys", n)
    window_ns = _as_window(window)
    if how == "count" and values is not None:
        raise ValueError("values must be None for how='count' (use how='sum' to add them up)")
    order, lo, hi = _window_bounds(t, key, window_ns)
    if how == "count":
        result_sorted = (hi - lo).astype(np.int64)
    elif how == "nunique":
        result_sorted = _nunique_sweep(_as_values(values, how, n, order), lo, hi)
    else:
        v = _as_values(values, how, n, order)
        prefix = np.concatenate([[0.0], np.cumsum(v)])
        sums = prefix[hi] - prefix[lo]
        if how == "sum":
            result_sorted = sums
        else:
            count = hi - lo
            with np.errstate(invalid="ignore", divide="ignore"):
                result_sorted = np.where(count > 0, sums / np.maximum(count, 1), np.nan)
    result = np.empty_like(result_sorted)
    result[order] = result_sorted
    return result
