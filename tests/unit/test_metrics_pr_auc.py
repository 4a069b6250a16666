"""utils.metrics.pr_auc: the same number as scikit-learn's average_precision_score."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score

from utils.metrics import pr_auc


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(-5, 5)), min_size=1, max_size=60))
def test_pr_auc_equals_scikit_learn_with_ties(rows):
    y = np.array([r[0] for r in rows])
    scores = np.array([r[1] for r in rows], dtype=float) / 3  # small integer grid: many ties
    if not y.any():
        y[0] = 1
    assert pr_auc(y, scores) == pytest.approx(average_precision_score(y, scores), abs=1e-12)


def test_pr_auc_on_continuous_scores():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    scores = y + rng.normal(0, 1, 500)
    assert pr_auc(y, scores) == pytest.approx(average_precision_score(y, scores), abs=1e-12)


def test_pr_auc_hand_computed():
    # ranked: 1 (P 1/1), 0, 1 (P 2/3) -> AP = (1 + 2/3) / 2
    assert pr_auc([1, 0, 1], [3.0, 2.0, 1.0]) == pytest.approx(5 / 6)
    assert pr_auc([1, 1, 0], [0.9, 0.8, 0.1]) == 1.0
    # one tied threshold holding everything: precision = prevalence
    assert pr_auc([1, 0, 0, 0], [0.5] * 4) == pytest.approx(0.25)


@pytest.mark.parametrize(("y", "s", "match"), [
    ([0, 0, 0], [0.1, 0.2, 0.3], "positive"),
    ([0, 1, 2], [0.1, 0.2, 0.3], "y_true"),
    ([0, 1], [0.1, 0.2, 0.3], "different lengths"),
    ([0, 1], [0.1, np.nan], "scores"),
    ([], [], "y_true"),
])
def test_pr_auc_rejects_bad_input(y, s, match):
    with pytest.raises(ValueError, match=match):
        pr_auc(y, s)
