"""Visual search data of chapter 02: digit photos for retrieval, and clustered vectors for ANN.

Nothing is downloaded: :func:`make_visual_search_data` reads the digits that ship inside
scikit-learn; :func:`make_ann_benchmark` draws from a seeded generator. Each function documents
its generative story, the hidden structure a model can learn.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import shift as nd_shift
from sklearn.datasets import load_digits, make_blobs

from .._validation import check_positive_int, check_positive_number, rng_from

__all__ = [
    "VisualSearchData",
    "make_visual_search_data",
    "photograph",
    "shift_images",
    "shifted_views",
    "make_ann_benchmark",
]

PIXEL_MAX = 16.0  # the digits' largest intensity


@dataclass
class VisualSearchData:
    """A catalogue of digit images and a set of query photos of digits.

    Attributes
    ----------
    catalog_images : numpy.ndarray
        Catalogue images, shape ``(n_catalog, 8, 8)``, pixel values 0-16.
    catalog_labels : numpy.ndarray
        The digit each catalogue image shows, shape ``(n_catalog,)``.
    query_images : numpy.ndarray
        Held-out digits, shifted and noisy like a user's photo, shape ``(n_queries, 8, 8)``.
    query_labels : numpy.ndarray
        The digit each query shows, shape ``(n_queries,)``.
    """

    catalog_images: np.ndarray
    catalog_labels: np.ndarray
    query_images: np.ndarray
    query_labels: np.ndarray

    @property
    def catalog_vectors(self) -> np.ndarray:
        """Catalogue images flattened to 64 pixels, float32."""
        return self.catalog_images.reshape(len(self.catalog_images), -1).astype(np.float32)

    @property
    def query_vectors(self) -> np.ndarray:
        """Query images flattened to 64 pixels, float32."""
        return self.query_images.reshape(len(self.query_images), -1).astype(np.float32)


def make_visual_search_data(n_catalog: int = 1200, *, max_shift: int = 1, noise: float = 1.5,
                            random_state=0) -> VisualSearchData:
    """Split scikit-learn's 1,797 8x8 digits into a catalogue and perturbed queries.

    Generative story: the catalogue holds the first ``n_catalog`` digits as they were scanned;
    each of the remaining digits becomes a query, as a user's photo of it would be: moved by up
    to ``max_shift`` pixels in each direction (never zero in both) and covered with Gaussian
    pixel noise of standard deviation ``noise`` (pixels range 0-16), then clipped to 0-16.
    An image is relevant to a query when it shows the same digit.

    The split does not depend on ``random_state``: with ``max_shift=0`` and ``noise=0`` the
    queries are the clean held-out digits themselves, in the same order (new uploads to a
    catalogue, for example), so ``query_images[i]`` always shows the same scanned digit.

    Parameters
    ----------
    n_catalog : int, default 1200
        Catalogue size, between 10 and 1,787.
    max_shift : int, default 1
        Largest translation in pixels (0 disables it).
    noise : float, default 1.5
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    VisualSearchData
    """
    digits = load_digits()
    n_catalog = check_positive_int(n_catalog, "n_catalog", minimum=10)
    if n_catalog > len(digits.images) - 10:
        raise ValueError(f"n_catalog must leave at least 10 queries, got {n_catalog}")
    images, labels = digits.images.astype(np.float32), digits.target
    queries = photograph(images[n_catalog:], max_shift=max_shift, noise=noise, random_state=random_state)
    return VisualSearchData(images[:n_catalog], labels[:n_catalog], queries, labels[n_catalog:])


def _check_images(images, name: str = "images") -> np.ndarray:
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim != 3 or arr.shape[0] == 0 or arr.shape[1] == 0 or arr.shape[2] == 0:
        raise ValueError(f"{name} must have shape (n, height, width), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def photograph(images, *, max_shift: int = 1, noise: float = 1.5, random_state=0) -> np.ndarray:
    """Turn clean digit scans into "user photos": a random shift, then Gaussian pixel noise.

    Each image is moved by ``(dy, dx)`` drawn uniformly from ``-max_shift..max_shift`` (redrawn
    while both are zero, so every photo is off-centre), the uncovered border filled with 0; then
    noise of standard deviation ``noise`` is added and pixels are clipped to 0-16. All shifts are
    drawn before the noise, so with the same seed ``noise`` only rescales the same noise draw.
    :func:`make_visual_search_data` makes its queries with it; a chapter can photograph catalogue
    images too (a validation split, training anchors).

    Parameters
    ----------
    images : array-like of shape (n, h, w)
    max_shift : int, default 1
        Largest translation in pixels (0 disables it).
    noise : float, default 1.5
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    numpy.ndarray of shape (n, h, w), float32
    """
    photos = _check_images(images).copy()
    max_shift = check_positive_int(max_shift, "max_shift", minimum=0)
    noise = check_positive_number(noise, "noise", allow_zero=True)
    rng = rng_from(random_state)
    for i in range(len(photos)):
        if max_shift:
            dy, dx = 0, 0
            while dy == 0 and dx == 0:
                dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
            photos[i] = nd_shift(photos[i], (dy, dx), order=0, mode="constant", cval=0.0)
    return np.clip(photos + rng.normal(0.0, noise, size=photos.shape), 0, PIXEL_MAX).astype(np.float32)


def shift_images(images, dy: int, dx: int) -> np.ndarray:
    """Move every image by ``dy`` rows and ``dx`` columns, filling the uncovered border with 0.

    The same as :func:`scipy.ndimage.shift` with ``order=0, mode="constant"`` for whole pixels,
    for a whole stack at once.

    Parameters
    ----------
    images : array-like of shape (n, h, w)
    dy, dx : int
        Positive moves down / right.

    Returns
    -------
    numpy.ndarray of shape (n, h, w), float32
    """
    arr = _check_images(images)
    for value, name in ((dy, "dy"), (dx, "dx")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    dy, dx = int(dy), int(dx)
    out = np.zeros_like(arr)
    h, w = arr.shape[1:]
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        arr[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def shifted_views(images, max_shift: int = 1, *, cross_only: bool = False):
    """Every image under every shift of up to ``max_shift`` pixels: extra index entries per item.

    Indexing these views makes a raw-pixel search tolerant to shifted queries (a photo matches the
    view shifted the same way) at the price of ``n_views`` vectors per item.

    Parameters
    ----------
    images : array-like of shape (n, h, w)
    max_shift : int, default 1
        ``(2 * max_shift + 1) ** 2`` views per image, the unshifted one included.
    cross_only : bool, default False
        Only the shifts along one axis (``4 * max_shift + 1`` views, e.g. 5 for ``max_shift=1``).

    Returns
    -------
    views : numpy.ndarray of shape (n * n_views, h, w), float32
        Grouped by item: rows ``i * n_views`` to ``(i + 1) * n_views - 1`` show item ``i``.
    item_ids : numpy.ndarray of shape (n * n_views,)
        The item each view shows.
    """
    arr = _check_images(images)
    max_shift = check_positive_int(max_shift, "max_shift", minimum=0)
    offsets = [(dy, dx) for dy in range(-max_shift, max_shift + 1) for dx in range(-max_shift, max_shift + 1)
               if not cross_only or dy == 0 or dx == 0]
    views = np.stack([shift_images(arr, dy, dx) for dy, dx in offsets], axis=1)
    return views.reshape(-1, *arr.shape[1:]), np.repeat(np.arange(len(arr)), len(offsets))


def make_ann_benchmark(n_vectors: int = 50_000, n_queries: int = 1_000, *, dim: int = 64,
                       n_centers: int = 200, cluster_std: float = 9.0,
                       random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Clustered unit vectors for an exact-versus-approximate search benchmark.

    Generative story: ``n_centers`` cluster centres are drawn uniformly in a 64-d box
    (:func:`sklearn.datasets.make_blobs`), points scatter around them with ``cluster_std``, and
    every vector is L2-normalised so inner product is cosine similarity. Queries come from the
    same distribution. ``cluster_std`` sets how hard the search is. The centres lie about 65
    apart, so up to a spread of about 5 the clusters are separate islands: an inverted file is
    nearly exact at ``nprobe=1`` and there is no trade-off to see (measured: recall@10 0.91 at
    ``nprobe=1``, 1.00 at 4). At 9 neighbouring clusters overlap like real embeddings do and the
    whole curve appears (recall@10 0.70 at ``nprobe=1`` rising to 0.99 at 64); at 12 every
    setting is poor.

    Parameters
    ----------
    n_vectors, n_queries : int
    dim : int, default 64
    n_centers : int, default 200
    cluster_std : float, default 9.0
    random_state : int, default 0

    Returns
    -------
    database : numpy.ndarray of shape (n_vectors, dim), float32
    queries : numpy.ndarray of shape (n_queries, dim), float32
    """
    n_vectors = check_positive_int(n_vectors, "n_vectors")
    n_queries = check_positive_int(n_queries, "n_queries")
    dim = check_positive_int(dim, "dim")
    n_centers = check_positive_int(n_centers, "n_centers")
    cluster_std = check_positive_number(cluster_std, "cluster_std")
    random_state = check_positive_int(random_state, "random_state", minimum=0)
    x, _ = make_blobs(n_samples=n_vectors + n_queries, n_features=dim, centers=n_centers,
                      cluster_std=cluster_std, random_state=random_state)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    x = x.astype(np.float32)
    return np.ascontiguousarray(x[:n_vectors]), np.ascontiguousarray(x[n_vectors:])
