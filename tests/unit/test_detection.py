"""Unit tests of ``utils.detection``: box IoU, NMS and COCO-style average precision.

Average precision is checked against ``pycocotools`` (COCO objects built in memory from dicts,
no files), and against hand-computed cases.
"""
import contextlib
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from utils.detection import (
    RECALL_POINTS,
    average_precision,
    bootstrap_average_precision,
    bootstrap_image_counts,
    box_iou,
    match_detections,
    nms,
)

# --------------------------------------------------------------------------------------------
# Reference: pycocotools on in-memory COCO objects
# --------------------------------------------------------------------------------------------


def _xywh(box):
    x0, y0, x1, y1 = (float(v) for v in box)
    return [x0, y0, x1 - x0, y1 - y0]


def _coco(images, annotations):
    coco = COCO()
    coco.dataset = {"images": images, "annotations": annotations, "categories": [{"id": 1, "name": "obj"}]}
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def coco_ap(gt_boxes, pred_boxes, pred_scores, iou_threshold=0.5):
    """AP of one class from pycocotools: one IoU threshold, no area range, no cap on detections."""
    images = [{"id": i + 1} for i in range(len(gt_boxes))]
    gts, dts = [], []
    for i, (g, p, s) in enumerate(zip(gt_boxes, pred_boxes, pred_scores, strict=True)):
        for box in np.asarray(g, float).reshape(-1, 4):
            b = _xywh(box)
            gts.append({"id": len(gts) + 1, "image_id": i + 1, "category_id": 1, "bbox": b,
                        "area": b[2] * b[3], "iscrowd": 0})
        for box, score in zip(np.asarray(p, float).reshape(-1, 4), s, strict=True):
            b = _xywh(box)
            dts.append({"id": len(dts) + 1, "image_id": i + 1, "category_id": 1, "bbox": b,
                        "area": b[2] * b[3], "score": float(score), "iscrowd": 0})
    evaluator = COCOeval(_coco(images, gts), _coco(images, dts), "bbox")
    evaluator.params.iouThrs = np.array([iou_threshold])
    evaluator.params.maxDets = [100_000]
    evaluator.params.areaRng = [[0.0, 1e12]]
    evaluator.params.areaRngLbl = ["all"]
    with contextlib.redirect_stdout(io.StringIO()):
        evaluator.evaluate()
        evaluator.accumulate()
    precision = evaluator.eval["precision"][0, :, 0, 0, 0]
    return float(np.mean(precision[precision > -1]))


def random_case(rng, n_images, distinct_scores=True):
    gt, pred, scores = [], [], []
    for _ in range(n_images):
        k = int(rng.integers(0, 4))
        xy = rng.uniform(0, 60, (k, 2))
        g = np.hstack([xy, xy + rng.uniform(4, 20, (k, 2))])
        m = int(rng.integers(0, 9))
        if k:
            p = g[rng.integers(0, k, m)] + rng.normal(0, 3, (m, 4))
        else:
            p = rng.uniform(0, 60, (m, 4))
        p = np.hstack([np.minimum(p[:, :2], p[:, 2:]), np.maximum(p[:, :2], p[:, 2:])])
        gt.append(g)
        pred.append(p)
        scores.append(rng.uniform(size=m) if distinct_scores else rng.integers(0, 4, m) / 4)
    return gt, pred, scores


# --------------------------------------------------------------------------------------------
# box_iou
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "expected"), [
    ((0, 0, 2, 2), (0, 0, 2, 2), 1.0),            # identical
    ((0, 0, 1, 1), (2, 2, 3, 3), 0.0),            # disjoint
    ((0, 0, 1, 1), (1, 0, 2, 1), 0.0),            # touching edge
    ((0, 0, 2, 2), (1, 1, 3, 3), 1 / 7),          # overlap 1, union 4 + 4 - 1
    ((0, 0, 4, 4), (1, 1, 2, 2), 1 / 16),         # contained
    ((0, 0, 2, 1), (1, 0, 3, 1), 1 / 3),
    ((1, 1, 1, 1), (1, 1, 1, 1), 0.0),            # both zero-area
    ((1, 1, 1, 1), (0, 0, 2, 2), 0.0),            # a point inside a box
    ((0.5, 0.5, 1.5, 1.5), (1.0, 1.0, 2.0, 2.0), 0.25 / 1.75),
])
def test_box_iou_hand_cases(a, b, expected):
    assert box_iou([a], [b])[0, 0] == pytest.approx(expected)
    assert box_iou([b], [a])[0, 0] == pytest.approx(expected)  # symmetric


def test_box_iou_is_pairwise_and_accepts_one_box():
    a = np.array([[0, 0, 2, 2], [10, 10, 12, 12]])
    b = np.array([[1, 1, 3, 3], [0, 0, 2, 2], [10, 10, 11, 11]])
    iou = box_iou(a, b)
    assert iou.shape == (2, 3)
    np.testing.assert_allclose(iou, [[1 / 7, 1, 0], [0, 0, 0.25]])
    assert box_iou((0, 0, 2, 2), (1, 1, 3, 3)).shape == (1, 1)
    assert box_iou(np.zeros((0, 4)), b).shape == (0, 3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*[st.floats(0, 50)] * 4), min_size=1, max_size=6))
def test_box_iou_properties(raw):
    boxes = np.array([[min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)] for x0, y0, x1, y1 in raw])
    iou = box_iou(boxes, boxes)
    assert np.all((iou >= 0) & (iou <= 1 + 1e-12))
    np.testing.assert_allclose(iou, iou.T)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    np.testing.assert_allclose(np.diag(iou)[area > 0], 1.0)


@pytest.mark.parametrize(("a", "b", "exc", "match"), [
    ([[0, 0, 1]], [[0, 0, 1, 1]], ValueError, "boxes_a"),
    ([[0, 0, 1, 1]], [[0, 0, 1, 1, 1]], ValueError, "boxes_b"),
    ([[2, 0, 1, 1]], [[0, 0, 1, 1]], ValueError, "boxes_a"),       # x1 < x0
    ([[0, 0, 1, 1]], [[0, 3, 1, 1]], ValueError, "boxes_b"),       # y1 < y0
    ([[0, 0, np.nan, 1]], [[0, 0, 1, 1]], ValueError, "boxes_a"),
    ([[0, 0, 1, 1]], [[0, 0, 1, np.inf]], ValueError, "boxes_b"),
    ("0011", [[0, 0, 1, 1]], TypeError, "boxes_a"),
    ([[0, 0, 1, 1]], [["a", 0, 1, 1]], TypeError, "boxes_b"),
    ({"x": 1}, [[0, 0, 1, 1]], TypeError, "boxes_a"),
])
def test_box_iou_bad_input(a, b, exc, match):
    with pytest.raises(exc, match=match):
        box_iou(a, b)


# --------------------------------------------------------------------------------------------
# nms
# --------------------------------------------------------------------------------------------

def naive_nms(boxes, scores, thr):
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep = []
    for i in order:
        if all(box_iou([boxes[i]], [boxes[j]])[0, 0] <= thr for j in keep):
            keep.append(i)
    return keep


def test_nms_hand_case():
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]]
    scores = [0.9, 0.8, 0.7, 0.95]
    # box 3 (best) suppresses 0 (IoU 0.9) and 1 (IoU ~0.66); box 2 is far away
    np.testing.assert_array_equal(nms(boxes, scores, 0.5), [3, 2])
    # a loose threshold keeps boxes whose overlap does not exceed it
    np.testing.assert_array_equal(nms(boxes, scores, 0.95), [3, 0, 1, 2])


def test_nms_threshold_is_strict_and_ties_keep_input_order():
    boxes = [[0, 0, 2, 2], [1, 1, 3, 3]]           # IoU exactly 1/7
    assert nms(boxes, [0.5, 0.5], 1 / 7).tolist() == [0, 1]   # not exceeding: kept
    assert nms(boxes, [0.5, 0.5], 0.1).tolist() == [0]
    assert nms(np.zeros((0, 4)), [], 0.5).tolist() == []


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 1.0))
def test_nms_matches_naive_reference(seed, thr):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 25))
    xy = rng.uniform(0, 30, (n, 2))
    boxes = np.hstack([xy, xy + rng.uniform(1, 15, (n, 2))])
    scores = rng.uniform(size=n)
    keep = nms(boxes, scores, thr)
    assert keep.tolist() == naive_nms(boxes, scores, thr)
    kept = boxes[keep]
    iou = box_iou(kept, kept)
    assert np.all(iou[~np.eye(len(keep), dtype=bool)] <= thr)   # no kept pair overlaps too much


@pytest.mark.parametrize(("boxes", "scores", "thr", "exc", "match"), [
    ([[0, 0, 1, 1]], [0.5, 0.6], 0.5, ValueError, "scores"),
    ([[0, 0, 1, 1]], [np.nan], 0.5, ValueError, "scores"),
    ([[0, 0, 1, 1]], [0.5], 1.5, ValueError, "iou_threshold"),
    ([[0, 0, 1, 1]], [0.5], "0.5", TypeError, "iou_threshold"),
    ([[0, 0, 1]], [0.5], 0.5, ValueError, "boxes"),
    ([[0, 0, 1, 1]], [[0.5]], 0.5, ValueError, "scores"),
])
def test_nms_bad_input(boxes, scores, thr, exc, match):
    with pytest.raises(exc, match=match):
        nms(boxes, scores, thr)


# --------------------------------------------------------------------------------------------
# average_precision and match_detections
# --------------------------------------------------------------------------------------------

def test_recall_points_are_cocos():
    assert RECALL_POINTS.size == 101
    assert RECALL_POINTS[0] == 0 and RECALL_POINTS[-1] == 1


def test_average_precision_hand_cases():
    box = [0, 0, 10, 10]
    # one perfect detection: AP 1
    assert average_precision([[box]], [[box]], [[0.9]]) == pytest.approx(1.0)
    # a false positive ranked first, then the hit: precision 1/2 at recall 1 -> AP 0.5
    assert average_precision([[box]], [[[50, 50, 60, 60], box]], [[0.9, 0.8]]) == pytest.approx(0.5)
    # the hit first, then a false positive: the monotone envelope keeps precision 1 -> AP 1
    assert average_precision([[box]], [[box, [50, 50, 60, 60]]], [[0.9, 0.8]]) == pytest.approx(1.0)
    # two true boxes, one found with precision 1: recall points 0..0.5 (51 of 101) at precision 1
    assert average_precision([[box], [box]], [[box], []], [[0.9], []]) == pytest.approx(51 / 101)
    # nothing detected: AP 0
    assert average_precision([[box]], [[]], [[]]) == 0.0


def test_a_duplicate_detection_is_a_false_positive():
    box = [0, 0, 10, 10]
    # the duplicate (lower score) finds the box already matched: TP then FP; AP stays 1
    assert average_precision([[box]], [[box, box]], [[0.9, 0.8]]) == pytest.approx(1.0)
    # the duplicate scores higher than the only detection of a second object: FP before a TP
    gt = [[box], [box]]
    pred = [[box, box], [box]]
    scores = [[0.9, 0.8], [0.7]]
    # sequence TP, FP, TP: precision 1, 1/2, 2/3 -> envelope 1 up to recall 0.5, 2/3 after
    expected = (51 * 1.0 + 50 * 2 / 3) / 101
    assert average_precision(gt, pred, scores) == pytest.approx(expected)
    assert average_precision(gt, pred, scores) == pytest.approx(coco_ap(gt, pred, scores))


def test_match_prefers_the_unmatched_box_of_highest_iou():
    gt = [[[0, 0, 10, 10], [2, 0, 12, 10]]]
    pred = [[[1, 0, 11, 10], [0, 0, 10, 10]]]
    # the first detection overlaps both boxes equally (IoU 9/11) and, as in pycocotools, takes
    # the later one; the second then matches box 0 exactly
    flags = match_detections(gt, pred, [[0.9, 0.8]])
    assert flags[0].tolist() == [True, True]
    # below the threshold nothing matches
    assert match_detections(gt, pred, [[0.9, 0.8]], iou_threshold=0.95)[0].tolist() == [False, True]
    # flags come back in input order
    assert match_detections([[[0, 0, 10, 10]]], [[[50, 50, 60, 60], [0, 0, 10, 10]]],
                            [[0.1, 0.9]])[0].tolist() == [False, True]


@pytest.mark.parametrize("threshold", [0.5, 0.75, 0.3])
def test_average_precision_matches_pycocotools(threshold):
    rng = np.random.default_rng(7)
    for _ in range(40):
        gt, pred, scores = random_case(rng, int(rng.integers(1, 8)))
        if sum(len(g) for g in gt) == 0:
            continue
        ours = average_precision(gt, pred, scores, iou_threshold=threshold)
        assert ours == pytest.approx(coco_ap(gt, pred, scores, threshold), abs=1e-12)


def test_average_precision_matches_pycocotools_with_tied_scores():
    rng = np.random.default_rng(11)
    for _ in range(40):
        gt, pred, scores = random_case(rng, int(rng.integers(1, 6)), distinct_scores=False)
        if sum(len(g) for g in gt) == 0:
            continue
        assert average_precision(gt, pred, scores) == pytest.approx(coco_ap(gt, pred, scores), abs=1e-12)


def test_match_detections_gives_the_true_positives_of_average_precision():
    rng = np.random.default_rng(3)
    gt, pred, scores = random_case(rng, 6)
    flags = match_detections(gt, pred, scores)
    assert [f.shape for f in flags] == [np.shape(s) for s in scores]
    total_tp = sum(int(f.sum()) for f in flags)
    assert total_tp <= sum(len(g) for g in gt)


@pytest.mark.parametrize(("gt", "pred", "scores", "exc", "match"), [
    ([], [], [], ValueError, "gt_boxes"),
    ([[[0, 0, 1, 1]]], [[[0, 0, 1, 1]]], [[0.5, 0.6]], ValueError, "pred_scores"),
    ([[[0, 0, 1, 1]]], [[[0, 0, 1, 1]], []], [[0.5], []], ValueError, "pred_boxes"),
    ([[[0, 0, 1, 1]]], [[[0, 0, 1, 1]]], [[np.nan]], ValueError, "pred_scores"),
    ([[[1, 0, 0, 1]]], [[[0, 0, 1, 1]]], [[0.5]], ValueError, "gt_boxes"),
    (np.zeros((1, 1, 4)), [[[0, 0, 1, 1]]], [[0.5]], TypeError, "gt_boxes"),
    ([[]], [[[0, 0, 1, 1]]], [[0.5]], ValueError, "no box"),
])
def test_average_precision_bad_input(gt, pred, scores, exc, match):
    with pytest.raises(exc, match=match):
        average_precision(gt, pred, scores)


def test_average_precision_bad_threshold():
    with pytest.raises(ValueError, match="iou_threshold"):
        average_precision([[[0, 0, 1, 1]]], [[[0, 0, 1, 1]]], [[0.5]], iou_threshold=2)


# --------------------------------------------------------------------------------------------
# bootstrap over images
# --------------------------------------------------------------------------------------------

def test_bootstrap_image_counts():
    counts = bootstrap_image_counts(7, 200, random_state=0)
    assert counts.shape == (200, 7)
    assert np.all(counts.sum(axis=1) == 7) and counts.min() >= 0
    np.testing.assert_array_equal(counts, bootstrap_image_counts(7, 200, random_state=0))
    assert not np.array_equal(counts, bootstrap_image_counts(7, 200, random_state=1))
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_image_counts(7, 10)
    with pytest.raises(TypeError, match="n_images"):
        bootstrap_image_counts(7.0, 200)


def test_bootstrap_average_precision_equals_ap_on_duplicated_images():
    rng = np.random.default_rng(5)
    gt, pred, scores = random_case(rng, 6)
    gt[0] = np.array([[0.0, 0.0, 10.0, 10.0]])  # at least one true box
    counts = np.vstack([np.ones(6, dtype=int), rng.integers(0, 3, (20, 6))])
    counts[1:, 0] = np.maximum(counts[1:, 0], 1)
    boot = bootstrap_average_precision(gt, pred, scores, counts)
    assert boot[0] == pytest.approx(average_precision(gt, pred, scores))
    for row, value in zip(counts[1:], boot[1:], strict=True):
        idx = np.repeat(np.arange(6), row)
        expected = average_precision([gt[i] for i in idx], [pred[i] for i in idx], [scores[i] for i in idx])
        assert value == pytest.approx(expected, abs=1e-12)


def test_bootstrap_average_precision_nan_without_ground_truth_and_bad_counts():
    gt = [np.array([[0.0, 0.0, 10.0, 10.0]]), np.zeros((0, 4))]
    pred = [np.array([[0.0, 0.0, 10.0, 10.0]]), np.array([[5.0, 5.0, 9.0, 9.0]])]
    scores = [np.array([0.9]), np.array([0.8])]
    out = bootstrap_average_precision(gt, pred, scores, [[0, 2], [2, 0]])
    assert np.isnan(out[0]) and out[1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="image_counts"):
        bootstrap_average_precision(gt, pred, scores, [[1, 1, 1]])
    with pytest.raises(ValueError, match="image_counts"):
        bootstrap_average_precision(gt, pred, scores, [[-1, 1]])
