"""Unit tests of ``utils.graph``: each score against NetworkX, properties with hypothesis, validation."""
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from utils import graph


def random_graph(n, p, seed):
    g = nx.gnp_random_graph(n, p, seed=seed)
    edges = np.array(g.edges(), dtype=np.int64).reshape(-1, 2)
    return g, graph.adjacency_matrix(edges, n)


def all_non_edges(g):
    pairs = np.array(list(nx.non_edges(g)), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scores_match_networkx(seed):
    g, a = random_graph(40, 0.12, seed)
    u, v = all_non_edges(g)
    pairs = list(zip(u.tolist(), v.tolist(), strict=True))
    cn = graph.common_neighbors(a, u, v)
    expected_cn = [len(list(nx.common_neighbors(g, x, y))) for x, y in pairs]
    np.testing.assert_allclose(cn, expected_cn)
    np.testing.assert_allclose(graph.jaccard(a, u, v), [p for _, _, p in nx.jaccard_coefficient(g, pairs)])
    np.testing.assert_allclose(graph.adamic_adar(a, u, v), [p for _, _, p in nx.adamic_adar_index(g, pairs)])
    np.testing.assert_allclose(graph.degree_product(a, u, v),
                               [p for _, _, p in nx.preferential_attachment(g, pairs)])


def test_scores_on_existing_edges_and_both_orders():
    g, a = random_graph(30, 0.2, 5)
    e = np.array(g.edges(), dtype=np.int64)
    u, v = e[:, 0], e[:, 1]
    pairs = list(zip(u.tolist(), v.tolist(), strict=True))
    np.testing.assert_allclose(graph.adamic_adar(a, u, v), [p for _, _, p in nx.adamic_adar_index(g, pairs)])
    np.testing.assert_allclose(graph.adamic_adar(a, v, u), graph.adamic_adar(a, u, v))
    np.testing.assert_allclose(graph.jaccard(a, v, u), graph.jaccard(a, u, v))


def test_friends_of_friends_matches_distance_two():
    g, a = random_graph(50, 0.06, 3)
    users = np.array([0, 7, 13, 49])
    fu, fc, fm = graph.friends_of_friends(a, users)
    lengths = {x: nx.single_source_shortest_path_length(g, x, cutoff=2) for x in users}
    expected = sorted((x, y) for x in users for y, dist in lengths[x].items() if dist == 2)
    got = sorted(zip(fu.tolist(), fc.tolist(), strict=True))
    assert got == expected
    np.testing.assert_array_equal(fm, graph.common_neighbors(a, fu, fc))
    assert (fm >= 1).all()
    # grouped by user in the order asked, candidates increasing within a user
    assert list(dict.fromkeys(fu.tolist())) == [x for x in users.tolist() if x in set(fu.tolist())]
    for x in users:
        c = fc[fu == x]
        assert np.all(np.diff(c) > 0)


def test_weighted_common_neighbors_sums_weight_products():
    edges = np.array([[0, 1], [1, 2], [0, 3], [3, 2]])
    a = graph.adjacency_matrix(edges, 4, weights=[0.5, 0.4, 1.0, 0.25])
    # mutual friends of 0 and 2: 1 (0.5 * 0.4) and 3 (1.0 * 0.25)
    np.testing.assert_allclose(graph.common_neighbors(a, [0], [2]), [0.45])
    # degrees and the other scores ignore the weights
    np.testing.assert_array_equal(graph.degrees(a), [2, 2, 2, 2])
    np.testing.assert_allclose(graph.jaccard(a, [0], [2]), [1.0])


def test_adjacency_matrix_symmetric_dedup_keeps_max_weight():
    a = graph.adjacency_matrix([[0, 1], [1, 0], [1, 2]], 3, weights=[1.0, 3.0, 2.0])
    dense = a.toarray()
    np.testing.assert_array_equal(dense, dense.T)
    assert dense[0, 1] == 3.0 and dense[1, 2] == 2.0 and a.nnz == 4
    assert graph.adjacency_matrix(np.zeros((0, 2), dtype=int), 3).nnz == 0


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 25), p=st.floats(0.05, 0.6), seed=st.integers(0, 10_000))
def test_properties(n, p, seed):
    g, a = random_graph(n, p, seed)
    rng = np.random.default_rng(seed)
    u, v = rng.integers(0, n, 30), rng.integers(0, n, 30)
    keep = u != v
    u, v = u[keep], v[keep]
    cn, jac, aa = graph.common_neighbors(a, u, v), graph.jaccard(a, u, v), graph.adamic_adar(a, u, v)
    deg = graph.degrees(a)
    # symmetric in the pair
    np.testing.assert_allclose(graph.common_neighbors(a, v, u), cn)
    np.testing.assert_allclose(graph.adamic_adar(a, v, u), aa)
    # bounds: 0 <= cn <= min degree, 0 <= jaccard <= 1, aa = 0 exactly when cn = 0, aa <= cn / log 2
    assert np.all(cn >= 0) and np.all(cn <= np.minimum(deg[u], deg[v]))
    assert np.all((jac >= 0) & (jac <= 1))
    np.testing.assert_array_equal(aa == 0, cn == 0)
    assert np.all(aa <= cn / np.log(2) + 1e-12)
    # every friends-of-friends candidate has a mutual friend and is not a friend
    fu, fc, fm = graph.friends_of_friends(a, np.arange(n))
    assert np.all(fm >= 1) and np.all(fu != fc)
    assert not np.any(a[fu, fc]) if fu.size else True


@pytest.mark.parametrize("bad, exc", [
    (lambda a: graph.common_neighbors(a.toarray(), [0], [1]), TypeError),
    (lambda a: graph.common_neighbors(sparse.csr_array(np.ones((2, 3))), [0], [1]), ValueError),
    (lambda a: graph.common_neighbors(a, [0, 1], [1]), ValueError),
    (lambda a: graph.common_neighbors(a, [0], [99]), ValueError),
    (lambda a: graph.jaccard(a, [0.5], [1]), TypeError),
    (lambda a: graph.friends_of_friends(a, [[0]]), ValueError),
    (lambda a: graph.adjacency_matrix([[0, 0]], 3), ValueError),
    (lambda a: graph.adjacency_matrix([[0, 1, 2]], 3), ValueError),
    (lambda a: graph.adjacency_matrix([[0, 5]], 3), ValueError),
    (lambda a: graph.adjacency_matrix([[0.0, 1.0]], 3), TypeError),
    (lambda a: graph.adjacency_matrix([[0, 1]], 3, weights=[-1.0]), ValueError),
    (lambda a: graph.adjacency_matrix([[0, 1]], 3, weights=[1.0, 2.0]), ValueError),
    (lambda a: graph.adjacency_matrix([[0, 1]], 0), ValueError),
])
def test_validation(bad, exc):
    a = graph.adjacency_matrix([[0, 1], [1, 2]], 3)
    with pytest.raises(exc):
        bad(a)


def test_empty_pairs():
    a = graph.adjacency_matrix([[0, 1], [1, 2]], 3)
    assert graph.common_neighbors(a, np.array([], dtype=int), np.array([], dtype=int)).shape == (0,)
    fu, fc, fm = graph.friends_of_friends(a, np.array([], dtype=int))
    assert fu.size == fc.size == fm.size == 0
