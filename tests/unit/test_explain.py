"""utils.explain: reason codes of a linear model and surrogate fidelity."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score

from utils.explain import linear_contributions, reason_codes, surrogate_fidelity


def test_contributions_sum_to_the_logit_difference():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + X[:, 1] - X[:, 3] + rng.normal(size=200) > 0).astype(int)
    lr = LogisticRegression().fit(X, y)
    ref = X.mean(axis=0)
    c = linear_contributions(X, lr.coef_.ravel(), ref, ["a", "a", "b", "c", "c"])
    assert list(c.columns) == ["a", "b", "c"]
    logit_ref = float(lr.decision_function(ref[None, :])[0])
    np.testing.assert_allclose(c.sum(axis=1) + logit_ref, lr.decision_function(X))


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 20), st.integers(0, 10_000))
def test_contributions_default_groups(d, n, seed):
    rng = np.random.default_rng(seed)
    X, coef, ref = rng.normal(size=(n, d)), rng.normal(size=d), rng.normal(size=d)
    c = linear_contributions(X, coef, ref)
    assert list(c.columns) == [f"x{j}" for j in range(d)]
    np.testing.assert_allclose(c.to_numpy(), (X - ref) * coef)


def test_reason_codes_only_positive_and_ordered():
    contrib = pd.DataFrame({"a": [0.5, -1.0, 0.0], "b": [2.0, 0.1, -0.2], "c": [1.0, 3.0, -0.1]})
    codes = reason_codes(contrib, top=2)
    assert codes.to_dict("records") == [{"reason_1": "b", "reason_2": "c"},
                                        {"reason_1": "c", "reason_2": "b"},
                                        {"reason_1": "", "reason_2": ""}]
    wide = reason_codes(contrib, top=5)
    assert list(wide.columns) == [f"reason_{k}" for k in range(1, 6)]
    assert wide.loc[0, "reason_4"] == ""


def test_fidelity_statistics():
    m = np.array([1, 1, 0, 0, 0, 0, 1, 0])
    s = np.array([1, 0, 0, 0, 1, 0, 1, 0])
    r = surrogate_fidelity(m, s)
    assert r.agreement == pytest.approx(6 / 8)
    assert r.flag_recall == pytest.approx(2 / 3)
    assert r.flag_precision == pytest.approx(2 / 3)
    assert r.kappa == pytest.approx(cohen_kappa_score(m, s))
    assert surrogate_fidelity(m, m).kappa == 1.0


@pytest.mark.parametrize(("args", "error"), [
    (([[1.0, 2.0]], [1.0], [0.0, 0.0]), ValueError),
    (([[1.0, 2.0]], [1.0, 1.0], [0.0]), ValueError),
    (([1.0, 2.0], [1.0, 1.0], [0.0, 0.0]), ValueError),
    (([[1.0, np.nan]], [1.0, 1.0], [0.0, 0.0]), ValueError),
    (([["a", "b"]], [1.0, 1.0], [0.0, 0.0]), TypeError),
])
def test_contributions_bad_input(args, error):
    with pytest.raises(error):
        linear_contributions(*args)


def test_contributions_bad_groups():
    with pytest.raises(ValueError, match="groups"):
        linear_contributions([[1.0, 2.0]], [1.0, 1.0], [0.0, 0.0], ["a"])


def test_reason_codes_bad_input():
    with pytest.raises(TypeError, match="contributions"):
        reason_codes(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="empty"):
        reason_codes(pd.DataFrame())
    with pytest.raises(ValueError, match="top"):
        reason_codes(pd.DataFrame({"a": [1.0]}), top=0)


@pytest.mark.parametrize(("m", "s", "match"), [
    ([0, 0], [1, 0], "model_flags"), ([1, 0], [0, 0], "surrogate_flags"), ([1, 2], [1, 0], "binary"),
    ([1, 0], [1, 0, 1], "different lengths"), ([], [], "non-empty"),
])
def test_fidelity_bad_input(m, s, match):
    with pytest.raises(ValueError, match=match):
        surrogate_fidelity(m, s)
