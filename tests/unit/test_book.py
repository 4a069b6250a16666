"""utils.book: plain Python values for glue, and the glue wrapper."""
import numpy as np
import pytest

from utils import book


@pytest.mark.parametrize(("value", "expected", "kind"), [
    (np.float64(0.25), 0.25, float),
    (np.float32(0.5), 0.5, float),
    (np.int64(3), 3, int),
    (np.bool_(True), True, bool),
    (np.array(2.5), 2.5, float),
    (7, 7, int),
    ("PR-AUC", "PR-AUC", str),
])
def test_plain_converts_numpy_scalars(value, expected, kind):
    out = book.plain(value)
    assert out == expected and type(out) is kind


def test_plain_rejects_arrays():
    with pytest.raises(TypeError, match="value"):
        book.plain(np.array([1.0, 2.0]))


def test_glue_converts_and_returns_nothing(monkeypatch):
    """A glue call that ends a cell must not echo its value under the cell."""
    seen = {}
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: seen.update({name: (value, display)}))
    assert book.glue("pr_auc", np.float64(0.91)) is None
    assert seen == {"pr_auc": (0.91, False)}
    assert type(seen["pr_auc"][0]) is float


@pytest.mark.parametrize("name", ["", "1abc", "has space", "a-b", None, 3])
def test_glue_rejects_bad_keys(name):
    with pytest.raises(ValueError, match="name"):
        book.glue(name, 1.0)
