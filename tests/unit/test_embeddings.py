"""Unit tests of ``utils.embeddings``: session co-occurrence, PPMI, SVD factorisation, cold start."""
import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from utils import embeddings
from utils.embeddings import cold_start_vectors, factorize, normalize_rows, ppmi, session_cooccurrence


def test_docstring_examples():
    assert doctest.testmod(embeddings).failed == 0


def brute_force_counts(items, sessions, n, window, booked=None, weight=0.0):
    """Reference: loop over every pair of clicks of every session."""
    out = np.zeros((n, n))
    items, sessions = np.asarray(items), np.asarray(sessions)
    for s in np.unique(sessions):
        idx = np.flatnonzero(sessions == s)
        seq = items[idx]
        for a in range(len(seq)):
            for b in range(len(seq)):
                if a != b and abs(a - b) <= window and seq[a] != seq[b]:
                    out[seq[a], seq[b]] += 1
        if booked is not None and weight > 0:
            flags = np.asarray(booked)[idx]
            if flags.any():
                target = seq[np.argmax(flags)]
                for a in range(len(seq)):
                    if not flags[a] and seq[a] != target:
                        out[seq[a], target] += weight
                        out[target, seq[a]] += weight
    return out


def test_window_counts_by_hand():
    # session 0: 0 1 2, session 1: 3 4
    c = session_cooccurrence([0, 1, 2, 3, 4], [0, 0, 0, 1, 1], 5, window=2).toarray()
    expected = np.zeros((5, 5))
    for a, b in ((0, 1), (1, 2), (0, 2), (3, 4)):
        expected[a, b] = expected[b, a] = 1
    assert np.array_equal(c, expected)


def test_booking_is_global_context():
    # 5 clicks, the last is booked; window 1 links 0 only to 1, the booking links every click to 4
    items, sess, booked = [0, 1, 2, 3, 4], [7] * 5, [0, 0, 0, 0, 1]
    c = session_cooccurrence(items, sess, 5, window=1, booked=booked, booking_weight=2.0).toarray()
    assert c[0, 4] == c[4, 0] == 2.0            # far from the booking, linked only by it
    assert c[3, 4] == 1 + 2.0                   # a neighbour of the booking gets both
    assert c[0, 2] == 0
    off = session_cooccurrence(items, sess, 5, window=1, booked=booked, booking_weight=0.0).toarray()
    assert off[0, 4] == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 7)), min_size=2, max_size=30),
       st.integers(1, 4), st.sampled_from([0.0, 0.5, 2.0]), st.integers(0, 1000))
def test_matches_brute_force(clicks, window, weight, seed):
    clicks = sorted(clicks, key=lambda t: t[0])          # sessions contiguous
    sessions = [s for s, _ in clicks]
    items = [i for _, i in clicks]
    rng = np.random.default_rng(seed)
    booked = np.zeros(len(items), dtype=int)
    for s in set(sessions):                              # book one click in some sessions
        idx = [k for k, x in enumerate(sessions) if x == s]
        if rng.random() < 0.5:
            booked[rng.choice(idx)] = 1
    got = session_cooccurrence(items, sessions, 8, window=window, booked=booked,
                               booking_weight=weight).toarray()
    assert np.allclose(got, brute_force_counts(items, sessions, 8, window, booked, weight))
    assert np.allclose(got, got.T) and np.all(np.diag(got) == 0)


def test_cooccurrence_validation():
    with pytest.raises(ValueError, match="items and sessions"):
        session_cooccurrence([0, 1], [0], 2)
    with pytest.raises(ValueError, match="items must lie"):
        session_cooccurrence([0, 5], [0, 0], 3)
    with pytest.raises(ValueError, match="contiguous"):
        session_cooccurrence([0, 1, 2], [0, 1, 0], 3)
    with pytest.raises(ValueError, match="window"):
        session_cooccurrence([0, 1], [0, 0], 2, window=0)
    with pytest.raises(TypeError, match="items"):
        session_cooccurrence([0.5, 1.0], [0, 0], 2)
    with pytest.raises(ValueError, match="more than one"):
        session_cooccurrence([0, 1], [0, 0], 2, booked=[1, 1], booking_weight=1.0)
    with pytest.raises(ValueError, match="booking_weight"):
        session_cooccurrence([0, 1], [0, 0], 2, booking_weight=-1.0)
    with pytest.raises(ValueError, match="empty"):
        session_cooccurrence([], [], 2)


def dense_ppmi(c, alpha=0.75, shift=1.0, groups=None):
    c = np.asarray(c, dtype=float)
    row = c.sum(1)
    ctx = c.sum(0) ** alpha
    out = np.zeros_like(c)
    for i in range(len(c)):
        for j in range(len(c)):
            if c[i, j] == 0:
                continue
            if groups is not None and groups[i] == groups[j]:
                p = ctx[j] / ctx[groups == groups[i]].sum()
            else:
                p = ctx[j] / ctx.sum()
            out[i, j] = max(0.0, np.log(c[i, j] / row[i]) - np.log(p) - np.log(shift))
    return out


def test_ppmi_matches_dense_formula():
    rng = np.random.default_rng(0)
    c = rng.poisson(1.0, (12, 12)) * (rng.random((12, 12)) < 0.5)
    c = c + c.T
    np.fill_diagonal(c, 0)
    groups = np.repeat([0, 1, 2], 4)
    for kw in ({}, {"alpha": 1.0}, {"shift": 5.0}, {"groups": groups}):
        got = ppmi(sparse.csr_matrix(c), **kw).toarray()
        assert np.allclose(got, dense_ppmi(c, **kw)), kw
        assert (got >= 0).all()


def test_ppmi_shift_and_groups_only_remove_positives():
    rng = np.random.default_rng(1)
    c = sparse.random(30, 30, density=0.3, random_state=2, data_rvs=lambda n: rng.integers(1, 5, n))
    c = c + c.T
    base = ppmi(c)
    shifted = ppmi(c, shift=5.0)
    grouped = ppmi(c, groups=np.repeat([0, 1, 2], 10))
    assert shifted.nnz <= base.nnz and grouped.nnz <= base.nnz
    assert (shifted.toarray() <= base.toarray() + 1e-12).all()


def test_ppmi_validation():
    with pytest.raises(TypeError, match="counts"):
        ppmi(np.ones((2, 2)))
    with pytest.raises(ValueError, match="square"):
        ppmi(sparse.csr_matrix(np.ones((2, 3))))
    with pytest.raises(ValueError, match="all zero"):
        ppmi(sparse.csr_matrix((3, 3)))
    with pytest.raises(ValueError, match="alpha"):
        ppmi(sparse.csr_matrix(np.ones((2, 2))), alpha=1.5)
    with pytest.raises(ValueError, match="shift"):
        ppmi(sparse.csr_matrix(np.ones((2, 2))), shift=0.5)
    with pytest.raises(ValueError, match="groups"):
        ppmi(sparse.csr_matrix(np.ones((2, 2))), groups=[0, 1, 2])


def test_factorize_recovers_blocks_and_keeps_zero_rows():
    # two blocks of items that co-occur only within their block, plus one item never seen
    block = np.ones((5, 5)) - np.eye(5)
    c = np.zeros((11, 11))
    c[:5, :5] = block
    c[5:10, 5:10] = block
    vec = factorize(ppmi(sparse.csr_matrix(c), alpha=1.0), dim=2, random_state=0)
    assert vec.shape == (11, 2) and vec.dtype == np.float32
    assert np.allclose(np.linalg.norm(vec[:10], axis=1), 1, atol=1e-5)
    assert np.all(vec[10] == 0)
    sim = vec @ vec.T
    assert sim[0, 1] > 0.9 and abs(sim[0, 6]) < 0.1        # same block similar, other block not


def test_factorize_prefix_is_lower_dimension():
    m = sparse.random(60, 60, density=0.2, random_state=0)
    m = m + m.T
    raw = factorize(m, dim=10, normalize=False, random_state=0)
    assert raw.shape == (60, 10)
    assert np.allclose(normalize_rows(raw), factorize(m, dim=10, random_state=0), atol=1e-5)


def test_factorize_validation():
    with pytest.raises(TypeError, match="matrix"):
        factorize(np.ones((5, 5)), dim=2)
    with pytest.raises(ValueError, match="dim"):
        factorize(sparse.csr_matrix(np.ones((5, 5))), dim=5)
    with pytest.raises(TypeError, match="dim"):
        factorize(sparse.csr_matrix(np.ones((5, 5))), dim=2.0)


def test_normalize_rows():
    v = normalize_rows([[3.0, 4.0], [0.0, 0.0]])
    assert np.allclose(v, [[0.6, 0.8], [0, 0]])
    with pytest.raises(ValueError, match="vectors"):
        normalize_rows([1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        normalize_rows([[np.nan, 1.0]])


def test_cold_start_vectors():
    emb = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    out = cold_start_vectors(emb, [[0, 1, -1], [0, -1, -1], [2, -1, -1]])
    assert np.allclose(out[0], [2 ** -0.5, 2 ** -0.5])
    assert np.allclose(out[1], [1, 0])
    assert np.all(out[2] == 0)                     # no informative neighbour: zero vector
    with pytest.raises(ValueError, match="neighbour_ids"):
        cold_start_vectors(emb, [[5]])
    with pytest.raises(ValueError, match="neighbour_ids"):
        cold_start_vectors(emb, [0, 1])
    with pytest.raises(TypeError, match="neighbour_ids"):
        cold_start_vectors(emb, [[0.5]])
    with pytest.raises(ValueError, match="embeddings"):
        cold_start_vectors([1.0, 2.0], [[0]])
