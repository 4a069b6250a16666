"""Unit tests of ``utils.datasets.ad_click``: the simulated ad impressions of chapter 08."""
import doctest

import numpy as np
import pandas as pd
import pytest

from utils.datasets import AD_DEVICES, AdClickData, ad_click, make_ad_click_data
from utils.features import window_aggregate

SMALL = dict(n_users=2_000, n_ads=400, n_advertisers=50)


@pytest.fixture(scope="module")
def data():
    return make_ad_click_data(30_000, **SMALL, random_state=0)


def test_docstring_examples():
    assert doctest.testmod(ad_click).failed == 0


def test_schema_and_ranges(data):
    assert isinstance(data, AdClickData) and len(data) == 30_000
    imp = data.impressions
    assert list(imp.columns) == ["ts", "day", "hour", "user", "segment", "device", "ad", "advertiser",
                                 "category", "bid", "clicked", "p_click"]
    assert imp["ts"].is_monotonic_increasing
    assert pd.api.types.is_datetime64_any_dtype(imp["ts"])
    assert imp["day"].between(0, 13).all() and imp["hour"].between(0, 23).all()
    assert np.array_equal(imp["hour"], imp["ts"].dt.hour)
    assert set(imp["device"]) <= set(AD_DEVICES)
    assert set(imp["clicked"].unique()) == {0, 1}
    assert imp["p_click"].between(0, 1).all()
    assert 0.01 < imp["clicked"].mean() < 0.08
    # tables are consistent with the log
    ads = data.ads.set_index("ad")
    assert np.array_equal(ads.loc[imp["ad"], "advertiser"], imp["advertiser"])
    assert np.array_equal(ads.loc[imp["ad"], "category"], imp["category"])
    assert (ads.loc[imp["ad"], "launch_day"].to_numpy() <= imp["day"].to_numpy()).all()  # only launched ads
    assert np.array_equal(data.users.set_index("user").loc[imp["user"], "segment"], imp["segment"])


def test_seeded_and_different_seeds_differ(data):
    again = make_ad_click_data(30_000, **SMALL, random_state=0)
    pd.testing.assert_frame_equal(data.impressions, again.impressions)
    other = make_ad_click_data(30_000, **SMALL, random_state=1)
    assert not data.impressions["clicked"].equals(other.impressions["clicked"])


def test_clicks_follow_p_click(data):
    imp = data.impressions
    # calibration of the truth: observed CTR per p_click decile matches the mean p_click
    deciles = pd.qcut(imp["p_click"], 5, labels=False)
    g = imp.groupby(deciles).agg(p=("p_click", "mean"), ctr=("clicked", "mean"), n=("clicked", "size"))
    se = np.sqrt(g["p"] * (1 - g["p"]) / g["n"])
    assert ((g["ctr"] - g["p"]).abs() < 4 * se).all()


def test_fatigue_lowers_click_probability():
    fresh = make_ad_click_data(30_000, **SMALL, fatigue=0.0, random_state=0).impressions
    tired = make_ad_click_data(30_000, **SMALL, fatigue=1.0, random_state=0).impressions
    views = window_aggregate(tired["ts"], tired[["user", "ad"]], "24h")
    assert (views > 0).mean() > 0.03                       # users do see the same ad again
    ratio = tired["p_click"] / fresh["p_click"]
    np.testing.assert_allclose(ratio[views == 0], 1.0)
    assert (ratio[views > 0] < 1).all()


def test_trending_category_launches_on_trend_day(data):
    imp = data.impressions
    trend = imp["category"] == data.trend_category
    assert not trend[imp["day"] < data.trend_day].any()
    share = trend[imp["day"] >= data.trend_day].mean()
    assert 0.05 < share < 0.15       # trend_share = 0.12 of the non-re-targeting draws
    week2 = imp["day"] >= data.trend_day
    assert imp.loc[trend, "clicked"].mean() > imp.loc[~trend & week2, "clicked"].mean()
    none = make_ad_click_data(5_000, **SMALL, trend_day=20, random_state=0)
    assert not (none.impressions["category"] == none.trend_category).any()


def test_affinity_is_a_cross():
    """With a strong affinity table, segment x category CTRs are not explained by the margins."""
    imp = make_ad_click_data(60_000, **SMALL, affinity_sigma=1.5, random_state=0).impressions
    logit = np.log(imp["p_click"] / (1 - imp["p_click"]))
    table = logit.groupby([imp["segment"], imp["category"]]).mean().unstack()
    resid = table.sub(table.mean(axis=1), axis=0).sub(table.mean(axis=0) - table.stack().mean(), axis=1)
    assert np.nanstd(resid.to_numpy()) > 0.8


@pytest.mark.parametrize("kwargs, error, word", [
    (dict(n_impressions=0), ValueError, "n_impressions"),
    (dict(n_impressions=1.5), TypeError, "n_impressions"),
    (dict(n_categories=1), ValueError, "n_categories"),
    (dict(n_advertisers=500, n_ads=100), ValueError, "n_advertisers"),
    (dict(fatigue=-1.0), ValueError, "fatigue"),
    (dict(trend_share=1.5), ValueError, "trend_share"),
    (dict(base_logit="x"), TypeError, "base_logit"),
    (dict(affinity_sigma=float("nan")), ValueError, "affinity_sigma"),
])
def test_bad_input_names_the_argument(kwargs, error, word):
    args = dict(n_impressions=1_000, n_users=200, n_ads=100, n_advertisers=20)
    args.update(kwargs)
    with pytest.raises(error, match=word):
        make_ad_click_data(**args)
