"""Street View data of chapter 03: small grayscale street scenes with faces and licence plates.

Generative story of :func:`make_street_view_data` (every draw from one seeded generator):

1. **Background.** A street scene seen from a car: a vertical brightness gradient (sky above,
   road below) around a random base level, plus a smooth texture (Gaussian-filtered noise:
   walls, foliage) and fine texture.
2. **Distractors** (on average ``distractor_rate`` per image), the things a detector confuses
   with the targets: plain *ellipses* of face size and contrast but without eyes or mouth (the
   backs of heads, lamps, round signs), plain *bright rectangles* of plate shape but without
   characters (windows, street signs), and thin dark *poles*.
3. **Faces** (0-2 per image, ``face_rate`` on average): an ellipse about 3:4 wide:tall, 14-22 px
   tall, lighter or darker than the background by a random contrast, with two dark eye dots
   and a mouth line. Its ground-truth box is the ellipse's bounding box.
4. **Plates** (0-2 per image, ``plate_rate`` on average): a bright 2:1 rectangle 16-26 px wide
   with a dark border and 3-4 dark character glyphs. Objects never overlap each other.
5. **Camera.** The image is multiplied by ``exposure`` (1 by day; a night image is darker) and
   covered with Gaussian sensor noise of standard deviation ``sensor_noise``, then clipped to
   ``[0, 1]``. ``object_scale`` multiplies the size of every face and plate (a camera with a
   wider lens sees them smaller); ``lens_blur`` softens the image before the noise (a dirty or
   badly focused lens).

The hidden structure a model can learn: a face differs from a distractor ellipse only by its
inner structure (eyes, mouth), and a plate from a sign only by its characters, so a detector
needs local gradients, not just brightness and contrast. Night images keep that structure but
at half the contrast, so a model trained by day on absolute gradient strength misses faces.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter

from .._validation import check_positive_int, check_positive_number, rng_from

__all__ = ["StreetViewData", "make_street_view_data", "STREET_VIEW_CLASSES"]

#: Class names, indexed by the integer labels of :class:`StreetViewData`.
STREET_VIEW_CLASSES = ("face", "plate")

_GLYPHS = np.array([  # 3 x 5 character patterns: 1 = dark stroke
    [[1, 1, 1], [1, 0, 1], [1, 0, 1], [1, 0, 1], [1, 1, 1]],
    [[0, 1, 0], [1, 1, 0], [0, 1, 0], [0, 1, 0], [1, 1, 1]],
    [[1, 1, 1], [0, 0, 1], [1, 1, 1], [1, 0, 0], [1, 1, 1]],
    [[1, 1, 1], [0, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]],
    [[1, 0, 1], [1, 0, 1], [1, 1, 1], [0, 0, 1], [0, 0, 1]],
    [[1, 1, 1], [1, 0, 0], [1, 1, 1], [0, 0, 1], [1, 1, 0]],
    [[1, 1, 0], [1, 0, 1], [1, 1, 0], [1, 0, 1], [1, 1, 0]],
    [[1, 0, 1], [1, 0, 1], [0, 1, 0], [1, 0, 1], [1, 0, 1]],
], dtype=bool)


@dataclass
class StreetViewData:
    """Synthetic street images with the boxes of their faces and licence plates.

    Attributes
    ----------
    images : numpy.ndarray
        Grayscale images, float32 in ``[0, 1]``, shape ``(n_images, height, width)``.
    boxes : list of numpy.ndarray
        Per image, the ground-truth boxes ``(x0, y0, x1, y1)`` in pixels, shape ``(k_i, 4)``.
    labels : list of numpy.ndarray
        Per image, the class of each box: 0 = face, 1 = plate (see ``class_names``).
    class_names : tuple of str
    """

    images: np.ndarray
    boxes: list
    labels: list
    class_names: tuple = field(default=STREET_VIEW_CLASSES)

    def __len__(self) -> int:
        return len(self.images)

    def boxes_of(self, label: int) -> list:
        """Per image, the ground-truth boxes of one class, shape ``(k_i, 4)``."""
        return [b[lab == label] for b, lab in zip(self.boxes, self.labels, strict=True)]

    def subset(self, index) -> StreetViewData:
        """The images at ``index`` (an array of positions), with their boxes and labels."""
        index = np.asarray(index, dtype=int)
        return StreetViewData(self.images[index], [self.boxes[i] for i in index],
                              [self.labels[i] for i in index], self.class_names)

    @staticmethod
    def concat(parts) -> StreetViewData:
        """Concatenate several data sets (e.g. training images and reported night images)."""
        parts = list(parts)
        if not parts:
            raise ValueError("parts is empty")
        return StreetViewData(np.concatenate([p.images for p in parts]),
                              [b for p in parts for b in p.boxes],
                              [lab for p in parts for lab in p.labels], parts[0].class_names)


def _ellipse_mask(h: int, w: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    cy, cx = (h - 1) / 2, (w - 1) / 2
    return ((yy - cy) / (h / 2)) ** 2 + ((xx - cx) / (w / 2)) ** 2 <= 1.0


def _place(rng, occupied: np.ndarray, h: int, w: int, margin: int = 1, tries: int = 30):
    """A free top-left corner for an h x w object (None if the image is too full)."""
    height, width = occupied.shape
    for _ in range(tries):
        y = int(rng.integers(0, height - h + 1))
        x = int(rng.integers(0, width - w + 1))
        y0, x0 = max(0, y - margin), max(0, x - margin)
        if not occupied[y0:y + h + margin, x0:x + w + margin].any():
            occupied[y0:y + h + margin, x0:x + w + margin] = True
            return y, x
    return None


def _face(rng, scale: float):
    h = max(8, int(round(rng.uniform(14, 22) * scale)))
    w = max(6, int(round(h * rng.uniform(0.7, 0.8))))
    mask = _ellipse_mask(h, w)
    patch = np.zeros((h, w))
    ey, ex = int(round(0.38 * h)), int(round(0.28 * w))
    d = max(1, int(round(h / 9)))
    patch[ey:ey + d, ex:ex + d] = -1.0                                  # left eye
    patch[ey:ey + d, w - ex - d:w - ex] = -1.0                          # right eye
    my = int(round(0.72 * h))
    patch[my:my + 1, int(0.33 * w):int(np.ceil(0.67 * w))] = -0.8       # mouth
    return mask, patch


def _plate(rng, scale: float):
    w = max(10, int(round(rng.uniform(16, 26) * scale)))
    h = max(5, int(round(w / 2)))
    patch = np.zeros((h, w))
    patch[0, :] = patch[-1, :] = patch[:, 0] = patch[:, -1] = -0.6     # border
    n_chars = int(rng.integers(3, 5))
    gh = max(3, h - 4)
    gw = max(2, int((w - 4) / n_chars) - 1)
    ys = np.linspace(0, 4, gh).round().astype(int)
    xs = np.linspace(0, 2, gw).round().astype(int)
    for c in range(n_chars):
        glyph = _GLYPHS[rng.integers(0, len(_GLYPHS))][np.ix_(ys, xs)]
        x0 = 2 + c * (gw + 1)
        if x0 + gw > w - 1:
            break
        patch[2:2 + gh, x0:x0 + gw][glyph] = -1.0
    return np.ones((h, w), dtype=bool), patch


def make_street_view_data(n_images: int = 500, *, height: int = 64, width: int = 96,
                          face_rate: float = 1.0, plate_rate: float = 0.8,
                          distractor_rate: float = 4.0, exposure: float = 1.0,
                          sensor_noise: float = 0.02, object_scale: float = 1.0,
                          lens_blur: float = 0.0, random_state=0) -> StreetViewData:
    """Draw synthetic street images with faces and plates to blur (see the module docstring).

    Parameters
    ----------
    n_images : int, default 500
    height, width : int, default 64 and 96
        Image size in pixels (at least 32 each).
    face_rate, plate_rate : float, default 1.0 and 0.8
        Mean number of faces and plates per image (each capped at 2 per image).
    distractor_rate : float, default 4.0
        Mean number of distractors (ellipses, signs, poles) per image.
    exposure : float, default 1.0
        Multiplies every pixel before the sensor noise (e.g. 0.45 for night images).
    sensor_noise : float, default 0.02
        Standard deviation of the Gaussian pixel noise.
    object_scale : float, default 1.0
        Multiplies the size of faces and plates (between 0.5 and 1.5).
    lens_blur : float, default 0.0
        Standard deviation, in pixels, of a Gaussian blur applied before the sensor noise (a soft
        or dirty lens); 0 disables it.
    random_state : int, numpy.random.Generator or None, default 0

    Returns
    -------
    StreetViewData

    Examples
    --------
    >>> data = make_street_view_data(4, random_state=0)
    >>> data.images.shape, data.images.dtype.name
    ((4, 64, 96), 'float32')
    """
    n_images = check_positive_int(n_images, "n_images")
    height = check_positive_int(height, "height", minimum=32)
    width = check_positive_int(width, "width", minimum=32)
    face_rate = check_positive_number(face_rate, "face_rate", allow_zero=True)
    plate_rate = check_positive_number(plate_rate, "plate_rate", allow_zero=True)
    distractor_rate = check_positive_number(distractor_rate, "distractor_rate", allow_zero=True)
    exposure = check_positive_number(exposure, "exposure")
    sensor_noise = check_positive_number(sensor_noise, "sensor_noise", allow_zero=True)
    object_scale = check_positive_number(object_scale, "object_scale")
    lens_blur = check_positive_number(lens_blur, "lens_blur", allow_zero=True)
    if not 0.5 <= object_scale <= 1.5:
        raise ValueError(f"object_scale must lie in [0.5, 1.5], got {object_scale}")
    rng = rng_from(random_state)

    images = np.empty((n_images, height, width), dtype=np.float32)
    all_boxes, all_labels = [], []
    rows = np.linspace(-1.0, 1.0, height)[None, :, None]
    base = rng.uniform(0.35, 0.6, (n_images, 1, 1)) + rng.uniform(-0.1, 0.1, (n_images, 1, 1)) * rows
    smooth = gaussian_filter(rng.normal(0.0, 1.0, (n_images, height, width)), (0, 3.0, 3.0))
    fine = gaussian_filter(rng.normal(0.0, 1.0, (n_images, height, width)), (0, 1.0, 1.0))
    backgrounds = base + 0.25 * smooth + 0.03 * fine
    noise = rng.normal(0.0, 1.0, (n_images, height, width))
    for i in range(n_images):
        img = backgrounds[i]
        occupied = np.zeros((height, width), dtype=bool)
        boxes, labels = [], []
        n_faces = min(2, int(rng.poisson(face_rate)))
        n_plates = min(2, int(rng.poisson(plate_rate)))
        kinds = [0] * n_faces + [1] * n_plates
        for kind in rng.permutation(np.array(kinds, dtype=int)) if kinds else []:
            mask, detail = _face(rng, object_scale) if kind == 0 else _plate(rng, object_scale)
            h, w = mask.shape
            spot = _place(rng, occupied, h, w)
            if spot is None:
                continue
            y, x = spot
            region = img[y:y + h, x:x + w]
            if kind == 0:
                contrast = rng.uniform(0.18, 0.35) * rng.choice([-1.0, 1.0])
                fill = region.mean() + contrast
                value = fill + rng.uniform(0.25, 0.4) * detail  # darker eyes and mouth
            else:
                fill = rng.uniform(0.8, 0.95)
                value = fill + rng.uniform(0.45, 0.6) * detail
            region[mask] = value[mask]
            boxes.append((x, y, x + w, y + h))
            labels.append(int(kind))
        for _ in range(int(rng.poisson(distractor_rate))):
            kind = int(rng.integers(0, 3))
            if kind == 0:    # an ellipse without a face
                h = int(rng.integers(12, 24))
                w = max(6, int(round(h * rng.uniform(0.65, 0.95))))
                mask = _ellipse_mask(h, w)
            elif kind == 1:  # a sign or window without characters
                w = int(rng.integers(14, 28))
                h = max(5, int(round(w * rng.uniform(0.4, 0.9))))
                mask = np.ones((h, w), dtype=bool)
            else:            # a pole
                w, h = int(rng.integers(2, 4)), int(rng.integers(20, 40))
                mask = np.ones((h, w), dtype=bool)
            spot = _place(rng, occupied, h, w)
            if spot is None:
                continue
            y, x = spot
            region = img[y:y + h, x:x + w]
            if kind == 1:
                value = rng.uniform(0.75, 0.95)
            else:
                value = region.mean() + rng.uniform(0.18, 0.35) * rng.choice([-1.0, 1.0])
            region[mask] = value
        if lens_blur > 0:
            img = gaussian_filter(img, lens_blur)
        img = img * exposure + sensor_noise * noise[i]
        images[i] = np.clip(img, 0.0, 1.0)
        all_boxes.append(np.asarray(boxes, dtype=float).reshape(-1, 4))
        all_labels.append(np.asarray(labels, dtype=int))
    return StreetViewData(images, all_boxes, all_labels)
