"""Input checks shared by the ``utils`` modules.

Every public function validates its arguments at the boundary with these helpers, so bad input
raises a ``ValueError`` or ``TypeError`` that names the argument instead of a NumPy traceback
from deep inside.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np


def check_positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_fraction(value, name: str, *, low: float = 0.0, high: float = 1.0,
                   inclusive: bool = False) -> float:
    """Return ``value`` as a float strictly (or inclusively) between ``low`` and ``high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    ok = (low <= value <= high) if inclusive else (low < value < high)
    if not ok or np.isnan(value):
        bounds = f"[{low}, {high}]" if inclusive else f"({low}, {high})"
        raise ValueError(f"{name} must lie in {bounds}, got {value}")
    return value


def check_positive_number(value, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is finite and positive."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite number {'>=' if allow_zero else '>'} 0, got {value}")
    return value


def as_1d_float(values, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Return a finite 1-D float array, or raise naming ``name``."""
    if isinstance(values, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be a 1-D array of numbers, got {type(values).__name__}")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 1-D array of numbers ({exc})") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def as_2d_float32(values, name: str, *, dim: int | None = None) -> np.ndarray:
    """Return a finite, C-contiguous 2-D float32 array (the layout FAISS expects)."""
    if isinstance(values, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be a 2-D array of numbers, got {type(values).__name__}")
    try:
        arr = np.asarray(values, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 2-D array of numbers ({exc})") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_vectors, dim), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"{name} has dimension {arr.shape[1]}, expected {dim}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return np.ascontiguousarray(arr)


def check_same_length(a, b, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` when ``a`` and ``b`` differ in length."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} have different lengths ({len(a)} != {len(b)})")


def check_binary_labels(y, name: str = "y_true") -> np.ndarray:
    """Return ``y`` as a 1-D int array of 0/1 labels."""
    arr = as_1d_float(y, name)
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must contain only 0 and 1")
    return arr.astype(int)


def check_probabilities(p, name: str = "p_pred") -> np.ndarray:
    """Return ``p`` as a 1-D float array of values in [0, 1]."""
    arr = as_1d_float(p, name)
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must contain probabilities in [0, 1]")
    return arr


def rng_from(random_state) -> np.random.Generator:
    """A NumPy ``Generator`` from an int seed, a ``Generator`` or ``None`` (seed 0)."""
    if random_state is None:
        return np.random.default_rng(0)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    raise TypeError(f"random_state must be an int, a numpy Generator or None, "
                    f"got {type(random_state).__name__}")
