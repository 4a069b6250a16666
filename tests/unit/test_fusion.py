"""Unit tests of ``utils.fusion``: candidate union, min-max scaling, linear and RRF fusion."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from utils.fusion import (
    PAD,
    candidate_union,
    linear_fusion,
    minmax_scale,
    rank_by_score,
    reciprocal_rank_fusion,
)

# ----------------------------------------------------------------------------- candidate_union


def test_candidate_union_keeps_first_seen_order_and_pads():
    out = candidate_union([[3, 1, PAD], [5, PAD, PAD]], [[1, 7], [PAD, PAD]])
    np.testing.assert_array_equal(out, [[3, 1, 7], [5, PAD, PAD]])
    assert out.dtype == np.int64


def test_candidate_union_of_empty_branches_is_one_padded_column():
    out = candidate_union([[PAD, PAD]], [[PAD]])
    np.testing.assert_array_equal(out, [[PAD]])


@given(st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=8), min_size=1, max_size=5))
@settings(max_examples=50, deadline=None)
def test_candidate_union_is_the_set_union(rows):
    width = max(len(r) for r in rows)
    a = np.full((len(rows), width), PAD)
    for i, r in enumerate(rows):
        a[i, : len(r)] = r
    b = np.roll(a, 1, axis=1)
    out = candidate_union(a, b)
    for i, r in enumerate(rows):
        got = [x for x in out[i] if x != PAD]
        assert len(got) == len(set(got)) == len(set(r))
        assert set(got) == set(r)


@pytest.mark.parametrize("bad, exc", [
    ([1, 2], ValueError),                  # 1-D
    ([[1.5, 2.0]], TypeError),              # not integers
    ([[1, -3]], ValueError),                # below the padding id
])
def test_candidate_union_rejects_bad_input(bad, exc):
    with pytest.raises(exc, match="candidate_ids"):
        candidate_union(bad)


def test_candidate_union_needs_same_queries_and_a_branch():
    with pytest.raises(ValueError, match="candidate_ids"):
        candidate_union()
    with pytest.raises(ValueError, match=r"candidate_ids\[1\]"):
        candidate_union([[1], [2]], [[1]])

# ----------------------------------------------------------------------------- minmax_scale


def test_minmax_scale_by_hand():
    np.testing.assert_allclose(minmax_scale([[2.0, 4.0, 3.0]]), [[0.0, 1.0, 0.5]])
    np.testing.assert_allclose(minmax_scale([[1.0, 1.0]]), [[0.0, 0.0]])


def test_minmax_scale_ignores_invalid_entries():
    out = minmax_scale([[100.0, 1.0, 3.0]], valid=[[False, True, True]])
    np.testing.assert_allclose(out, [[0.0, 0.0, 1.0]])
    np.testing.assert_allclose(minmax_scale([[5.0]], valid=[[False]]), [[0.0]])


@given(arrays(float, (3, 6), elements=st.floats(-1e6, 1e6)))
@settings(max_examples=50, deadline=None)
def test_minmax_scale_is_in_unit_interval_and_order_preserving(s):
    out = minmax_scale(s)
    assert out.min() >= 0 and out.max() <= 1 + 1e-12
    for row_s, row_o in zip(s, out, strict=True):
        i, j = np.argmax(row_s), np.argmin(row_s)
        assert row_o[i] >= row_o[j]


def test_minmax_scale_rejects_bad_input():
    with pytest.raises(ValueError, match="scores"):
        minmax_scale([1.0, 2.0])
    with pytest.raises(ValueError, match="scores"):
        minmax_scale([[np.nan, 1.0]])
    with pytest.raises(ValueError, match="valid"):
        minmax_scale([[1.0, 2.0]], valid=[[True]])
    with pytest.raises(TypeError, match="scores"):
        minmax_scale([["a", "b"]])

# ----------------------------------------------------------------------------- linear_fusion


def test_linear_fusion_by_hand_and_extremes():
    np.testing.assert_allclose(linear_fusion([[0.0, 1.0]], [[1.0, 0.0]], 0.75), [[0.25, 0.75]])
    a, b = np.array([[3.0, 1.0, 2.0]]), np.array([[0.1, 0.9, 0.5]])
    np.testing.assert_allclose(linear_fusion(a, b, 1.0), minmax_scale(a))
    np.testing.assert_allclose(linear_fusion(a, b, 0.0), minmax_scale(b))


def test_linear_fusion_is_scale_invariant_per_branch():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(4, 7)), rng.normal(size=(4, 7))
    np.testing.assert_allclose(linear_fusion(a, b, 0.3), linear_fusion(10 * a + 5, 0.01 * b - 2, 0.3))


def test_linear_fusion_puts_padding_last():
    out = linear_fusion([[1.0, 9.0, 0.0]], [[1.0, 9.0, 0.0]], 0.5, valid=[[True, False, True]])
    assert out[0, 1] == -np.inf and out[0, 0] == 1.0


def test_linear_fusion_rejects_bad_input():
    with pytest.raises(ValueError, match="weight"):
        linear_fusion([[1.0]], [[1.0]], 1.5)
    with pytest.raises(ValueError, match="scores_b"):
        linear_fusion([[1.0, 2.0]], [[1.0]], 0.5)

# ----------------------------------------------------------------------------- rank_by_score


def test_rank_by_score_sorts_drops_padding_and_cuts():
    assert rank_by_score([[4, 9, PAD]], [[0.1, 0.5, 9.0]]) == [[9, 4]]
    assert rank_by_score([[4, 9, 2]], [[0.1, 0.5, 0.3]], k=2) == [[9, 2]]
    assert rank_by_score([[4, 9]], [[0.5, 0.5]]) == [[4, 9]]  # ties: earlier column first


def test_rank_by_score_rejects_bad_input():
    with pytest.raises(ValueError, match="scores"):
        rank_by_score([[1, 2]], [[0.1]])
    with pytest.raises(ValueError, match="k"):
        rank_by_score([[1, 2]], [[0.1, 0.2]], k=0)

# ----------------------------------------------------------------------------- reciprocal_rank_fusion


def test_rrf_by_hand():
    # id 1: 1/2 + 1/3; id 3: 1/4 + 1/2; id 2: 1/3
    assert reciprocal_rank_fusion([[[1, 2, 3]], [[3, 1]]], k=1) == [[1, 3, 2]]
    assert reciprocal_rank_fusion([[[1, 2, 3]], [[3, 1]]], k=1, top=1) == [[1]]


def test_rrf_of_one_branch_is_that_branch_and_skips_padding():
    assert reciprocal_rank_fusion([[[5, 2, PAD, 8]]]) == [[5, 2, 8]]


def test_rrf_rejects_bad_input():
    with pytest.raises(ValueError, match="rankings"):
        reciprocal_rank_fusion([])
    with pytest.raises(ValueError, match=r"rankings\[1\]"):
        reciprocal_rank_fusion([[[1]], [[1], [2]]])
    with pytest.raises(ValueError, match="k"):
        reciprocal_rank_fusion([[[1]]], k=0)
