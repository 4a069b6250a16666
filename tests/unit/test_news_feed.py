"""Unit tests of ``utils.datasets.news_feed``: the simulated feed impressions of chapter 10."""
import doctest

import numpy as np
import pandas as pd
import pytest

from utils.datasets import news_feed
from utils.datasets.news_feed import ENGAGEMENT_TASKS, MEDIA_TYPES, NewsFeedData, make_news_feed_data

SMALL = dict(n_authors=120, n_posts=5_000, n_days=6, drift_day=4)


@pytest.fixture(scope="module")
def data():
    return make_news_feed_data(600, **SMALL, random_state=0)


def test_docstring_examples():
    assert doctest.testmod(news_feed).failed == 0


def test_schema_and_ranges(data):
    assert isinstance(data, NewsFeedData) and len(data) == len(data.impressions) > 0
    imp = data.impressions
    assert list(imp.columns) == ["session", "user", "day", "t_hours", "bucket", "position", "post", "author",
                                 "topic", "media", "age_h", "reactions", "interactions", *ENGAGEMENT_TASKS,
                                 "dwell_s"]
    assert imp["t_hours"].is_monotonic_increasing
    assert imp["day"].between(0, 5).all() and np.array_equal(imp["day"], (imp["t_hours"] // 24).astype(int))
    assert set(imp["bucket"]) == {"chrono", "shuffle"}
    assert imp["media"].between(0, len(MEDIA_TYPES) - 1).all()
    assert (imp["age_h"] > 0).all() and (imp["age_h"] <= 48).all()          # the 48-hour window
    assert (imp["reactions"] >= 0).all() and (imp["interactions"] >= 0).all()
    for task in ENGAGEMENT_TASKS:
        assert set(imp[task].unique()) <= {0, 1}
    assert ((imp["dwell_s"] > 0) == (imp["click"] == 1)).all()             # dwell only with a click
    # tables agree with the log
    posts = data.posts.set_index("post")
    assert np.array_equal(posts.loc[imp["post"], "author"], imp["author"])
    assert np.array_equal(posts.loc[imp["post"], "topic"], imp["topic"])
    assert np.allclose(imp["t_hours"] - posts.loc[imp["post"], "created_h"].to_numpy(), imp["age_h"])
    edges = set(zip(data.follows["user"], data.follows["author"], strict=True))
    assert all(e in edges for e in zip(imp["user"], imp["author"], strict=True))   # only followed authors
    assert data.topic_history.shape[0] == data.media_history.shape[0] == 600


def test_sessions_never_repeat_a_post_and_positions_count_from_one(data):
    imp = data.impressions
    assert not imp.duplicated(["user", "post"]).any()                      # never shown twice
    first = imp.groupby("session")["position"].agg(["min", "max", "size"])
    assert (first["min"] == 1).all() and (first["max"] == first["size"]).all()


def test_chrono_bucket_is_newest_first(data):
    imp = data.impressions[data.impressions["bucket"] == "chrono"]
    assert (imp.groupby("session")["age_h"].apply(lambda a: a.is_monotonic_increasing)).all()


def test_seeded_and_different_seeds_differ(data):
    again = make_news_feed_data(600, **SMALL, random_state=0)
    pd.testing.assert_frame_equal(data.impressions, again.impressions)
    other = make_news_feed_data(600, **SMALL, random_state=1)
    assert not data.impressions["post"].equals(other.impressions["post"])


def test_position_bias_in_the_randomised_bucket():
    imp = make_news_feed_data(1_500, n_authors=200, n_posts=8_000, n_days=4, random_state=1).impressions
    shuffled = imp[imp["bucket"] == "shuffle"]
    top = shuffled.loc[shuffled["position"] <= 3, "click"].mean()
    bottom = shuffled.loc[shuffled["position"] >= 15, "click"].mean()
    assert top > 2 * bottom                     # examination 1 vs <= 1/4.5: a strong position effect


def test_drift_raises_video_share():
    d = make_news_feed_data(800, n_authors=150, n_posts=8_000, n_days=6, drift_day=3, random_state=2)
    posts = d.posts
    before = (posts.loc[posts["created_h"] < 72, "media"] == 2).mean()
    after = (posts.loc[posts["created_h"] >= 72, "media"] == 2).mean()
    assert before < 0.3 < 0.38 < after


@pytest.mark.parametrize("kwargs, exc", [
    ({"n_users": 1}, ValueError), ({"follows_per_user": 500}, ValueError),
    ({"shuffle_share": 1.5}, ValueError), ({"fade_topic": 15}, ValueError),
    ({"age_decay": -1.0}, ValueError), ({"slate_size": 2.5}, TypeError),
])
def test_bad_arguments(kwargs, exc):
    args = {"n_users": 50, "n_authors": 40, "n_posts": 500, "n_days": 2} | kwargs
    with pytest.raises(exc):
        make_news_feed_data(**args)
