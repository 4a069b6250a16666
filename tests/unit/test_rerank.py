"""Unit tests of ``utils.rerank``: the per-group cap keeps order, respects the cap, backfills."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.rerank import cap_per_group, distinct_groups


def test_hand_example():
    groups = [0, 0, 0, 1, 1, 2]
    assert cap_per_group([0, 1, 2, 3, 4, 5], groups, cap=1, k=3) == [0, 3, 5]
    assert cap_per_group([0, 1, 2, 3, 4, 5], groups, cap=2, k=4) == [0, 1, 3, 4]
    assert cap_per_group([2, 1, 0], groups, cap=1, k=2) == [2, 1]  # backfilled from the skipped
    assert cap_per_group([2, 1, 0], groups, cap=1, k=2, backfill=False) == [2]
    assert cap_per_group([0, 3], {0: "a", 3: "b"}, cap=1, k=5) == [0, 3]


def test_distinct_groups():
    assert distinct_groups([0, 1, 3, 5], [0, 0, 0, 1, 1, 2], k=3) == 2
    assert distinct_groups([0, 1, 3, 5], [0, 0, 0, 1, 1, 2], k=10) == 3


@pytest.mark.parametrize("kwargs", [{"cap": 0, "k": 3}, {"cap": 1, "k": 0}])
def test_bad_numbers(kwargs):
    with pytest.raises(ValueError):
        cap_per_group([0, 1], [0, 1], **kwargs)


def test_bad_groups():
    with pytest.raises(ValueError, match="groups"):
        cap_per_group([0], np.zeros((2, 2)), cap=1, k=1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=40), st.integers(1, 4), st.integers(1, 15))
def test_properties(groups, cap, k):
    ranked = list(range(len(groups)))[::-1]
    page = cap_per_group(ranked, groups, cap, k, backfill=False)
    counts = np.bincount([groups[i] for i in page], minlength=5)
    assert counts.max() <= cap
    assert page == [i for i in ranked if i in set(page)]  # ranked order kept
    full = cap_per_group(ranked, groups, cap, k)
    assert len(full) == min(k, len(ranked)) and full[: len(page)] == page
    assert cap_per_group(ranked, groups, k, k) == ranked[:k]  # a cap of k changes nothing


def test_demote_flagged_hand_example():
    from utils.rerank import demote_flagged

    assert demote_flagged([3, 1, 2, 0], [0.0, 0.9, 0.1, 0.5], threshold=0.4) == [2, 0, 3, 1]
    assert demote_flagged([0, 1], {0: 0.2, 1: 0.1}, threshold=0.5) == [0, 1]   # nothing flagged
    assert demote_flagged([0, 1], [0.2, 0.1], threshold=0.2) == [0, 1]          # strictly above


@pytest.mark.parametrize("threshold, exc", [(float("nan"), ValueError), ("0.5", TypeError),
                                            (True, TypeError)])
def test_demote_flagged_bad_threshold(threshold, exc):
    from utils.rerank import demote_flagged

    with pytest.raises(exc):
        demote_flagged([0, 1], [0.1, 0.2], threshold)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30), st.floats(0, 1))
def test_demote_flagged_properties(risk, threshold):
    from utils.rerank import demote_flagged

    ranked = list(range(len(risk)))[::-1]
    out = demote_flagged(ranked, risk, threshold)
    assert sorted(out) == sorted(ranked)                                    # a permutation
    flags = [risk[i] > threshold for i in out]
    assert flags == sorted(flags)                                           # unflagged first
    keep = [i for i in out if risk[i] <= threshold]
    assert keep == [i for i in ranked if risk[i] <= threshold]              # order kept within each part
