"""Unit tests of ``utils.datasets.harmful_content``: shapes, label rates, determinism, obfuscation."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.datasets import (
    CUE_WORDS,
    HARM_CLASSES,
    HarmfulContentData,
    make_harmful_content_data,
    obfuscate_text,
)


@pytest.fixture(scope="module")
def data():
    return make_harmful_content_data(random_state=0)


def test_shapes_columns_and_types(data):
    assert isinstance(data, HarmfulContentData)
    posts = data.posts
    assert isinstance(posts, pd.DataFrame)
    assert len(posts) == 27_000
    assert data.images.shape == (27_000, 16) and data.images.dtype == np.float32
    assert data.labels.shape == (27_000, 4)
    for col in ("post_id", "day", "author_id", "text", "is_meme", "views", "reports", *HARM_CLASSES):
        assert col in posts.columns
    assert data.author_features == ["author_prior_violations", "author_prior_reports",
                                    "author_account_age_days", "author_followers"]
    assert posts["post_id"].tolist() == list(range(27_000))
    assert posts["day"].is_monotonic_increasing and posts["day"].between(0, 27).all()
    assert int(posts["is_meme"].sum()) == 3_000
    assert (posts["views"] >= 1).all() and (posts["reports"] >= 0).all()
    assert set(np.unique(data.labels)) == {0, 1}


def test_label_rates_are_rare_and_correlated(data):
    ordinary = data.posts[~data.posts["is_meme"]]
    rates = ordinary[list(HARM_CLASSES)].mean()
    assert ((rates > 0.01) & (rates < 0.06)).all(), rates
    y = ordinary[list(HARM_CLASSES)].to_numpy()
    # hate posts are violent far more often than other posts
    assert y[y[:, 1] == 1, 0].mean() > 3 * y[y[:, 1] == 0, 0].mean()
    # harmful posts get reported far more often
    harmful = data.labels.max(axis=1) == 1
    reports = data.posts["reports"].to_numpy()
    assert reports[harmful].mean() > 10 * reports[~harmful].mean()


def test_memes_are_hateful_exactly_when_topic_matches_template(data):
    memes = data.posts[data.posts["is_meme"]]
    match = memes["meme_text_topic"] == memes["meme_image_topic"]
    np.testing.assert_array_equal(memes["hate"].to_numpy(), match.astype(int).to_numpy())
    assert memes[["violence", "nudity", "spam"]].to_numpy().sum() == 0
    assert 0.15 < memes["hate"].mean() < 0.25  # base rate 1 / 5 topics
    ordinary = data.posts[~data.posts["is_meme"]]
    assert (ordinary[["meme_text_topic", "meme_image_topic"]] == -1).all().all()
    # every caption word of the meme's topic, and no other topic's, can appear in it
    text, topic = memes["text"].iloc[0], memes["meme_text_topic"].iloc[0]
    words = set(text.split())
    assert words & set(data.caption_words[topic])
    for t, ws in enumerate(data.caption_words):
        if t != topic:
            assert not words & set(ws)


def test_cue_words_mark_harm_but_not_only_harm(data):
    ordinary = data.posts[~data.posts["is_meme"]]
    has_cue = ordinary["text"].map(lambda s: bool(set(s.split()) & set(CUE_WORDS["hate"])))
    hate = ordinary["hate"] == 1
    assert has_cue[hate].mean() > 0.5          # most hate posts carry a hate cue word
    assert (has_cue & ~hate).sum() > 0         # ambiguous cue words also appear in benign posts


def test_deterministic_per_seed_and_different_across_seeds():
    a = make_harmful_content_data(500, 100, n_authors=50, random_state=3)
    b = make_harmful_content_data(500, 100, n_authors=50, random_state=3)
    c = make_harmful_content_data(500, 100, n_authors=50, random_state=4)
    pd.testing.assert_frame_equal(a.posts, b.posts)
    np.testing.assert_array_equal(a.images, b.images)
    assert not a.posts["text"].equals(c.posts["text"])


def test_accepts_a_generator_and_sizes():
    d = make_harmful_content_data(200, 0, n_authors=20, image_dim=8, random_state=np.random.default_rng(1))
    assert d.images.shape == (200, 8) and not d.posts["is_meme"].any()


@pytest.mark.parametrize("kwargs, error", [
    ({"n_posts": 10}, ValueError),
    ({"n_posts": 1000.0}, TypeError),
    ({"n_memes": -1}, ValueError),
    ({"n_meme_topics": 1}, ValueError),
    ({"image_dim": 4}, ValueError),
    ({"random_state": "seed"}, TypeError),
])
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        make_harmful_content_data(**kwargs)


def test_obfuscate_text_changes_one_letter_per_listed_word():
    texts = ["we attack now", "nothing here", "hate and attack"]
    out = obfuscate_text(texts, ["attack", "hate"], random_state=0)
    assert out[1] == "nothing here"
    for before, after in zip(texts, out, strict=True):
        for w0, w1 in zip(before.split(), after.split(), strict=True):
            n_diff = sum(a != b for a, b in zip(w0, w1, strict=True))
            assert n_diff == (1 if w0 in ("attack", "hate") else 0)
            assert any(ch.isdigit() for ch in w1) == (w0 in ("attack", "hate"))


def test_obfuscate_text_share_and_determinism():
    texts = ["attack"] * 1000
    out = obfuscate_text(texts, ["attack"], share=0.3, random_state=1)
    changed = np.mean([t != "attack" for t in out])
    assert 0.25 < changed < 0.35
    assert out == obfuscate_text(texts, ["attack"], share=0.3, random_state=1)
    assert len({t for t in out if t != "attack"}) > 1   # several spellings, not one


@pytest.mark.parametrize("texts, words, share, error", [
    ("attack", ["attack"], 1.0, TypeError),
    (["attack"], "attack", 1.0, TypeError),
    (["attack", 3], ["attack"], 1.0, TypeError),
    (["attack"], ["attack"], 0.0, ValueError),
    (["attack"], ["attack"], 1.5, ValueError),
])
def test_obfuscate_text_bad_arguments(texts, words, share, error):
    with pytest.raises(error):
        obfuscate_text(texts, words, share=share)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["kill", "vermin", "bako", "free", "zzz"]), min_size=1, max_size=8))
def test_obfuscate_text_keeps_length_and_other_words(tokens):
    text = " ".join(tokens)
    out = obfuscate_text([text], ["kill", "vermin", "free"], random_state=0)[0]
    assert len(out) == len(text)
    for t0, t1 in zip(text.split(), out.split(), strict=True):
        if t0 not in ("kill", "vermin", "free"):
            assert t0 == t1
