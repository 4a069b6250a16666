"""Unit tests of ``utils.datasets.street_view``: the synthetic street scenes of chapter 03."""
import numpy as np
import pytest

from utils.datasets import STREET_VIEW_CLASSES, StreetViewData, make_street_view_data
from utils.detection import box_iou


@pytest.fixture(scope="module")
def scenes():
    return make_street_view_data(300, random_state=0)


def test_shapes_types_and_ranges(scenes):
    assert isinstance(scenes, StreetViewData)
    assert len(scenes) == 300
    assert scenes.images.shape == (300, 64, 96) and scenes.images.dtype == np.float32
    assert scenes.images.min() >= 0 and scenes.images.max() <= 1
    assert len(scenes.boxes) == len(scenes.labels) == 300
    for boxes, labels in zip(scenes.boxes, scenes.labels, strict=True):
        assert boxes.shape == (len(labels), 4)
        assert set(labels.tolist()) <= {0, 1}
        assert np.all(boxes[:, 0] >= 0) and np.all(boxes[:, 1] >= 0)
        assert np.all(boxes[:, 2] <= 96) and np.all(boxes[:, 3] <= 64)
        assert np.all(boxes[:, 2] > boxes[:, 0]) and np.all(boxes[:, 3] > boxes[:, 1])
    assert scenes.class_names == STREET_VIEW_CLASSES == ("face", "plate")


def test_label_rates_and_shapes_of_objects(scenes):
    faces = np.concatenate([b[lab == 0] for b, lab in zip(scenes.boxes, scenes.labels, strict=True)])
    plates = np.concatenate([b[lab == 1] for b, lab in zip(scenes.boxes, scenes.labels, strict=True)])
    # Poisson(1.0) faces and Poisson(0.8) plates capped at 2 per image: about 0.86 and 0.72
    assert 0.75 < len(faces) / 300 < 0.97
    assert 0.6 < len(plates) / 300 < 0.85
    empty = np.mean([len(lab) == 0 for lab in scenes.labels])
    assert 0.1 < empty < 0.3
    face_h, face_w = faces[:, 3] - faces[:, 1], faces[:, 2] - faces[:, 0]
    plate_h, plate_w = plates[:, 3] - plates[:, 1], plates[:, 2] - plates[:, 0]
    assert face_h.min() >= 14 and face_h.max() <= 22
    assert np.all(face_w < face_h)                               # faces are taller than wide
    assert np.allclose(plate_w / plate_h, 2, atol=0.25)          # plates are 2:1
    assert plate_w.min() >= 16 and plate_w.max() <= 26


def test_objects_do_not_overlap(scenes):
    for boxes in scenes.boxes:
        if len(boxes) > 1:
            iou = box_iou(boxes, boxes)
            assert np.all(iou[~np.eye(len(boxes), dtype=bool)] == 0)


def test_objects_carry_inner_structure(scenes):
    """A face has darker eyes inside its ellipse; a plate has dark characters on a bright field."""
    i = next(i for i, lab in enumerate(scenes.labels) if 1 in lab.tolist())
    x0, y0, x1, y1 = scenes.boxes[i][scenes.labels[i] == 1][0].astype(int)
    plate = scenes.images[i, y0:y1, x0:x1]
    assert np.median(plate) > 0.6 and plate.min() < np.median(plate) - 0.3


def test_deterministic_given_the_seed():
    a = make_street_view_data(20, random_state=3)
    b = make_street_view_data(20, random_state=3)
    c = make_street_view_data(20, random_state=4)
    np.testing.assert_array_equal(a.images, b.images)
    assert all(np.array_equal(x, y) for x, y in zip(a.boxes, b.boxes, strict=True))
    assert all(np.array_equal(x, y) for x, y in zip(a.labels, b.labels, strict=True))
    assert not np.array_equal(a.images, c.images)
    gen = make_street_view_data(20, random_state=np.random.default_rng(3))
    np.testing.assert_array_equal(gen.images, a.images)


def test_exposure_darkens_and_object_scale_shrinks():
    day = make_street_view_data(60, random_state=1)
    night = make_street_view_data(60, exposure=0.45, random_state=1)
    small = make_street_view_data(60, object_scale=0.8, random_state=1)
    assert night.images.mean() < 0.55 * day.images.mean()
    assert night.images.std(axis=(1, 2)).mean() < 0.6 * day.images.std(axis=(1, 2)).mean()
    # same scene layout apart from the photometry
    assert all(np.array_equal(x, y) for x, y in zip(day.boxes, night.boxes, strict=True))
    height = np.concatenate([b[:, 3] - b[:, 1] for b in day.boxes])
    height_small = np.concatenate([b[:, 3] - b[:, 1] for b in small.boxes])
    assert np.median(height_small) < 0.9 * np.median(height)
    assert abs(small.images.mean() - day.images.mean()) < 0.03   # brightness barely moves


def test_lens_blur_keeps_the_scene_and_its_brightness_but_softens_edges():
    sharp = make_street_view_data(40, random_state=2)
    soft = make_street_view_data(40, lens_blur=0.6, random_state=2)
    assert all(np.array_equal(x, y) for x, y in zip(sharp.boxes, soft.boxes, strict=True))
    assert abs(soft.images.mean() - sharp.images.mean()) < 0.005

    def edges(images):
        gy, gx = np.gradient(images, axis=(1, 2))
        return np.hypot(gx, gy).mean()

    assert edges(soft.images) < 0.95 * edges(sharp.images)  # the sensor noise keeps some gradient


def test_subset_boxes_of_and_concat(scenes):
    part = scenes.subset([2, 0])
    np.testing.assert_array_equal(part.images[1], scenes.images[0])
    assert np.array_equal(part.boxes[0], scenes.boxes[2])
    faces = scenes.boxes_of(0)
    assert len(faces) == 300 and all(f.shape[1] == 4 for f in faces)
    both = StreetViewData.concat([part, scenes.subset([5])])
    assert len(both) == 3 and np.array_equal(both.labels[2], scenes.labels[5])
    with pytest.raises(ValueError, match="parts"):
        StreetViewData.concat([])


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"n_images": 0}, ValueError, "n_images"),
    ({"n_images": 2.5}, TypeError, "n_images"),
    ({"height": 16}, ValueError, "height"),
    ({"face_rate": -1.0}, ValueError, "face_rate"),
    ({"exposure": 0.0}, ValueError, "exposure"),
    ({"sensor_noise": float("nan")}, ValueError, "sensor_noise"),
    ({"object_scale": 2.0}, ValueError, "object_scale"),
    ({"lens_blur": -0.5}, ValueError, "lens_blur"),
    ({"random_state": "seed"}, TypeError, "random_state"),
])
def test_bad_input(kwargs, exc, match):
    args = {"n_images": 2, **kwargs}
    with pytest.raises(exc, match=match):
        make_street_view_data(**args)
