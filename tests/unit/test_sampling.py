"""utils.sampling: negative downsampling and its correction."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.sampling import correct_downsampled, downsample_negatives


def test_downsample_keeps_every_positive_and_about_keep_of_negatives():
    y = np.r_[np.ones(1_000, int), np.zeros(20_000, int)]
    mask = downsample_negatives(y, 0.1, random_state=3)
    assert mask[y == 1].all()
    assert abs(mask[y == 0].mean() - 0.1) < 0.01
    assert np.array_equal(mask, downsample_negatives(y, 0.1, random_state=3)), "seeded"


def test_downsample_uses_one_uniform_draw_per_row():
    y = np.zeros(50, int)
    draws = np.random.default_rng(7).random(50)
    assert np.array_equal(downsample_negatives(y, 0.3, random_state=7), draws < 0.3)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.01, 0.99), st.floats(0.01, 1.0))
def test_correction_inverts_the_odds_inflation(p_true, keep):
    """A model trained on downsampled negatives learns odds / keep; the correction undoes it."""
    odds = p_true / (1 - p_true) / keep
    p_learnt = odds / (1 + odds)
    assert correct_downsampled([p_learnt], keep)[0] == pytest.approx(p_true, rel=1e-9)


def test_correction_keeps_the_order_and_the_end_points():
    p = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    q = correct_downsampled(p, 0.2)
    assert np.all(np.diff(q) > 0) and q[0] == 0 and q[-1] == 1
    assert np.array_equal(correct_downsampled(p, 1.0), p)


def test_downsampling_then_correcting_restores_the_mean_rate():
    rng = np.random.default_rng(0)
    y = (rng.random(200_000) < 0.03).astype(int)
    mask = downsample_negatives(y, 0.1, random_state=1)
    learnt = y[mask].mean()   # what a well-fitted constant model would predict
    assert learnt > 0.2
    assert correct_downsampled([learnt], 0.1)[0] == pytest.approx(0.03, abs=0.002)


@pytest.mark.parametrize(("keep", "exc"), [(0, ValueError), (1.5, ValueError), (-0.1, ValueError),
                                           ("0.1", TypeError), (np.nan, ValueError)])
def test_keep_is_validated(keep, exc):
    with pytest.raises(exc, match="keep"):
        downsample_negatives([0, 1], keep)
    with pytest.raises(exc, match="keep"):
        correct_downsampled([0.5], keep)


def test_bad_labels_and_probabilities_are_named():
    with pytest.raises(ValueError, match="y"):
        downsample_negatives([0, 2], 0.5)
    with pytest.raises(ValueError, match="p"):
        correct_downsampled([0.5, 1.2], 0.5)
