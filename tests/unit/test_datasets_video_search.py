"""Unit tests of ``utils.datasets.video_search``: shapes, rates, the synonym gap, determinism."""
import numpy as np
import pandas as pd
import pytest

from utils.datasets import VideoSearchData, make_video_search_data


@pytest.fixture(scope="module")
def data():
    return make_video_search_data(random_state=0)


def small(**kw):
    return make_video_search_data(600, n_topics=4, n_train=300, n_valid=100, n_test=200, **kw)


def test_shapes_types_and_splits(data):
    assert isinstance(data, VideoSearchData)
    v, q = data.videos, data.queries
    assert isinstance(v, pd.DataFrame) and v.shape[0] == 5000
    assert list(v.columns) == ["video_id", "topic", "subtopic", "title", "has_text", "popularity"]
    np.testing.assert_array_equal(v["video_id"], np.arange(5000))
    assert data.visual.shape == (5000, 32) and data.visual.dtype == np.float32
    assert q["split"].value_counts().to_dict() == {"train": 5000, "test": 2000, "valid": 1000}
    assert data.n_subtopics_total == 100 == len(data.subtopic_words)
    assert len(data.topic_words) == 20
    assert set(v["subtopic"]) == set(range(100))
    np.testing.assert_array_equal(v["topic"], v["subtopic"] // 5)
    np.testing.assert_array_equal(q["topic"], q["subtopic"] // 5)
    assert (v["popularity"] > 0).all()
    assert q["text"].str.split().map(len).eq(3).all()


def test_label_rates(data):
    q, v = data.queries, data.videos
    assert abs((q["kind"] == "synonym").mean() - 0.3) < 0.03
    assert set(q["kind"]) == {"exact", "synonym"}
    assert abs((~v["has_text"]).mean() - 0.15) < 0.02
    assert (v.loc[~v["has_text"], "title"] == "").all()
    assert v.loc[v["has_text"], "title"].str.split().map(len).eq(8).all()
    # subtopics are drawn uniformly: every one holds about 50 videos
    counts = v["subtopic"].value_counts()
    assert counts.min() >= 25 and counts.max() <= 80


def test_clicks_land_on_the_intent_subtopic(data):
    q, v = data.queries, data.videos
    assert (q["clicked_video"] >= 0).all()
    np.testing.assert_array_equal(v["subtopic"].to_numpy()[q["clicked_video"]], q["subtopic"])
    # clicks follow popularity: the clicked videos are more popular than the catalogue on average
    assert v["popularity"].to_numpy()[q["clicked_video"]].mean() > 1.5 * v["popularity"].mean()


def test_synonyms_never_appear_in_titles_and_exact_queries_do(data):
    title_vocab = set(" ".join(data.videos["title"]).split())
    syn_words = set(data.synonym.values()) | set(data.slang.values())
    assert not title_vocab & syn_words
    exact = data.queries[data.queries["kind"] == "exact"]
    assert all(set(t.split()) <= title_vocab for t in exact["text"])
    syn = data.queries[data.queries["kind"] == "synonym"]
    shared = syn["text"].map(lambda t: len(set(t.split()) & title_vocab))
    assert shared.max() <= 1  # at most the general topic word
    assert 0.4 < (shared == 1).mean() < 0.6  # kept with probability one half


def test_query_words_belong_to_the_intent(data):
    q = data.queries[data.queries["kind"] == "exact"].head(200)
    for text, s, t in zip(q["text"], q["subtopic"], q["topic"], strict=True):
        a, b, c = text.split()
        assert a in data.subtopic_words[s] and b in data.subtopic_words[s] and a != b
        assert c in data.topic_words[t]


def test_visual_embedding_clusters_by_subtopic(data):
    x, s = data.visual, data.videos["subtopic"].to_numpy()
    centres = np.stack([x[s == k].mean(axis=0) for k in range(100)])
    nearest = np.argmin(((x[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    assert 0.5 < (nearest == s).mean() < 1.0  # informative, but noisy


def test_relevant_is_every_video_of_the_subtopic(data):
    rel = data.relevant([3, 3, 17])
    assert len(rel) == 3
    np.testing.assert_array_equal(rel[0], np.flatnonzero(data.videos["subtopic"] == 3))
    np.testing.assert_array_equal(rel[0], rel[1])


def test_deterministic_and_seed_dependent():
    a, b, c = small(random_state=1), small(random_state=1), small(random_state=2)
    pd.testing.assert_frame_equal(a.videos, b.videos)
    pd.testing.assert_frame_equal(a.queries, b.queries)
    np.testing.assert_array_equal(a.visual, b.visual)
    assert not a.videos["title"].equals(c.videos["title"])
    pd.testing.assert_frame_equal(a.sample_queries(50, random_state=3), b.sample_queries(50, random_state=3))


def test_sample_queries_slang_and_remap():
    d = small(random_state=0)
    slang = d.sample_queries(400, slang_share=1.0, synonym_share=0.0, random_state=1)
    assert (slang["kind"] == "slang").all()
    slang_words = set(d.slang.values())
    assert all(len(set(t.split()) & slang_words) == 2 for t in slang["text"])
    known = set(" ".join(d.queries["text"]).split())
    assert not slang_words & known  # the wave's words never occurred before
    remapped = d.sample_queries(300, synonym_share=0.0, remap={0: 7}, random_state=2)
    rows = remapped[remapped["subtopic"] == 0]
    assert len(rows) > 0
    for text in rows["text"]:
        a, b, _ = text.split()
        assert a in d.subtopic_words[7] and b in d.subtopic_words[7]
    assert (d.videos["subtopic"].to_numpy()[rows["clicked_video"]] == 0).all()


def test_new_videos_continue_the_ids():
    d = small(random_state=0)
    v, x = d.new_videos(30, random_state=5)
    np.testing.assert_array_equal(v["video_id"], np.arange(600, 630))
    assert x.shape == (30, 32) and x.dtype == np.float32
    v2, x2 = d.new_videos(30, random_state=5)
    np.testing.assert_array_equal(x, x2)


@pytest.mark.parametrize("kwargs, exc, name", [
    ({"n_videos": 0}, ValueError, "n_videos"),
    ({"synonym_share": 1.5}, ValueError, "synonym_share"),
    ({"no_text_share": 1.0}, ValueError, "no_text_share"),
    ({"subtopic_words": 20}, ValueError, "subtopic_words"),
    ({"title_subtopic_words": 7}, ValueError, "title_subtopic_words"),
    ({"dim": 2.5}, TypeError, "dim"),
    ({"random_state": "x"}, TypeError, "random_state"),
])
def test_rejects_bad_parameters(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        make_video_search_data(**kwargs)


def test_sample_queries_rejects_bad_parameters():
    d = small(random_state=0)
    with pytest.raises(ValueError, match="synonym_share"):
        d.sample_queries(10, synonym_share=0.8, slang_share=0.5)
    with pytest.raises(ValueError, match="remap"):
        d.sample_queries(10, remap={0: 999})
    with pytest.raises(ValueError, match="n"):
        d.sample_queries(0)
