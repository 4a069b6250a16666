"""Unit tests of ``utils.datasets.event_recommendation``: shapes, rates, the story, determinism."""
import numpy as np
import pandas as pd
import pytest

from utils.datasets import CATEGORIES, EventRecommendationData, make_event_recommendation_data


def small(**kw):
    kw.setdefault("random_state", 0)
    return make_event_recommendation_data(400, n_events=300, n_days=20, n_hosts=30, lists_per_day=60,
                                          trend_day=12, supply_lag=3, **kw)


@pytest.fixture(scope="module")
def data():
    return small()


def test_shapes_types_and_columns(data):
    assert isinstance(data, EventRecommendationData)
    u, e, f, imp = data.users, data.events, data.friendships, data.impressions
    assert list(u.columns) == ["user_id", "city", "x_km", "y_km", "budget"]
    assert list(e.columns) == ["event_id", "city", "x_km", "y_km", "category", "price", "capacity", "host_id",
                               "list_day", "event_day"]
    assert list(imp.columns) == ["list_id", "user_id", "event_id", "day", "ts", "registered"]
    assert list(f.columns) == ["user_id", "friend_id"]
    assert len(u) == 400 and len(e) == 300
    np.testing.assert_array_equal(u["user_id"], np.arange(400))
    np.testing.assert_array_equal(e["event_id"], np.arange(300))
    assert isinstance(e["category"].dtype, pd.CategoricalDtype)
    assert list(e["category"].cat.categories) == list(CATEGORIES)
    assert data.taste.shape == (400, len(CATEGORIES))
    assert set(imp["registered"].unique()) <= {0, 1}
    # at most list_size rows per list, all rows of a list share user, day and ts
    per_list = imp.groupby("list_id").agg(n=("event_id", "size"), users=("user_id", "nunique"),
                                          ts=("ts", "nunique"), days=("day", "nunique"))
    assert per_list["n"].max() <= 10
    assert (per_list[["users", "ts", "days"]] == 1).all().all()
    assert imp["ts"].is_monotonic_increasing
    assert ((imp["ts"] >= imp["day"]) & (imp["ts"] < imp["day"] + 1)).all()


def test_friendships_are_symmetric_and_within_a_city(data):
    f, city = data.friendships, data.users["city"].to_numpy()
    pairs = set(zip(f["user_id"], f["friend_id"], strict=True))
    assert all((b, a) in pairs for a, b in pairs)
    assert (f["user_id"] != f["friend_id"]).all()
    assert (city[f["user_id"]] == city[f["friend_id"]]).all()
    assert f.groupby("user_id").size().min() >= 6


def test_the_event_filter_holds_in_the_log(data):
    imp = data.impressions.merge(data.events, on="event_id", suffixes=("", "_event"))
    city = data.users["city"].to_numpy()
    assert (imp["city"] == city[imp["user_id"]]).all()
    assert (imp["list_day"] <= imp["day"]).all() and (imp["event_day"] > imp["day"]).all()
    # nobody registers twice for the same event, and nobody is shown an event already booked
    regs = data.impressions[data.impressions["registered"] == 1]
    assert not regs.duplicated(["user_id", "event_id"]).any()
    first_reg = regs.groupby(["user_id", "event_id"])["day"].min().rename("reg_day").reset_index()
    later = data.impressions.merge(first_reg, on=["user_id", "event_id"])
    assert (later["day"] <= later["reg_day"]).all()
    # capacity: registrations never exceed it by more than one day's worth
    n_regs = regs.groupby("event_id").size()
    cap = data.events.set_index("event_id")["capacity"]
    assert (n_regs <= cap.loc[n_regs.index] + 10).all()


def test_rates_and_structure():
    d = make_event_recommendation_data(random_state=0)
    imp = d.impressions.merge(d.events[["event_id", "category", "x_km", "y_km"]], on="event_id")
    before = imp[imp["day"] < d.trend_day]
    after = imp[imp["day"] >= d.trend_day + d.supply_lag]
    assert 0.04 < before["registered"].mean() < 0.09
    assert len(d.impressions) == 60 * 300 * 10
    # the outdoor trend: taste first (registration rate), then supply (share of impressions)
    out_before = before.loc[before["category"] == "outdoor", "registered"].mean()
    out_after = imp.loc[(imp["day"] >= d.trend_day) & (imp["category"] == "outdoor"), "registered"].mean()
    assert out_after > 2 * out_before
    assert (after["category"] == "outdoor").mean() > (before["category"] == "outdoor").mean() + 0.1
    # nearer events are registered more often
    home = d.users[["x_km", "y_km"]].to_numpy()[before["user_id"]]
    dist = np.hypot(home[:, 0] - before["x_km"], home[:, 1] - before["y_km"])
    near = dist < np.median(dist)
    assert before.loc[near, "registered"].mean() > 1.5 * before.loc[~near, "registered"].mean()


def test_deterministic_and_seed_dependent():
    a, b, c = small(random_state=3), small(random_state=3), small(random_state=4)
    pd.testing.assert_frame_equal(a.impressions, b.impressions)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.friendships, b.friendships)
    assert not a.impressions["registered"].equals(c.impressions["registered"])


def test_no_trend_when_boost_is_zero():
    d = small(trend_boost=0.0, trend_supply_share=0.0)
    cats = d.events.loc[d.events["list_day"] >= 15, "category"]
    assert (cats != "outdoor").all()


@pytest.mark.parametrize("kw, exc", [
    ({"n_users": 5}, ValueError),
    ({"n_users": 2.5}, TypeError),
    ({"n_events": 0}, ValueError),
    ({"list_size": 0}, ValueError),
    ({"lists_per_day": 5000}, ValueError),
    ({"n_hosts": 5000}, ValueError),
    ({"trend_boost": -1.0}, ValueError),
    ({"trend_supply_share": 1.5}, ValueError),
    ({"base_logit": float("nan")}, ValueError),
])
def test_bad_input(kw, exc):
    with pytest.raises(exc):
        make_event_recommendation_data(**kw)
