"""Unit tests of ``utils.datasets.similar_listings``: the simulated rental sessions of chapter 09."""
import doctest

import numpy as np
import pytest

from utils.datasets import similar_listings
from utils.datasets.similar_listings import ROOM_TYPES, SimilarListingsData, make_similar_listings_data

SMALL = dict(n_cities=3, n_days=10, n_test_days=2)


@pytest.fixture(scope="module")
def data():
    return make_similar_listings_data(600, 3_000, new_share=0.1, new_city_day=10, new_city_listings=60,
                                      new_city_sessions=200, **SMALL, random_state=0)


def test_docstring_examples():
    assert doctest.testmod(similar_listings).failed == 0


def test_schema_and_ranges(data):
    assert isinstance(data, SimilarListingsData) and len(data) == 3_000 + 2 * 200
    lst, clk, ses = data.listings, data.clicks, data.sessions
    assert list(lst.columns) == ["listing", "city", "room_type", "price", "log_price", "quality",
                                 "launch_day"]
    assert list(clk.columns) == ["session", "day", "city", "position", "listing", "booked"]
    assert list(ses.columns) == ["session", "day", "city", "n_clicks", "booked_listing"]
    assert len(lst) == 600 + 60 and data.style.shape == (660, 8)
    assert np.allclose(np.linalg.norm(data.style, axis=1), 1)
    assert set(lst["room_type"]) <= set(range(len(ROOM_TYPES)))
    assert (lst["price"] > 0).all()
    assert data.new_city == 3 and (lst.loc[lst["city"] == 3, "launch_day"] == 10).all()
    assert ses["n_clicks"].between(5, 10).all()
    assert np.array_equal(clk.groupby("session").size().to_numpy(), ses["n_clicks"].to_numpy())


def test_sessions_are_consistent(data):
    lst, clk, ses = data.listings.set_index("listing"), data.clicks, data.sessions
    # clicks stay in the session's city, only on launched listings, never twice in a session
    assert np.array_equal(lst.loc[clk["listing"], "city"].to_numpy(), clk["city"].to_numpy())
    assert (lst.loc[clk["listing"], "launch_day"].to_numpy() <= clk["day"].to_numpy()).all()
    assert not clk.duplicated(["session", "listing"]).any()
    assert (clk.groupby("session")["position"].apply(lambda p: list(p) == list(range(len(p))))).all()
    # a booking is the last click of its session, and the sessions table agrees
    booked = clk[clk["booked"] == 1]
    last = clk.groupby("session")["position"].max()
    assert (booked["position"].to_numpy() == last.loc[booked["session"]].to_numpy()).all()
    has = ses["booked_listing"] >= 0
    assert np.array_equal(ses.loc[has, "session"].to_numpy(), booked["session"].to_numpy())
    assert np.array_equal(ses.loc[has, "booked_listing"].to_numpy(), booked["listing"].to_numpy())
    assert 0.5 < has.mean() < 0.7
    # the new city is searched only from its launch day
    assert (ses.loc[ses["city"] == data.new_city, "day"] >= 10).all()


def test_hidden_style_drives_co_clicks(data):
    # adjacent clicks share more style than random pairs of the same city
    clk = data.clicks
    same = clk["session"].to_numpy()[1:] == clk["session"].to_numpy()[:-1]
    a, b = clk["listing"].to_numpy()[:-1][same], clk["listing"].to_numpy()[1:][same]
    adjacent = (data.style[a] * data.style[b]).sum(1).mean()
    rng = np.random.default_rng(0)
    city = data.listings["city"].to_numpy()
    r = rng.permutation(b)
    r_same = city[a] == city[r]
    random_pairs = (data.style[a[r_same]] * data.style[r[r_same]]).sum(1).mean()
    assert adjacent > random_pairs + 0.2


def test_seeded():
    a = make_similar_listings_data(200, 300, **SMALL, random_state=3)
    b = make_similar_listings_data(200, 300, **SMALL, random_state=3)
    c = make_similar_listings_data(200, 300, **SMALL, random_state=4)
    assert a.clicks.equals(b.clicks) and a.listings.equals(b.listings)
    assert not a.clicks.equals(c.clicks)
    assert a.new_city == -1 and a.new_city_day == 10


@pytest.mark.parametrize("kwargs, error", [
    ({"n_listings": 10}, ValueError),
    ({"n_sessions": 0}, ValueError),
    ({"n_test_days": 10}, ValueError),
    ({"p_book": 0.0}, ValueError),
    ({"style_weight": -1.0}, ValueError),
    ({"n_results": 5}, ValueError),
    ({"new_share": 0.9}, ValueError),
    ({"n_cities": 2.5}, TypeError),
])
def test_validation(kwargs, error):
    args = dict(n_listings=200, n_sessions=100, **SMALL) | kwargs
    with pytest.raises(error):
        make_similar_listings_data(**args)
