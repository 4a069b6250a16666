"""Unit tests of ``utils.metrics``: hand-computed examples, library cross-checks, properties, bad input."""
import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import ndcg_score

from utils import metrics
from utils.metrics import (
    ThresholdChoice,
    cost_optimal_threshold,
    expected_calibration_error,
    hit_rate_at_k,
    mean_average_precision,
    mean_reciprocal_rank,
    ndcg_at_k,
    normalized_cross_entropy,
    precision_at_k,
    recall_at_k,
)

PROPS = settings(max_examples=60, deadline=None)

# Two queries, hand-computed below:
#   q0: relevant {1, 2, 3}, ranked [1, 5, 2, 6] -> hits at ranks 1 and 3
#   q1: relevant {4},       ranked [7, 8, 4]    -> hit at rank 3, only 3 ids ranked
RELEVANT = [{1, 2, 3}, {4}]
RANKED = [[1, 5, 2, 6], [7, 8, 4]]


def test_docstring_examples():
    assert doctest.testmod(metrics).failed == 0


# --------------------------------------------------------------------------------------------
# Hand-computed examples
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("k", "expected"), [
    (1, [1.0, 0.0]),
    (2, [0.5, 0.0]),
    (3, [2 / 3, 1 / 3]),
    (4, [2 / 4, 1 / 4]),  # q1 ranks only 3 ids: TREC still divides by k = 4
])
def test_precision_at_k_hand_computed(k, expected):
    assert precision_at_k(RELEVANT, RANKED, k, per_query=True) == pytest.approx(expected)
    assert precision_at_k(RELEVANT, RANKED, k) == pytest.approx(np.mean(expected))


def test_precision_divides_by_k_when_fewer_are_ranked():
    assert precision_at_k([{1}], [[1]], k=5) == pytest.approx(0.2)
    assert precision_at_k([{1}], [[]], k=3) == 0.0


@pytest.mark.parametrize(("k", "expected"), [
    (1, [1 / 3, 0.0]),
    (2, [1 / 3, 0.0]),
    (3, [2 / 3, 1.0]),
    (10, [2 / 3, 1.0]),
])
def test_recall_at_k_hand_computed(k, expected):
    assert recall_at_k(RELEVANT, RANKED, k, per_query=True) == pytest.approx(expected)
    assert recall_at_k(RELEVANT, RANKED, k) == pytest.approx(np.mean(expected))


@pytest.mark.parametrize(("k", "expected"), [(1, [1.0, 0.0]), (2, [1.0, 0.0]), (3, [1.0, 1.0])])
def test_hit_rate_at_k_hand_computed(k, expected):
    assert hit_rate_at_k(RELEVANT, RANKED, k, per_query=True) == pytest.approx(expected)
    assert hit_rate_at_k(RELEVANT, RANKED, k) == pytest.approx(np.mean(expected))


def test_mean_reciprocal_rank_hand_computed():
    assert mean_reciprocal_rank(RELEVANT, RANKED, per_query=True) == pytest.approx([1.0, 1 / 3])
    assert mean_reciprocal_rank(RELEVANT, RANKED) == pytest.approx(2 / 3)


def test_reciprocal_rank_is_zero_when_nothing_relevant_is_ranked():
    assert mean_reciprocal_rank([{9}], [[1, 2, 3]]) == 0.0
    assert mean_reciprocal_rank([{9}, {1}], [[], [2, 1]], per_query=True) == pytest.approx([0.0, 0.5])


def test_mean_average_precision_without_k_hand_computed():
    # q0: (1/1 + 2/3) / 3 relevant; q1: (1/3) / 1
    expected = [(1 + 2 / 3) / 3, 1 / 3]
    assert mean_average_precision(RELEVANT, RANKED, per_query=True) == pytest.approx(expected)
    assert mean_average_precision(RELEVANT, RANKED) == pytest.approx(4 / 9)


@pytest.mark.parametrize(("k", "expected"), [
    (1, [1 / 1, 0.0]),                # divisor min(1, 3) = 1 and min(1, 1) = 1
    (2, [1 / 2, 0.0]),                # divisor min(2, 3) = 2
    (3, [(1 + 2 / 3) / 3, 1 / 3]),
    (10, [(1 + 2 / 3) / 3, 1 / 3]),
])
def test_mean_average_precision_at_k_hand_computed(k, expected):
    assert mean_average_precision(RELEVANT, RANKED, k, per_query=True) == pytest.approx(expected)
    assert mean_average_precision(RELEVANT, RANKED, k=k) == pytest.approx(np.mean(expected))


def test_average_precision_at_k_divides_by_min_k_and_number_relevant():
    # 4 relevant ids, the first 2 ranked ids are relevant: AP@2 = (1 + 1) / min(2, 4) = 1.
    assert mean_average_precision([{1, 2, 3, 4}], [[1, 2, 9, 8]], k=2) == pytest.approx(1.0)
    # Without k the divisor is the 4 relevant ids: (1 + 1) / 4.
    assert mean_average_precision([{1, 2, 3, 4}], [[1, 2, 9, 8]]) == pytest.approx(0.5)


def _dcg(gain_list):
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gain_list, start=1))


def test_ndcg_at_k_graded_gains_hand_computed():
    gains = [{"a": 3, "b": 2, "c": 0, "d": 1}]
    ranked = [["c", "a", "d", "b"]]
    # DCG@3 = 0/1 + 3/log2(3) + 1/log2(4); ideal = 3/1 + 2/log2(3) + 1/log2(4)
    expected = (3 / math.log2(3) + 1 / 2) / (3 + 2 / math.log2(3) + 1 / 2)
    assert ndcg_at_k(gains, ranked, k=3) == pytest.approx(expected)
    assert ndcg_at_k(gains, ranked, k=3) == pytest.approx(_dcg([0, 3, 1]) / _dcg([3, 2, 1]))
    assert ndcg_at_k(gains, ranked, k=1) == 0.0
    assert ndcg_at_k(gains, ranked, k=10) == pytest.approx(_dcg([0, 3, 1, 2]) / _dcg([3, 2, 1, 0]))


def test_ndcg_unjudged_ids_have_zero_gain_and_ideal_uses_all_judged_gains():
    # "x" is unjudged; the judged id 2 is never ranked but still counts in the ideal ranking.
    gains = [{1: 1.0, 2: 2.0}]
    assert ndcg_at_k(gains, [["x", 1]], k=2) == pytest.approx(
        (1 / math.log2(3)) / (2 + 1 / math.log2(3)))
    assert ndcg_at_k([{1: 1}], [[2, 1]], k=2) == pytest.approx(1 / math.log2(3))


def test_ndcg_per_query_mean():
    gains = [{1: 1}, {5: 2, 6: 1}]
    ranked = [[1, 2], [6, 5]]
    per_query = ndcg_at_k(gains, ranked, k=2, per_query=True)
    expected = [1.0, (1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3))]
    assert per_query == pytest.approx(expected)
    assert ndcg_at_k(gains, ranked, k=2) == pytest.approx(np.mean(expected))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 3, 5, 20])
def test_ndcg_matches_sklearn_ndcg_score(seed, k):
    """Every item ranked, scores strictly decreasing along the ranking: same definition as sklearn."""
    rng = np.random.default_rng(seed)
    n_queries, n_items = 8, 12
    y_true = rng.integers(0, 4, size=(n_queries, n_items)).astype(float)
    y_true[:, 0] = np.maximum(y_true[:, 0], 1)  # at least one positive gain per query
    ranked, y_score = [], np.empty_like(y_true)
    for q in range(n_queries):
        order = rng.permutation(n_items)
        ranked.append(order.tolist())
        y_score[q, order] = np.arange(n_items, 0, -1)
    gains = [{i: float(y_true[q, i]) for i in range(n_items)} for q in range(n_queries)]
    ours = ndcg_at_k(gains, ranked, k=k)
    assert ours == pytest.approx(ndcg_score(y_true, y_score, k=k))
    per_query = ndcg_at_k(gains, ranked, k=k, per_query=True)
    for q in range(n_queries):
        assert per_query[q] == pytest.approx(ndcg_score(y_true[q:q + 1], y_score[q:q + 1], k=k))


@pytest.mark.parametrize("fn", [precision_at_k, recall_at_k, hit_rate_at_k])
def test_per_query_shapes_cutoff_metrics(fn):
    values = fn(RELEVANT * 3, RANKED * 3, 2, per_query=True)
    assert isinstance(values, np.ndarray) and values.shape == (6,)
    mean = fn(RELEVANT * 3, RANKED * 3, 2)
    assert isinstance(mean, float) and mean == pytest.approx(values.mean())


def test_per_query_shapes_mrr_map_ndcg():
    for values, mean in [
        (mean_reciprocal_rank(RELEVANT, RANKED, per_query=True), mean_reciprocal_rank(RELEVANT, RANKED)),
        (mean_average_precision(RELEVANT, RANKED, per_query=True),
         mean_average_precision(RELEVANT, RANKED)),
        (mean_average_precision(RELEVANT, RANKED, 2, per_query=True),
         mean_average_precision(RELEVANT, RANKED, 2)),
        (ndcg_at_k([{1: 1}, {4: 2}], RANKED, 3, per_query=True), ndcg_at_k([{1: 1}, {4: 2}], RANKED, 3)),
    ]:
        assert isinstance(values, np.ndarray) and values.shape == (2,)
        assert isinstance(mean, float) and mean == pytest.approx(values.mean())


def test_numpy_inputs_are_accepted():
    relevant = [np.array([1, 2, 3]), np.array([4])]
    ranked = np.array([[1, 5, 2, 6], [7, 8, 4, 9]])
    assert precision_at_k(relevant, ranked, 2) == pytest.approx(0.25)
    assert mean_reciprocal_rank(relevant, ranked) == pytest.approx(2 / 3)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

ids = st.integers(min_value=0, max_value=15)
query = st.tuples(st.sets(ids, min_size=1, max_size=8), st.lists(ids, unique=True, max_size=16))
queries = st.lists(query, min_size=1, max_size=5)


def _split(qs):
    return [r for r, _ in qs], [x for _, x in qs]


@PROPS
@given(queries, st.integers(min_value=1, max_value=17))
def test_recall_never_decreases_with_k(qs, k):
    relevant, ranked = _split(qs)
    assert recall_at_k(relevant, ranked, k + 1) >= recall_at_k(relevant, ranked, k)


@PROPS
@given(queries, st.integers(min_value=1, max_value=20))
def test_metrics_lie_in_unit_interval(qs, k):
    relevant, ranked = _split(qs)
    gains = [{i: 1.0 + (i % 3) for i in rel} for rel in relevant]
    for value in (precision_at_k(relevant, ranked, k), recall_at_k(relevant, ranked, k),
                  hit_rate_at_k(relevant, ranked, k), mean_reciprocal_rank(relevant, ranked),
                  mean_average_precision(relevant, ranked), mean_average_precision(relevant, ranked, k),
                  ndcg_at_k(gains, ranked, k)):
        assert 0.0 <= value <= 1.0 + 1e-12


@PROPS
@given(queries, st.integers(min_value=1, max_value=20))
def test_hit_rate_is_at_least_precision(qs, k):
    relevant, ranked = _split(qs)
    hit = hit_rate_at_k(relevant, ranked, k, per_query=True)
    prec = precision_at_k(relevant, ranked, k, per_query=True)
    assert np.all(hit >= prec)


@PROPS
@given(st.dictionaries(ids, st.integers(min_value=0, max_value=5), min_size=1, max_size=12)
       .filter(lambda g: any(v > 0 for v in g.values())),
       st.integers(min_value=1, max_value=15))
def test_ndcg_of_ideal_ranking_is_one(gain_map, k):
    ideal = sorted(gain_map, key=lambda i: -gain_map[i])
    assert ndcg_at_k([gain_map], [ideal], k) == pytest.approx(1.0)


@PROPS
@given(st.lists(st.integers(min_value=100, max_value=200), unique=True, max_size=10),
       st.sets(ids, min_size=1, max_size=5),
       st.lists(st.integers(min_value=300, max_value=400), unique=True, max_size=5))
def test_mrr_is_one_over_rank_of_first_hit(misses, relevant, tail):
    first_hit = min(relevant)
    ranked = misses + [first_hit] + tail
    assert mean_reciprocal_rank([relevant], [ranked]) == pytest.approx(1 / (len(misses) + 1))


@PROPS
@given(st.sets(ids, min_size=1, max_size=8),
       st.lists(st.integers(min_value=100, max_value=200), unique=True, max_size=10),
       st.integers(min_value=1, max_value=20))
def test_map_is_one_when_all_relevant_ids_come_first(relevant, others, k):
    ranked = sorted(relevant) + others
    assert mean_average_precision([relevant], [ranked]) == pytest.approx(1.0)
    assert mean_average_precision([relevant], [ranked], k=k) == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# Bad input: ValueError or TypeError naming the argument
# --------------------------------------------------------------------------------------------

CUTOFF_FNS = [precision_at_k, recall_at_k, hit_rate_at_k, mean_average_precision]
ALL_RANK_FNS = [
    lambda rel, ran: precision_at_k(rel, ran, 2),
    lambda rel, ran: recall_at_k(rel, ran, 2),
    lambda rel, ran: hit_rate_at_k(rel, ran, 2),
    lambda rel, ran: mean_reciprocal_rank(rel, ran),
    lambda rel, ran: mean_average_precision(rel, ran),
    lambda rel, ran: mean_average_precision(rel, ran, 2),
]


@pytest.mark.parametrize("fn", ALL_RANK_FNS)
@pytest.mark.parametrize(("relevant", "ranked", "exc", "match"), [
    ([], [], ValueError, "relevant"),                              # no queries
    ([{1}], [[1], [2]], ValueError, "ranked"),                     # mismatched lengths
    ([{1}, {2}], [[1]], ValueError, "ranked"),
    ([set()], [[1]], ValueError, r"relevant\[0\]"),               # query without relevant id
    ([{1}, []], [[1], [2]], ValueError, r"relevant\[1\]"),
    ([{1}], [[1, 2, 1]], ValueError, r"ranked\[0\]"),             # repeated id
    ({1: [1]}, [[1]], TypeError, "relevant"),                      # a mapping, not a sequence
    ("abc", ["abc"], TypeError, "relevant"),                       # a string, not a sequence
    ([{1}], 5, TypeError, "ranked"),                               # not a sequence
    ([1, 2], [[1], [2]], TypeError, r"relevant\[0\]"),            # 1-D: forgot one level of nesting
    ([{1}], [3], TypeError, r"ranked\[0\]"),
    ([{1}], ["ab"], TypeError, r"ranked\[0\]"),
])
def test_ranking_metrics_bad_input(fn, relevant, ranked, exc, match):
    with pytest.raises(exc, match=match):
        fn(relevant, ranked)


@pytest.mark.parametrize(("relevant", "ranked", "match"), [
    (np.zeros((1, 2, 2), dtype=int), [[1]], "relevant"),
    ([{1}], [[[1, 2], [3, 4]]], "ranked"),
])
def test_ranking_metrics_3d_input_names_argument(relevant, ranked, match):
    with pytest.raises((TypeError, ValueError), match=match):
        precision_at_k(relevant, ranked, 1)


@pytest.mark.parametrize("fn", CUTOFF_FNS + [ndcg_at_k])
@pytest.mark.parametrize(("k", "exc"), [
    (0, ValueError), (-3, ValueError), (1.5, TypeError), (2.0, TypeError), ("2", TypeError),
    (True, TypeError), (np.nan, TypeError),
])
def test_bad_k(fn, k, exc):
    first = [{1: 1}] if fn is ndcg_at_k else [{1}]
    with pytest.raises(exc, match=r"\bk\b"):
        fn(first, [[1, 2]], k)


def test_numpy_integer_k_is_accepted():
    assert precision_at_k([{1}], [[1, 2]], np.int64(2)) == pytest.approx(0.5)


@pytest.mark.parametrize(("gains", "ranked", "exc", "match"), [
    ({1: 1}, [[1]], TypeError, "gains"),                      # a mapping, not one per query
    ("ab", [[1]], TypeError, "gains"),
    ([[1, 2]], [[1]], TypeError, r"gains\[0\]"),              # not a mapping
    ([{1: -1.0, 2: 1.0}], [[1]], ValueError, r"gains\[0\]"),  # negative gain
    ([{1: np.nan}], [[1]], ValueError, r"gains\[0\]"),
    ([{1: np.inf}], [[1]], ValueError, r"gains\[0\]"),
    ([{1: 1}], [[1, 1]], ValueError, r"ranked\[0\]"),         # repeated id
    ([{1: 1}], [3], TypeError, r"ranked\[0\]"),
])
def test_ndcg_bad_input(gains, ranked, exc, match):
    with pytest.raises(exc, match=match):
        ndcg_at_k(gains, ranked, 2)


@pytest.mark.parametrize(("gains", "ranked", "exc", "match"), [
    ([], [], ValueError, "gains"),                              # no queries
    ([{1: 1}], [[1], [2]], ValueError, "gains"),                # mismatched lengths
    ([{1: 0.0, 2: 0.0}], [[1]], ValueError, r"gains\[0\]"),    # no relevant (positive) gain
    ([{}], [[1]], ValueError, r"gains\[0\]"),
    ([{1: "high"}], [[1]], ValueError, r"gains\[0\]"),          # non-numeric gain
])
def test_ndcg_errors_name_gains(gains, ranked, exc, match):
    with pytest.raises(exc, match=match):
        ndcg_at_k(gains, ranked, 2)


# --------------------------------------------------------------------------------------------
# Normalised cross-entropy
# --------------------------------------------------------------------------------------------

def _log_loss(y, p):
    y, p = np.asarray(y, float), np.asarray(p, float)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_nce_is_one_for_base_rate_predictions():
    y = [0, 0, 0, 1, 1, 0, 0, 0]
    assert normalized_cross_entropy(y, np.full(8, 0.25)) == pytest.approx(1.0)


def test_nce_below_one_for_good_predictions_above_one_for_bad():
    rng = np.random.default_rng(0)
    p_true = rng.uniform(0.02, 0.98, size=2000)
    y = (rng.uniform(size=2000) < p_true).astype(int)
    good = normalized_cross_entropy(y, p_true)
    assert good < 0.9
    assert normalized_cross_entropy(y, 1 - p_true) > 1.0
    base = y.mean()
    assert good == pytest.approx(_log_loss(y, p_true) / _log_loss(y, np.full(y.size, base)))


@pytest.mark.parametrize(("y", "p", "exc", "match"), [
    ([], [], ValueError, "y_true"),
    ([0, 2], [0.1, 0.2], ValueError, "y_true"),            # non-binary labels
    ([0, 0.5], [0.1, 0.2], ValueError, "y_true"),
    ([0, np.nan], [0.1, 0.2], ValueError, "y_true"),
    ([0, 1], [0.1, 1.2], ValueError, "p_pred"),            # outside [0, 1]
    ([0, 1], [-0.1, 0.5], ValueError, "p_pred"),
    ([0, 1], [0.1, np.nan], ValueError, "p_pred"),
    ([0, 1, 1], [0.1, 0.2], ValueError, "p_pred"),         # mismatched lengths
    ([1, 1], [0.1, 0.2], ValueError, "y_true"),            # one class only
    ([[0, 1]], [[0.1, 0.2]], ValueError, "y_true"),        # 2-D
    ("01", [0.1, 0.2], TypeError, "y_true"),
    ([0, 1], ["a", "b"], TypeError, "p_pred"),
])
def test_nce_bad_input(y, p, exc, match):
    with pytest.raises(exc, match=match):
        normalized_cross_entropy(y, p)


# --------------------------------------------------------------------------------------------
# Expected calibration error
# --------------------------------------------------------------------------------------------

def _ece_from_calibration_curve(y, p, n_bins):
    """ECE from sklearn's own uniform bins: weights = bin counts, gaps from calibration_curve."""
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    # calibration_curve's bin assignment (its documented uniform strategy): searchsorted on inner edges
    inner = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
    counts = np.bincount(np.searchsorted(inner, p), minlength=n_bins)
    counts = counts[counts > 0]
    assert counts.size == prob_true.size
    return float(np.sum(counts / len(y) * np.abs(prob_pred - prob_true)))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n_bins", [5, 10, 15])
def test_ece_matches_calibration_curve_bins(seed, n_bins):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 5, size=800)
    y = (rng.uniform(size=800) < np.clip(p * 1.3, 0, 1)).astype(int)
    assert expected_calibration_error(y, p, n_bins) == pytest.approx(
        _ece_from_calibration_curve(y, p, n_bins))


def test_ece_matches_calibration_curve_on_bin_edges():
    y = np.array([0, 1, 0, 1, 1])
    p = np.array([0.1, 0.15, 0.5, 0.55, 0.2])
    assert expected_calibration_error(y, p, 10) == pytest.approx(_ece_from_calibration_curve(y, p, 10))


def test_ece_hand_computed_and_bounds():
    # One bin [0.2, 0.3): mean p 0.25, mean y 0.25 -> perfectly calibrated.
    assert expected_calibration_error([1, 0, 0, 0], [0.25] * 4) == pytest.approx(0.0)
    # Two bins: {0.05, 0.05} with y {1, 1} gap 0.95; {0.95, 0.95} with y {0, 0} gap 0.95.
    assert expected_calibration_error([1, 1, 0, 0], [0.05, 0.05, 0.95, 0.95]) == pytest.approx(0.95)
    rng = np.random.default_rng(3)
    p = rng.uniform(size=300)
    y = rng.integers(0, 2, size=300)
    assert 0.0 <= expected_calibration_error(y, p) <= 1.0
    assert expected_calibration_error(y, p, n_bins=1) == pytest.approx(abs(p.mean() - y.mean()))


@pytest.mark.parametrize(("y", "p", "n_bins", "exc", "match"), [
    ([], [], 10, ValueError, "y_true"),
    ([0, 3], [0.1, 0.2], 10, ValueError, "y_true"),
    ([0, 1], [0.1, 1.5], 10, ValueError, "p_pred"),
    ([0, 1], [0.1, np.nan], 10, ValueError, "p_pred"),
    ([0, 1], [0.1], 10, ValueError, "p_pred"),
    ([0, 1], [0.1, 0.2], 0, ValueError, "n_bins"),
    ([0, 1], [0.1, 0.2], 2.5, TypeError, "n_bins"),
    ([[0, 1]], [0.1, 0.2], 10, ValueError, "y_true"),
])
def test_ece_bad_input(y, p, n_bins, exc, match):
    with pytest.raises(exc, match=match):
        expected_calibration_error(y, p, n_bins)


# --------------------------------------------------------------------------------------------
# Cost-optimal threshold
# --------------------------------------------------------------------------------------------

def _naive_costs(y, s, cost_fn, cost_fp):
    y, s = np.asarray(y), np.asarray(s, float)
    thresholds = sorted(set(s.tolist())) + [np.inf]
    costs = []
    for t in thresholds:
        flagged = s >= t
        fn = np.sum((y == 1) & ~flagged)
        fp = np.sum((y == 0) & flagged)
        costs.append((cost_fn * fn + cost_fp * fp) / len(y))
    return np.array(thresholds), np.array(costs)


def test_cost_optimal_threshold_docstring_example():
    choice = cost_optimal_threshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], cost_fn=10, cost_fp=1)
    assert isinstance(choice, ThresholdChoice)
    assert choice.threshold == pytest.approx(0.35)
    assert choice.expected_cost == pytest.approx(0.25)  # one false positive (0.4) in 4 cases


def test_cost_optimal_threshold_extremes():
    y, s = [0, 1, 0, 1], [0.2, 0.3, 0.6, 0.9]
    # Missing a positive costs a fortune: flag everything (threshold = lowest positive score or below).
    high_fn = cost_optimal_threshold(y, s, cost_fn=1000, cost_fp=1)
    assert high_fn.threshold == pytest.approx(0.3) and high_fn.expected_cost == pytest.approx(0.25)
    # False alarms cost a fortune: flag only the top score, a positive (one FN left: 1 / 4).
    high_fp = cost_optimal_threshold(y, s, cost_fn=1, cost_fp=1000)
    assert high_fp.threshold == pytest.approx(0.9) and high_fp.expected_cost == pytest.approx(0.25)
    # ... and when the top score is a negative, flag nothing: threshold +inf, cost = 2 FN / 4.
    nothing = cost_optimal_threshold([0, 1, 0, 1], [0.2, 0.3, 0.9, 0.6], cost_fn=1, cost_fp=1000)
    assert nothing.threshold == np.inf and nothing.expected_cost == pytest.approx(0.5)


def test_cost_optimal_threshold_ties_go_to_lower_threshold():
    # thresholds 0.1 (flag both: 1 FP), 0.9 (1 FN + 1 FP), inf (1 FN): 0.1 and inf tie at 0.5.
    choice = cost_optimal_threshold([1, 0], [0.1, 0.9], cost_fn=1, cost_fp=1)
    assert choice.threshold == pytest.approx(0.1)
    assert choice.costs == pytest.approx([0.5, 1.0, 0.5])


@pytest.mark.parametrize("seed", range(8))
def test_cost_optimal_threshold_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    y = rng.integers(0, 2, size=n)
    s = np.round(rng.uniform(size=n) * 0.6 + 0.4 * y, 1 + seed % 3)  # rounded: many tied scores
    cost_fn, cost_fp = float(rng.uniform(0.5, 20)), float(rng.uniform(0.5, 5))
    choice = cost_optimal_threshold(y, s, cost_fn=cost_fn, cost_fp=cost_fp)
    thresholds, costs = _naive_costs(y, s, cost_fn, cost_fp)
    np.testing.assert_array_equal(choice.thresholds, thresholds)
    np.testing.assert_allclose(choice.costs, costs)
    best = int(np.flatnonzero(np.isclose(costs, costs.min()))[0])  # lowest threshold among the best
    assert choice.threshold == thresholds[best]
    assert choice.expected_cost == pytest.approx(costs.min())


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    (dict(y_true=[0, 1], scores=[0.1, 0.2], cost_fn=0, cost_fp=1), ValueError, "cost_fn"),
    (dict(y_true=[0, 1], scores=[0.1, 0.2], cost_fn=1, cost_fp=-1), ValueError, "cost_fp"),
    (dict(y_true=[0, 1], scores=[0.1, 0.2], cost_fn=np.nan, cost_fp=1), ValueError, "cost_fn"),
    (dict(y_true=[0, 1], scores=[0.1, 0.2], cost_fn=1, cost_fp="1"), TypeError, "cost_fp"),
    (dict(y_true=[0, 1], scores=[0.1, np.nan], cost_fn=1, cost_fp=1), ValueError, "scores"),
    (dict(y_true=[0, 1], scores=[0.1], cost_fn=1, cost_fp=1), ValueError, "scores"),
    (dict(y_true=[0, 2], scores=[0.1, 0.2], cost_fn=1, cost_fp=1), ValueError, "y_true"),
    (dict(y_true=[], scores=[], cost_fn=1, cost_fp=1), ValueError, "y_true"),
    (dict(y_true=[0, 1], scores=[[0.1, 0.2]], cost_fn=1, cost_fp=1), ValueError, "scores"),
])
def test_cost_optimal_threshold_bad_input(kwargs, exc, match):
    y, s = kwargs.pop("y_true"), kwargs.pop("scores")
    with pytest.raises(exc, match=match):
        cost_optimal_threshold(y, s, **kwargs)


# ---------------------------------------------------------------- cost_per_case

def test_cost_per_case_example_and_mean_matches_threshold_search():
    from utils.metrics import cost_optimal_threshold, cost_per_case

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    s = rng.random(200)
    choice = cost_optimal_threshold(y, s, cost_fn=7, cost_fp=2)
    per_case = cost_per_case(y, s, choice.threshold, cost_fn=7, cost_fp=2)
    assert per_case.shape == (200,)
    assert per_case.mean() == pytest.approx(choice.expected_cost)
    assert set(np.unique(per_case)) <= {0.0, 2.0, 7.0}


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"y_true": [], "scores": []}, ValueError, "y_true"),
    ({"y_true": [0, 1], "scores": [0.1]}, ValueError, "y_true and scores"),
    ({"y_true": [0, 2], "scores": [0.1, 0.2]}, ValueError, "y_true"),
    ({"y_true": [0, 1], "scores": [0.1, np.nan]}, ValueError, "scores"),
    ({"threshold": "0.5"}, TypeError, "threshold"),
    ({"threshold": float("nan")}, ValueError, "threshold"),
    ({"cost_fn": 0}, ValueError, "cost_fn"),
    ({"cost_fp": -1}, ValueError, "cost_fp"),
])
def test_cost_per_case_bad_input(kwargs, exc, match):
    from utils.metrics import cost_per_case

    args = {"y_true": [0, 1], "scores": [0.2, 0.8], "threshold": 0.5, "cost_fn": 5, "cost_fp": 1} | kwargs
    with pytest.raises(exc, match=match):
        cost_per_case(args.pop("y_true"), args.pop("scores"), args.pop("threshold"), **args)


# ---------------------------------------------------------------- recall_at_precision (chapter 12)


def _recall_at_precision_brute(y, s, target):
    best = 0.0
    for t in np.unique(s):
        flagged = s >= t
        tp = (flagged & (y == 1)).sum()
        if tp / flagged.sum() >= target - 1e-12:
            best = max(best, tp / (y == 1).sum())
    return best


def test_recall_at_precision_matches_brute_force():
    from utils.metrics import recall_at_precision

    rng = np.random.default_rng(1)
    for _ in range(50):
        n = int(rng.integers(2, 40))
        y = rng.integers(0, 2, n)
        y[0] = 1
        s = rng.integers(0, 6, n) / 5.0          # ties
        for target in (0.3, 0.5, 0.8, 1.0):
            expected = _recall_at_precision_brute(y, s, target)
            assert recall_at_precision(y, s, target) == pytest.approx(expected)


def test_recall_at_precision_hand_computed():
    from utils.metrics import recall_at_precision

    y, s = [1, 1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.1]
    assert recall_at_precision(y, s, 0.75) == 1.0
    assert recall_at_precision(y, s, 0.9) == pytest.approx(2 / 3)
    assert recall_at_precision([0, 1], [0.9, 0.1], 0.9) == 0.0


@pytest.mark.parametrize(("y", "s", "p", "error"), [
    ([0, 0], [0.1, 0.2], 0.5, ValueError), ([0, 1], [0.1, 0.2], 0.0, ValueError),
    ([0, 1], [0.1, 0.2], 1.5, ValueError), ([0, 1], [0.1, 0.2], "x", TypeError),
    ([0, 1], [0.1], 0.5, ValueError),
])
def test_recall_at_precision_bad_input(y, s, p, error):
    from utils.metrics import recall_at_precision

    with pytest.raises(error):
        recall_at_precision(y, s, p)
