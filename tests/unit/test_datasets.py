"""Unit tests of ``utils.datasets``: bundled data sets and seeded generators."""
import numpy as np
import pandas as pd
import pytest
from scipy.ndimage import shift as nd_shift
from sklearn.datasets import load_breast_cancer, load_digits

from utils.datasets import (
    VisualSearchData,
    load_cancer_screening,
    make_ann_benchmark,
    make_visual_search_data,
)
from utils.datasets.visual_search import photograph, shift_images, shifted_views

# --------------------------------------------------------------------------------------------
# load_cancer_screening
# --------------------------------------------------------------------------------------------


def test_load_cancer_screening_shape_and_flipped_label():
    X, y = load_cancer_screening()
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == (569, 30)
    assert y.shape == (569,) and y.name == "malignant"
    assert set(y.unique()) == {0, 1}
    assert int(y.sum()) == 212  # 212 malignant biopsies, the positive class
    sk = load_breast_cancer()
    np.testing.assert_array_equal(y.to_numpy(), 1 - sk.target)  # sklearn codes 0 = malignant
    assert list(sk.target_names) == ["malignant", "benign"]
    np.testing.assert_array_equal(X.to_numpy(), sk.data)
    # malignant nuclei are larger: the flip points the right way
    assert X.loc[y == 1, "mean radius"].mean() > X.loc[y == 0, "mean radius"].mean()


def test_load_cancer_screening_returns_fresh_copies():
    X, y = load_cancer_screening()
    X.iloc[0, 0] = -1.0
    X2, _ = load_cancer_screening()
    assert X2.iloc[0, 0] != -1.0


# --------------------------------------------------------------------------------------------
# make_visual_search_data
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def visual():
    return make_visual_search_data(random_state=0)


def test_visual_search_data_shapes_and_types(visual):
    assert isinstance(visual, VisualSearchData)
    assert visual.catalog_images.shape == (1200, 8, 8)
    assert visual.query_images.shape == (1797 - 1200, 8, 8)
    assert visual.catalog_labels.shape == (1200,) and visual.query_labels.shape == (597,)
    assert visual.catalog_vectors.shape == (1200, 64) and visual.catalog_vectors.dtype == np.float32
    assert visual.query_vectors.shape == (597, 64) and visual.query_vectors.dtype == np.float32
    digits = load_digits()
    np.testing.assert_array_equal(visual.catalog_labels, digits.target[:1200])
    np.testing.assert_array_equal(visual.query_labels, digits.target[1200:])
    np.testing.assert_array_equal(visual.catalog_images, digits.images[:1200])
    np.testing.assert_array_equal(visual.catalog_vectors[5], digits.images[5].ravel())
    assert set(visual.query_labels) == set(range(10))


def test_visual_search_data_values_in_pixel_range(visual):
    for images in (visual.catalog_images, visual.query_images):
        assert images.min() >= 0 and images.max() <= 16


def test_visual_search_data_is_deterministic(visual):
    again = make_visual_search_data(random_state=0)
    np.testing.assert_array_equal(again.query_images, visual.query_images)
    other = make_visual_search_data(random_state=1)
    assert not np.array_equal(other.query_images, visual.query_images)
    np.testing.assert_array_equal(other.catalog_images, visual.catalog_images)


def test_visual_search_queries_differ_from_originals(visual):
    originals = load_digits().images[1200:]
    diff = np.abs(visual.query_images - originals).reshape(len(originals), -1).sum(axis=1)
    assert np.all(diff > 0)
    # the shift is never (0, 0): without noise every query is still a moved image
    shifted = make_visual_search_data(noise=0.0, max_shift=1)
    moved = np.abs(shifted.query_images - originals).reshape(len(originals), -1).sum(axis=1)
    assert np.all(moved > 0)
    # pure translation: pixel values are the original ones (no interpolation), only moved or cut
    assert set(np.unique(shifted.query_images)) <= set(np.unique(originals))


def test_visual_search_without_perturbation_reproduces_originals():
    plain = make_visual_search_data(300, noise=0.0, max_shift=0)
    np.testing.assert_array_equal(plain.query_images, load_digits().images[300:])


def test_visual_search_catalog_size():
    small = make_visual_search_data(10)
    assert len(small.catalog_images) == 10 and len(small.query_images) == 1787
    large = make_visual_search_data(1787)
    assert len(large.query_images) == 10


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    ((9,), {}, ValueError, "n_catalog"),
    ((1788,), {}, ValueError, "n_catalog"),
    ((100.0,), {}, TypeError, "n_catalog"),
    ((), {"max_shift": -1}, ValueError, "max_shift"),
    ((), {"max_shift": 1.5}, TypeError, "max_shift"),
    ((), {"noise": -0.5}, ValueError, "noise"),
    ((), {"noise": np.nan}, ValueError, "noise"),
    ((), {"random_state": "0"}, TypeError, "random_state"),
])
def test_make_visual_search_data_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        make_visual_search_data(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# make_ann_benchmark
# --------------------------------------------------------------------------------------------

def test_make_ann_benchmark_shapes_norms_dtype():
    db, queries = make_ann_benchmark(600, 40, dim=16, n_centers=10)
    assert db.shape == (600, 16) and queries.shape == (40, 16)
    for arr in (db, queries):
        assert arr.dtype == np.float32 and arr.flags.c_contiguous
        np.testing.assert_allclose(np.linalg.norm(arr, axis=1), 1.0, rtol=1e-5)


def test_make_ann_benchmark_defaults():
    db, queries = make_ann_benchmark(n_vectors=100, n_queries=5)
    assert db.shape == (100, 64) and queries.shape == (5, 64)


def test_make_ann_benchmark_is_deterministic():
    a = make_ann_benchmark(300, 20, dim=8, n_centers=5, random_state=4)
    b = make_ann_benchmark(300, 20, dim=8, n_centers=5, random_state=4)
    c = make_ann_benchmark(300, 20, dim=8, n_centers=5, random_state=5)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_make_ann_benchmark_is_clustered():
    """Tight clusters: a vector's nearest neighbour is far closer than a random pair."""
    db, _ = make_ann_benchmark(500, 1, dim=16, n_centers=5, cluster_std=1.0)
    sims = db @ db.T
    np.fill_diagonal(sims, -np.inf)
    assert np.median(sims.max(axis=1)) > 0.95
    assert abs(np.median(db[:250] @ db[250:].T)) < np.median(sims.max(axis=1))


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"n_vectors": 0}, ValueError, "n_vectors"),
    ({"n_queries": 0}, ValueError, "n_queries"),
    ({"dim": 0}, ValueError, "dim"),
    ({"dim": 8.0}, TypeError, "dim"),
    ({"n_centers": 0}, ValueError, "n_centers"),
    ({"cluster_std": 0}, ValueError, "cluster_std"),
    ({"cluster_std": np.inf}, ValueError, "cluster_std"),
    ({"random_state": -1}, ValueError, "random_state"),
    ({"random_state": None}, TypeError, "random_state"),
])
def test_make_ann_benchmark_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        make_ann_benchmark(**{"n_vectors": 50, "n_queries": 5, "dim": 4, **kwargs})


def test_visual_search_clean_queries_are_the_held_out_digits():
    from sklearn.datasets import load_digits

    from utils.datasets import make_visual_search_data

    clean = make_visual_search_data(max_shift=0, noise=0.0)
    np.testing.assert_array_equal(clean.query_images, load_digits().images[1200:].astype(np.float32))


# --------------------------------------------------------------------------------------------
# photograph, shift_images, shifted_views
# --------------------------------------------------------------------------------------------

def test_make_visual_search_data_queries_are_photographs_of_the_held_out_digits():
    data = make_visual_search_data(random_state=4)
    held_out = load_digits().images[1200:].astype(np.float32)
    np.testing.assert_array_equal(data.query_images, photograph(held_out, random_state=4))


def test_photograph_shifts_every_image_and_adds_noise():
    images = load_digits().images[:200].astype(np.float32)
    shifted = photograph(images, max_shift=1, noise=0.0, random_state=0)
    assert shifted.dtype == np.float32 and shifted.shape == images.shape
    assert not any(np.array_equal(a, b) for a, b in zip(shifted, images, strict=True))
    # each photo is one of the 8 off-centre shifts of its scan
    for a, b in zip(shifted[:20], images[:20], strict=True):
        assert any(np.array_equal(a, shift_images(b[None], dy, dx)[0])
                   for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)
    noisy = photograph(images, max_shift=0, noise=1.5, random_state=0)
    assert noisy.min() >= 0 and noisy.max() <= 16 and not np.array_equal(noisy, images)
    np.testing.assert_array_equal(photograph(images, max_shift=0, noise=0.0), images)
    # the same seed gives the same shifts whatever the noise
    quiet = photograph(images, max_shift=1, noise=0.0, random_state=7)
    loud = photograph(images, max_shift=1, noise=3.0, random_state=7)
    assert np.mean(np.abs(loud - quiet)) < 3.0
    assert np.array_equal(photograph(images, random_state=7), photograph(images, random_state=7))


@pytest.mark.parametrize(("dy", "dx"), [(0, 0), (1, 0), (0, -1), (-1, 1), (2, -3), (8, 0), (-9, 9)])
def test_shift_images_matches_scipy(dy, dx):
    images = load_digits().images[:30].astype(np.float32)
    expected = np.stack([nd_shift(im, (dy, dx), order=0, mode="constant", cval=0.0) for im in images])
    np.testing.assert_array_equal(shift_images(images, dy, dx), expected)


def test_shifted_views_layout():
    images = load_digits().images[:5].astype(np.float32)
    views, items = shifted_views(images, 1)
    assert views.shape == (45, 8, 8) and items.tolist() == np.repeat(np.arange(5), 9).tolist()
    np.testing.assert_array_equal(views[4], images[0])           # the centre view of item 0
    np.testing.assert_array_equal(views[9 + 0], shift_images(images[1:2], -1, -1)[0])
    cross, cross_items = shifted_views(images, 1, cross_only=True)
    assert cross.shape == (25, 8, 8) and np.bincount(cross_items).tolist() == [5] * 5
    same, _ = shifted_views(images, 0)
    np.testing.assert_array_equal(same, images)
    assert shifted_views(images, 2)[0].shape == (125, 8, 8)


@pytest.mark.parametrize(("func", "args", "kwargs", "exc", "match"), [
    (photograph, (np.ones((3, 8)),), {}, ValueError, "images"),
    (photograph, (np.ones((3, 8, 8)),), {"max_shift": -1}, ValueError, "max_shift"),
    (photograph, (np.ones((3, 8, 8)),), {"noise": -1.0}, ValueError, "noise"),
    (photograph, (np.full((3, 8, 8), np.nan),), {}, ValueError, "images"),
    (shift_images, (np.ones((3, 8, 8)), 1.5, 0), {}, TypeError, "dy"),
    (shift_images, (np.ones((3, 8, 8)), 0, "1"), {}, TypeError, "dx"),
    (shift_images, (np.ones((0, 8, 8)), 0, 0), {}, ValueError, "images"),
    (shifted_views, (np.ones((3, 8, 8)),), {"max_shift": 1.0}, TypeError, "max_shift"),
    (shifted_views, (np.ones(8),), {}, ValueError, "images"),
])
def test_photo_helpers_bad_input(func, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        func(*args, **kwargs)
