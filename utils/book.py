"""Publishing computed numbers into the book's prose.

Every number in a chapter's text is computed in that run and pasted with myst-nb's ``glue``
(COURSE.md). :func:`glue` is myst-nb's, with the conversions every chapter needs: NumPy scalars
become plain ``int``/``float``/``bool`` (NumPy 2 would otherwise paste ``np.float64(0.5)``), and
nothing is displayed in the cell.
"""
from __future__ import annotations

import numbers
import re

import numpy as np

__all__ = ["plain", "glue"]

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def plain(value):
    """``value`` as a plain Python object: NumPy scalars and 0-d arrays become int/float/bool.

    Examples
    --------
    >>> plain(np.float64(0.25)), plain(np.int64(3)), plain(np.bool_(True)), plain("PR-AUC")
    (0.25, 3, True, 'PR-AUC')
    """
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise TypeError(f"value must be a scalar, got an array of shape {value.shape}")
        value = value[()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def glue(name: str, value, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for the prose's ``glue:text`` role.

    Parameters
    ----------
    name : str
        A Python-identifier-like key. Keys of timings (and of anything derived from a timing)
        start with ``time_``, keys of memory measurements with ``mem_``: the determinism check
        skips both.
    value : scalar or object
        Converted with :func:`plain`.
    display : bool, default False
        Also show the value in the cell's output.

    Returns
    -------
    None
        Nothing, on purpose: a ``glue(...)`` call that ends a cell must not echo its value
        under the cell (a stray ``0.7786530000117864`` in the HTML).
    """
    if not isinstance(name, str) or not _KEY.match(name):
        raise ValueError(f"name must be an identifier-like glue key, got {name!r}")
    from myst_nb import glue as _myst_glue  # imported here: utils works without myst-nb

    _myst_glue(name, plain(value), display=display)
