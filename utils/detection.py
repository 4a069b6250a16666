"""Object-detection helpers: box IoU, non-maximum suppression and COCO-style average precision.

Boxes are ``(x0, y0, x1, y1)`` with ``x0 <= x1`` and ``y0 <= y1``; a box's area is
``(x1 - x0) * (y1 - y0)`` (no "+1" pixel convention, as in COCO).

Average precision follows COCO's evaluation (``pycocotools.cocoeval.COCOeval``, one class, one
IoU threshold, no area range and no cap on detections per image):

1. within each image the detections are sorted by score (stable), and each one, best first, is
   matched to the still unmatched ground-truth box of highest IoU, if that IoU is >= the
   threshold; a matched detection is a true positive, any other a false positive;
2. the detections of all images are sorted by score (stable: ties keep image order);
3. precision and recall are accumulated down that list, precision is made monotone
   (each value becomes the maximum precision at any higher recall), and it is read at the 101
   recall points 0, 0.01, ..., 1 (0 where the recall is never reached); AP is their mean.

For a confidence interval on AP, resample *images* (the unit a detector is deployed on), not
boxes: :func:`bootstrap_image_counts` draws the resamples and :func:`bootstrap_average_precision`
recomputes AP on each, for any number of systems and classes on the same resamples (paired).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._validation import check_fraction, check_positive_int, rng_from

__all__ = [
    "box_iou",
    "nms",
    "average_precision",
    "match_detections",
    "bootstrap_image_counts",
    "bootstrap_average_precision",
]

_CHUNK_ELEMENTS = 4_000_000  # resamples x detections held in memory at once by the bootstrap

#: COCO's recall points: 0, 0.01, ..., 1 (built exactly as ``pycocotools`` builds them).
RECALL_POINTS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)


def _as_boxes(boxes, name: str) -> np.ndarray:
    """Return ``boxes`` as a finite float array of shape ``(n, 4)`` with ordered corners."""
    if isinstance(boxes, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be an array of boxes (n, 4), got {type(boxes).__name__}")
    try:
        arr = np.asarray(boxes, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers of shape (n, 4) ({exc})") from None
    if arr.size == 0:
        return np.zeros((0, 4))
    if arr.ndim == 1 and arr.size == 4:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise ValueError(f"{name} must have shape (n, 4) as (x0, y0, x1, y1), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(arr[:, 2] < arr[:, 0]) or np.any(arr[:, 3] < arr[:, 1]):
        raise ValueError(f"{name} must satisfy x0 <= x1 and y0 <= y1 in every box")
    return arr


def _as_scores(scores, name: str, n: int) -> np.ndarray:
    if isinstance(scores, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be a 1-D array of numbers, got {type(scores).__name__}")
    try:
        arr = np.asarray(scores, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 1-D array of numbers ({exc})") from None
    if arr.size == 0:
        arr = arr.reshape(0)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size != n:
        raise ValueError(f"{name} has {arr.size} scores for {n} boxes")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _pairwise_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    w = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = w * h
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def box_iou(boxes_a, boxes_b) -> np.ndarray:
    """Pairwise intersection over union of two sets of boxes.

    Parameters
    ----------
    boxes_a : array-like of shape (n, 4)
        Boxes ``(x0, y0, x1, y1)``; a single box of shape ``(4,)`` is accepted.
    boxes_b : array-like of shape (m, 4)

    Returns
    -------
    numpy.ndarray of shape (n, m)
        ``iou[i, j]`` in ``[0, 1]``; 0 when two boxes do not overlap or both have zero area.

    Examples
    --------
    >>> box_iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 2, 2]]).round(4)
    array([[0.1429, 1.    ]])
    """
    a = _as_boxes(boxes_a, "boxes_a")
    b = _as_boxes(boxes_b, "boxes_b")
    return _pairwise_iou(a, b)


def nms(boxes, scores, iou_threshold: float = 0.5) -> np.ndarray:
    """Greedy non-maximum suppression.

    The boxes are visited from the highest score down (ties keep input order); a box is kept
    unless its IoU with an already kept box *exceeds* ``iou_threshold``.

    Parameters
    ----------
    boxes : array-like of shape (n, 4)
    scores : array-like of shape (n,)
    iou_threshold : float, default 0.5
        In ``[0, 1]``.

    Returns
    -------
    numpy.ndarray of int
        Indices of the kept boxes, highest score first.

    Examples
    --------
    >>> nms([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], [0.9, 0.8, 0.7], 0.5)
    array([0, 2])
    """
    b = _as_boxes(boxes, "boxes")
    s = _as_scores(scores, "scores", len(b))
    thr = check_fraction(iou_threshold, "iou_threshold", inclusive=True)
    order = np.argsort(-s, kind="stable")
    if order.size == 0:
        return order.astype(int)
    iou = _pairwise_iou(b[order], b[order])
    suppressed = np.zeros(order.size, dtype=bool)
    keep = []
    for i in range(order.size):
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= iou[i] > thr
    return order[np.asarray(keep, dtype=int)]


def _check_images(gt_boxes, pred_boxes, pred_scores):
    for name, value in (("gt_boxes", gt_boxes), ("pred_boxes", pred_boxes), ("pred_scores", pred_scores)):
        if isinstance(value, (str, bytes, Mapping, np.ndarray)) or not isinstance(value, Sequence):
            raise TypeError(f"{name} must be a list with one entry per image, got {type(value).__name__}")
    if len(gt_boxes) == 0:
        raise ValueError("gt_boxes is empty: there are no images")
    for name, value in (("pred_boxes", pred_boxes), ("pred_scores", pred_scores)):
        if len(value) != len(gt_boxes):
            raise ValueError(f"gt_boxes and {name} have different lengths ({len(gt_boxes)} != {len(value)})")
    gts, preds, scores = [], [], []
    for i in range(len(gt_boxes)):
        gts.append(_as_boxes(gt_boxes[i], f"gt_boxes[{i}]"))
        preds.append(_as_boxes(pred_boxes[i], f"pred_boxes[{i}]"))
        scores.append(_as_scores(pred_scores[i], f"pred_scores[{i}]", len(preds[-1])))
    return gts, preds, scores


def _match_image(gt: np.ndarray, pred: np.ndarray, score: np.ndarray, thr: float):
    """COCO matching in one image: (scores sorted best first, true-positive flags)."""
    order = np.argsort(-score, kind="mergesort")
    s = score[order]
    tp = np.zeros(order.size, dtype=bool)
    if gt.shape[0] == 0 or order.size == 0:
        return s, tp
    iou = _pairwise_iou(pred[order], gt)
    start = min(thr, 1 - 1e-10)
    candidates = np.flatnonzero((iou >= start).any(axis=1))  # the others cannot match
    taken = np.zeros(gt.shape[0], dtype=bool)
    for d in candidates:
        best, m = start, -1
        for g in range(gt.shape[0]):  # pycocotools' loop: ties go to the later box
            if taken[g] or iou[d, g] < best:
                continue
            best, m = iou[d, g], g
        if m >= 0:
            taken[m] = True
            tp[d] = True
    return s, tp


def _ap_from_sorted(tp_weights: np.ndarray, fp_weights: np.ndarray, n_gt: np.ndarray) -> np.ndarray:
    """AP for each row of weights; columns are detections already sorted by score.

    ``tp_weights[r, j]`` is how many times detection ``j`` counts as a true positive in resample
    ``r`` (its image's multiplicity, or 0), ``fp_weights`` likewise, ``n_gt[r]`` the ground-truth
    boxes of the resample. Rows without ground truth give NaN.
    """
    n_rows = tp_weights.shape[0]
    if tp_weights.shape[1] == 0:
        return np.where(n_gt > 0, 0.0, np.nan)
    tp = np.cumsum(tp_weights, axis=1, dtype=float)
    fp = np.cumsum(fp_weights, axis=1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = tp / n_gt[:, None]
        precision = np.where(tp + fp > 0, tp / np.where(tp + fp > 0, tp + fp, 1.0), 0.0)
    precision = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]  # monotone envelope
    out = np.full(n_rows, np.nan)
    for r in range(n_rows):
        if n_gt[r] <= 0:
            continue
        idx = np.searchsorted(recall[r], RECALL_POINTS, side="left")
        valid = idx < recall.shape[1]
        out[r] = precision[r, idx[valid]].sum() / RECALL_POINTS.size
    return out


def _sorted_detections(gts, preds, scores, thr):
    per_image = [_match_image(g, p, s, thr) for g, p, s in zip(gts, preds, scores, strict=True)]
    all_scores = np.concatenate([s for s, _ in per_image]) if per_image else np.zeros(0)
    all_tp = np.concatenate([t for _, t in per_image])
    image_of = np.concatenate([np.full(len(s), i) for i, (s, _) in enumerate(per_image)]).astype(int)
    order = np.argsort(-all_scores, kind="mergesort")
    n_gt = np.array([g.shape[0] for g in gts])
    tp = all_tp[order]
    # False positives after the last true positive cannot change AP (they only add points at the
    # highest recall, below the precision already reached there), in any resample: drop them.
    last = int(np.flatnonzero(tp)[-1]) + 1 if tp.any() else 0
    return tp[:last], image_of[order][:last], n_gt


def average_precision(gt_boxes, pred_boxes, pred_scores, *, iou_threshold: float = 0.5) -> float:
    """Average precision of one class over a list of images, in COCO's convention.

    Parameters
    ----------
    gt_boxes : list of array-like of shape (k_i, 4)
        The ground-truth boxes of each image (an image may have none).
    pred_boxes : list of array-like of shape (n_i, 4)
        The detected boxes of each image.
    pred_scores : list of array-like of shape (n_i,)
        The confidence of each detection.
    iou_threshold : float, default 0.5
        A detection matches a ground-truth box when their IoU is >= this value.

    Returns
    -------
    float
        AP in ``[0, 1]``: the mean of the monotone precision at the 101 recall points.

    Raises
    ------
    ValueError
        When the images hold no ground-truth box (AP is undefined), or on malformed input.

    Examples
    --------
    >>> gt = [[[0, 0, 10, 10]], [[0, 0, 10, 10]]]
    >>> pred = [[[0, 0, 10, 10]], [[50, 50, 60, 60]]]
    >>> round(average_precision(gt, pred, [[0.9], [0.8]]), 4)  # precision 1 up to recall 0.5
    0.505
    """
    gts, preds, scores = _check_images(gt_boxes, pred_boxes, pred_scores)
    thr = check_fraction(iou_threshold, "iou_threshold", inclusive=True)
    if sum(g.shape[0] for g in gts) == 0:
        raise ValueError("gt_boxes holds no box: average precision is undefined")
    tp, _, n_gt = _sorted_detections(gts, preds, scores, thr)
    ap = _ap_from_sorted(tp[None, :].astype(float), (~tp)[None, :].astype(float), np.array([n_gt.sum()]))
    return float(ap[0])


def match_detections(gt_boxes, pred_boxes, pred_scores, *, iou_threshold: float = 0.5) -> list:
    """Which detections are true positives, with the matching of :func:`average_precision`.

    Because each image's detections are matched best score first, the true positives among the
    detections scoring at least ``t`` are the same whatever lower-scored detections exist: the
    recall and precision of a detector thresholded at ``t`` follow from these flags.

    Parameters
    ----------
    gt_boxes, pred_boxes, pred_scores, iou_threshold
        As in :func:`average_precision` (images without ground truth are allowed).

    Returns
    -------
    list of numpy.ndarray of bool
        Per image, one flag per detection *in the input order*: True when it matched a box.

    Examples
    --------
    >>> match_detections([[[0, 0, 10, 10]]], [[[0, 0, 10, 9], [0, 0, 10, 10]]], [[0.5, 0.9]])
    [array([False,  True])]
    """
    gts, preds, scores = _check_images(gt_boxes, pred_boxes, pred_scores)
    thr = check_fraction(iou_threshold, "iou_threshold", inclusive=True)
    out = []
    for g, p, s in zip(gts, preds, scores, strict=True):
        order = np.argsort(-s, kind="mergesort")
        _, tp_sorted = _match_image(g, p, s, thr)
        tp = np.zeros(s.size, dtype=bool)
        tp[order] = tp_sorted
        out.append(tp)
    return out


def bootstrap_image_counts(n_images: int, n_boot: int = 1000, *, random_state=0) -> np.ndarray:
    """Bootstrap resamples of images, as multiplicities.

    Parameters
    ----------
    n_images : int
        Images in the evaluation set.
    n_boot : int, default 1000
        Resamples, ``>= 100``.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    numpy.ndarray of shape (n_boot, n_images)
        ``counts[r, i]``: how often image ``i`` is drawn (with replacement) in resample ``r``;
        each row sums to ``n_images``. Reuse the same counts for every system and class so the
        comparisons are paired.
    """
    n_images = check_positive_int(n_images, "n_images")
    n_boot = check_positive_int(n_boot, "n_boot", minimum=100)
    rng = rng_from(random_state)
    draws = rng.integers(0, n_images, size=(n_boot, n_images))
    counts = np.zeros((n_boot, n_images), dtype=np.int64)
    np.add.at(counts, (np.repeat(np.arange(n_boot), n_images), draws.ravel()), 1)
    return counts


def bootstrap_average_precision(gt_boxes, pred_boxes, pred_scores, image_counts, *,
                                iou_threshold: float = 0.5) -> np.ndarray:
    """Average precision recomputed on each bootstrap resample of the images.

    Matching is done once per image (it does not depend on the other images); each resample then
    weights every detection and ground-truth box by its image's multiplicity. With all counts 1
    the result equals :func:`average_precision`; with counts ``c`` it equals
    :func:`average_precision` on the list in which image ``i`` appears ``c[i]`` times (exactly,
    when no two detections of one image share a score).

    Parameters
    ----------
    gt_boxes, pred_boxes, pred_scores
        As in :func:`average_precision`.
    image_counts : array-like of int, shape (n_boot, n_images)
        Multiplicities from :func:`bootstrap_image_counts`.
    iou_threshold : float, default 0.5

    Returns
    -------
    numpy.ndarray of shape (n_boot,)
        AP per resample; NaN for a resample without any ground-truth box.
    """
    gts, preds, scores = _check_images(gt_boxes, pred_boxes, pred_scores)
    thr = check_fraction(iou_threshold, "iou_threshold", inclusive=True)
    counts = np.asarray(image_counts)
    if counts.ndim != 2 or counts.shape[1] != len(gts):
        raise ValueError(f"image_counts must have shape (n_boot, {len(gts)}), got {counts.shape}")
    if (not np.issubdtype(counts.dtype, np.number) or np.any(counts < 0)
            or np.any(counts != np.round(counts))):
        raise ValueError("image_counts must hold non-negative integers")
    counts = counts.astype(float)
    tp, image_of, n_gt = _sorted_detections(gts, preds, scores, thr)
    rows_per_chunk = max(1, _CHUNK_ELEMENTS // max(1, tp.size))  # bounds the memory used
    out = []
    for start in range(0, counts.shape[0], rows_per_chunk):
        c = counts[start:start + rows_per_chunk]
        w = c[:, image_of]
        out.append(_ap_from_sorted(w * tp, w * ~tp, c @ n_gt))
    return np.concatenate(out)

