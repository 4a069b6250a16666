"""Unit tests of ``utils.features.window_aggregate``: pandas reference, brute force, no look-ahead."""
import doctest
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import features
from utils.features import window_aggregate

T0 = pd.Timestamp("2024-01-01")


def _brute(ts, keys, window, values, how):
    """O(n^2) definition: events j with the same key and t_i - window <= t_j < t_i."""
    ts, keys = pd.DatetimeIndex(ts), np.asarray(keys)
    w = pd.Timedelta(window)
    out = []
    for i in range(len(ts)):
        mask = (keys == keys[i]) & (ts >= ts[i] - w) & (ts < ts[i])
        sel = np.asarray(values)[mask] if values is not None else None
        if how == "count":
            out.append(int(mask.sum()))
        elif how == "sum":
            out.append(float(sel.sum()))
        elif how == "mean":
            out.append(float(sel.mean()) if mask.any() else np.nan)
        else:
            out.append(len(set(sel.tolist())))
    return np.array(out)


def _pandas_reference(ts, keys, window, values, how):
    """pandas ``groupby().rolling(closed="left")``, made tie-safe.

    Events at the same (key, time) are first collapsed into one row holding their count and sum,
    so the rolling window over distinct times cannot see a simultaneous event; the result is then
    mapped back to every original row (pandas returns rows indexed by (key, ts), not input order).
    """
    df = pd.DataFrame({"ts": pd.DatetimeIndex(ts), "key": np.asarray(keys),
                       "v": np.ones(len(ts)) if values is None else np.asarray(values, float)})
    agg = df.groupby(["key", "ts"], as_index=False).agg(n=("v", "size"), s=("v", "sum"))
    agg = agg.sort_values(["key", "ts"]).reset_index(drop=True)
    rolled = (agg.groupby("key")[["ts", "n", "s"]]
              .rolling(window, on="ts", closed="left")[["n", "s"]].sum()
              .fillna(0.0))  # empty closed="left" windows are NaN in pandas
    # rolling keeps each group's rows in order; agg is sorted by key then ts, so positions align
    agg["n_win"] = rolled["n"].to_numpy()
    agg["s_win"] = rolled["s"].to_numpy()
    merged = df.merge(agg, on=["key", "ts"], how="left")
    if how == "count":
        return merged["n_win"].to_numpy().astype(int)
    if how == "sum":
        return merged["s_win"].to_numpy()
    return np.where(merged["n_win"] > 0, merged["s_win"] / merged["n_win"].clip(lower=1), np.nan)


def _events(rng, n=400, n_keys=7, span_minutes=600, step=5):
    minutes = rng.integers(0, span_minutes // step, n) * step  # coarse grid: many ties
    ts = T0 + pd.to_timedelta(minutes, unit="min")
    keys = rng.choice([f"k{i}" for i in range(n_keys)], n)
    values = rng.integers(0, 4, n).astype(float)
    return ts, keys, values


def test_docstring_examples():
    assert doctest.testmod(features).failed == 0


@pytest.mark.parametrize("how", ["count", "sum", "mean"])
@pytest.mark.parametrize("window", ["30min", "2h", pd.Timedelta(hours=5)])
def test_matches_pandas_rolling_closed_left(how, window):
    ts, keys, values = _events(np.random.default_rng(1))
    vals = None if how == "count" else values
    got = window_aggregate(ts, keys, window, values=vals, how=how)
    ref = _pandas_reference(ts, keys, window, vals, how)
    np.testing.assert_allclose(got, ref, equal_nan=True)


@pytest.mark.parametrize("how", ["count", "sum", "mean", "nunique"])
def test_matches_brute_force(how):
    ts, keys, values = _events(np.random.default_rng(2), n=300)
    vals = None if how == "count" else values
    got = window_aggregate(ts, keys, "90min", values=vals, how=how)
    np.testing.assert_allclose(got, _brute(ts, keys, "90min", vals, how), equal_nan=True)


def test_pandas_semantics_window_edges():
    """closed="left": an event exactly ``window`` earlier is in; the event itself is out."""
    ts = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 01:00", "2024-01-01 02:00"])
    got = window_aggregate(ts, [1, 1, 1], "1h")
    ref = pd.Series(1.0, index=ts).rolling("1h", closed="left").sum().fillna(0).to_numpy()
    assert got.tolist() == [0, 1, 1] == ref.astype(int).tolist()


def test_simultaneous_events_excluded():
    ts = pd.to_datetime(["2024-01-01 00:00"] * 3 + ["2024-01-01 00:10"])
    assert window_aggregate(ts, ["a"] * 4, "1h").tolist() == [0, 0, 0, 3]
    got = window_aggregate(ts, ["a"] * 4, "1h", values=[1, 0, 1, 5], how="mean")
    assert np.isnan(got[:3]).all() and got[3] == pytest.approx(2 / 3)


def test_input_order_kept_and_keys_independent():
    ts = pd.to_datetime(["2024-01-01 03:00", "2024-01-01 01:00", "2024-01-01 02:00", "2024-01-01 02:30"])
    keys = ["a", "a", "b", "a"]
    assert window_aggregate(ts, keys, "3h").tolist() == [2, 0, 0, 1]


def test_compound_key_dataframe():
    ts = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:05", "2024-01-01 00:10", "2024-01-01 00:20"])
    pairs = pd.DataFrame({"user": [1, 1, 2, 1], "ad": [7, 8, 7, 7]})
    assert window_aggregate(ts, pairs, "1h").tolist() == [0, 0, 0, 1]


def test_nunique_and_empty_windows():
    ts = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:05", "2024-01-01 00:06", "2024-01-01 00:07"])
    got = window_aggregate(ts, [0, 0, 0, 0], "10min", values=["x", "y", "x", "z"], how="nunique")
    assert got.tolist() == [0, 1, 2, 2]
    assert window_aggregate(ts[:1], [0], "1h", values=[3.0], how="sum").tolist() == [0.0]
    assert window_aggregate(ts, [0, 0, 0, 0], "1h").dtype == np.int64


def test_accepts_timedelta_and_tz_aware():
    ts = pd.date_range("2024-01-01", periods=4, freq="h", tz="Europe/Paris")
    assert window_aggregate(ts, [0] * 4, timedelta(hours=2)).tolist() == [0, 1, 2, 2]
    assert window_aggregate(ts.to_numpy(), [0] * 4, np.timedelta64(1, "h")).tolist() == [0, 1, 1, 1]


@pytest.mark.parametrize("kwargs, error, word", [
    (dict(timestamps=[1, 2, 3]), TypeError, "timestamps"),
    (dict(timestamps=[]), ValueError, "timestamps"),
    (dict(timestamps=pd.to_datetime(["2024-01-01", None, "2024-01-02"])), ValueError, "timestamps"),
    (dict(keys=[1, 2]), ValueError, "keys"),
    (dict(keys=[1, None, 2]), ValueError, "keys"),
    (dict(keys=np.zeros((3, 2))), ValueError, "keys"),
    (dict(window=3600), TypeError, "window"),
    (dict(window="-1h"), ValueError, "window"),
    (dict(window="1M"), ValueError, "window"),
    (dict(window=[1]), TypeError, "window"),
    (dict(how="median"), ValueError, "how"),
    (dict(how="sum"), ValueError, "values"),
    (dict(how="count", values=[1, 2, 3]), ValueError, "values"),
    (dict(how="mean", values=[1.0, np.nan, 2.0]), ValueError, "values"),
    (dict(how="mean", values=["a", "b", "c"]), TypeError, "values"),
    (dict(how="sum", values=[1.0, 2.0]), ValueError, "values"),
])
def test_bad_input_names_the_argument(kwargs, error, word):
    args = dict(timestamps=pd.date_range("2024-01-01", periods=3, freq="h"), keys=[0, 0, 1],
                window="2h")
    args.update(kwargs)
    with pytest.raises(error, match=word):
        window_aggregate(**args)


@settings(max_examples=60, deadline=None)
@given(minutes=st.lists(st.integers(0, 30), min_size=1, max_size=40), data=st.data(),
       window_min=st.integers(1, 15))
def test_never_sees_itself_a_simultaneous_or_a_later_event(minutes, data, window_min):
    """Give each event a unique power-of-two-like marker: the window sum reveals who was seen."""
    n = len(minutes)
    keys = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    ts = T0 + pd.to_timedelta(np.array(minutes), unit="min")
    window = pd.Timedelta(minutes=window_min)
    for i in range(n):
        marker = np.zeros(n)
        marker[i] = 1.0
        seen_by = window_aggregate(ts, keys, window, values=marker, how="sum") > 0
        # every event that saw event i is strictly later, same key, within the window
        later = (ts > ts[i]) & (ts - window <= ts[i]) & (np.asarray(keys) == keys[i])
        np.testing.assert_array_equal(seen_by, np.asarray(later))
    np.testing.assert_array_equal(window_aggregate(ts, keys, window),
                                  _brute(ts, keys, window, None, "count"))
