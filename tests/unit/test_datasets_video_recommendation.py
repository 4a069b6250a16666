"""Unit tests of ``utils.datasets.video_recommendation``: shapes, rates, exposure bias, determinism."""
import numpy as np
import pandas as pd
import pytest

from utils.datasets import VideoRecommendationData, make_video_recommendation_data, simulate_impressions


@pytest.fixture(scope="module")
def data():
    return make_video_recommendation_data(random_state=0)


def small(**kw):
    return make_video_recommendation_data(200, 300, impressions_per_user=20, n_relevant=10, **kw)


def test_shapes_and_types(data):
    assert isinstance(data, VideoRecommendationData)
    u, v, log = data.users, data.videos, data.impressions
    assert list(u.columns) == ["user_id", "age_band", "country"] and len(u) == 3000
    assert list(v.columns) == ["video_id", "genre", "popularity", "duration_min", "upload_day"]
    assert len(v) == 2000
    assert list(log.columns) == ["user_id", "video_id", "day", "watch_fraction", "liked", "engaged"]
    assert len(log) == 3000 * 60
    np.testing.assert_array_equal(u["user_id"], np.arange(3000))
    np.testing.assert_array_equal(v["video_id"], np.arange(2000))
    assert data.user_factors.shape == (3000, 8) and data.video_factors.shape == (2000, 8)
    assert data.genre_centres.shape == (10, 8) and data.video_bias.shape == (2000,)
    assert set(v["genre"]) == set(range(10)) and set(u["age_band"]) == set(range(4))
    assert set(u["country"]) == set(range(5))
    assert log["day"].between(0, 29).all() and log["day"].is_monotonic_increasing
    assert not log.duplicated(["user_id", "video_id"]).any()  # distinct videos per user
    assert np.isclose(v["popularity"].sum(), 1.0) and (v["popularity"] > 0).all()


def test_label_definition_and_rates(data):
    log = data.impressions
    np.testing.assert_array_equal(log["engaged"], log["liked"] | (log["watch_fraction"] >= 0.5))
    assert 0.25 < log["engaged"].mean() < 0.45
    assert 0.35 < log.loc[log["engaged"], "liked"].mean() < 0.45
    assert not log.loc[~log["engaged"], "liked"].any()
    assert log["watch_fraction"].between(0, 1).all()


def test_exposure_follows_popularity(data):
    top = data.videos["popularity"].nlargest(200).index
    shown_top = data.impressions["video_id"].isin(top).mean()
    assert shown_top > 0.5  # the top tenth of videos gets most impressions
    uniform = small(exposure_power=0.0, random_state=1)
    top_u = uniform.videos["popularity"].nlargest(30).index
    assert abs(uniform.impressions["video_id"].isin(top_u).mean() - 0.1) < 0.03


def test_engagement_follows_affinity(data):
    log = data.impressions
    aff = data.affinity(np.arange(len(data.users)))[log["user_id"].to_numpy(), log["video_id"].to_numpy()]
    p = 1 / (1 + np.exp(-aff))
    assert abs(p.mean() - log["engaged"].mean()) < 0.01
    assert log.loc[log["engaged"]].shape[0] and aff[log["engaged"].to_numpy()].mean() > aff.mean()


def test_demographics_predict_taste(data):
    # Users of the same age band and country are closer in taste than random pairs.
    uf, users = data.user_factors, data.users
    group = users.groupby(["age_band", "country"]).ngroup().to_numpy()
    centred = uf - np.array([uf[group == g].mean(axis=0) for g in group])
    assert (centred ** 2).sum(axis=1).mean() < 0.7 * ((uf - uf.mean(axis=0)) ** 2).sum(axis=1).mean()


def test_true_relevant(data):
    ids = np.array([0, 5, 9])
    seen = [set(data.impressions.loc[data.impressions["user_id"] == u, "video_id"]) for u in ids]
    rel = data.true_relevant(ids, seen)
    assert len(rel) == 3 and all(len(r) == data.n_relevant for r in rel)
    aff = data.affinity(ids)
    for i, (r, s) in enumerate(zip(rel, seen, strict=True)):
        assert not set(r) & s
        others = np.setdiff1d(np.setdiff1d(np.arange(2000), r), list(s))
        assert aff[i, r].min() >= aff[i, others].max()
    shifted = data.user_factors + 3 * data.genre_centres[0]
    moved = data.true_relevant(ids, user_factors=shifted)
    assert any(set(a) != set(b) for a, b in zip(moved, data.true_relevant(ids), strict=True))
    with pytest.raises(ValueError, match="seen"):
        data.true_relevant(ids, seen[:2])


def test_simulate_impressions():
    d = small(random_state=0)
    log = simulate_impressions(d, [0, 1, 2], (30, 34), 5, random_state=3)
    assert isinstance(log, pd.DataFrame) and len(log) == 15
    assert log["day"].between(30, 34).all()
    pd.testing.assert_frame_equal(log, simulate_impressions(d, [0, 1, 2], (30, 34), 5, random_state=3))
    with pytest.raises(ValueError, match="n_per_user"):
        simulate_impressions(d, [0], (0, 1), 10_000)
    with pytest.raises(ValueError, match="days"):
        simulate_impressions(d, [0], (5, 1), 5)
    with pytest.raises(TypeError, match="data"):
        simulate_impressions("x", [0], (0, 1), 5)


def test_determinism_and_seeds():
    a, b, c = small(random_state=5), small(random_state=5), small(random_state=6)
    pd.testing.assert_frame_equal(a.impressions, b.impressions)
    pd.testing.assert_frame_equal(a.videos, b.videos)
    np.testing.assert_array_equal(a.user_factors, b.user_factors)
    assert not a.impressions.equals(c.impressions)


@pytest.mark.parametrize("kwargs", [{"n_users": 1}, {"n_videos": 0}, {"dim": 0},
                                    {"impressions_per_user": 295}, {"zipf": -1.0}, {"n_genres": 0}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        make_video_recommendation_data(**{"n_users": 200, "n_videos": 300, "n_relevant": 10,
                                          "impressions_per_user": 20, **kwargs})
