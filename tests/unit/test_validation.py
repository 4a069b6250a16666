"""Unit tests of ``utils._validation``: every error names the argument it is about."""
import numpy as np
import pytest

from utils._validation import (
    as_1d_float,
    as_2d_float32,
    check_binary_labels,
    check_fraction,
    check_positive_int,
    check_positive_number,
    check_probabilities,
    check_same_length,
    rng_from,
)

# check_positive_int ------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "kwargs", "expected"), [
    (1, {}, 1), (np.int64(7), {}, 7), (0, {"minimum": 0}, 0), (5, {"minimum": 5}, 5),
])
def test_check_positive_int_ok(value, kwargs, expected):
    out = check_positive_int(value, "n", **kwargs)
    assert out == expected and type(out) is int


@pytest.mark.parametrize(("value", "kwargs", "exc"), [
    (0, {}, ValueError), (-1, {}, ValueError), (4, {"minimum": 5}, ValueError),
    (1.0, {}, TypeError), (True, {}, TypeError), ("3", {}, TypeError), (None, {}, TypeError),
    (np.float64(2.0), {}, TypeError),
])
def test_check_positive_int_errors_name_argument(value, kwargs, exc):
    with pytest.raises(exc, match="my_arg"):
        check_positive_int(value, "my_arg", **kwargs)


# check_fraction ------------------------------------------------------------------------------

def test_check_fraction_ok():
    assert check_fraction(0.5, "p") == 0.5
    assert check_fraction(0, "p", inclusive=True) == 0.0
    assert check_fraction(1, "p", inclusive=True) == 1.0
    assert check_fraction(5, "p", low=0, high=10) == 5.0
    assert type(check_fraction(np.float32(0.25), "p")) is float


@pytest.mark.parametrize(("value", "kwargs", "exc"), [
    (0.0, {}, ValueError), (1.0, {}, ValueError), (-0.1, {"inclusive": True}, ValueError),
    (1.1, {"inclusive": True}, ValueError), (np.nan, {}, ValueError),
    (np.nan, {"inclusive": True}, ValueError),
    ("0.5", {}, TypeError), (False, {}, TypeError), (None, {}, TypeError),
])
def test_check_fraction_errors_name_argument(value, kwargs, exc):
    with pytest.raises(exc, match="my_arg"):
        check_fraction(value, "my_arg", **kwargs)


# check_positive_number -----------------------------------------------------------------------

def test_check_positive_number_ok():
    assert check_positive_number(2, "x") == 2.0
    assert check_positive_number(0, "x", allow_zero=True) == 0.0
    assert check_positive_number(np.float64(1e-9), "x") == 1e-9


@pytest.mark.parametrize(("value", "kwargs", "exc"), [
    (0, {}, ValueError), (-1, {"allow_zero": True}, ValueError), (np.inf, {}, ValueError),
    (np.nan, {"allow_zero": True}, ValueError), ("1", {}, TypeError), (True, {}, TypeError),
])
def test_check_positive_number_errors_name_argument(value, kwargs, exc):
    with pytest.raises(exc, match="my_arg"):
        check_positive_number(value, "my_arg", **kwargs)


# as_1d_float ---------------------------------------------------------------------------------

def test_as_1d_float_ok():
    out = as_1d_float([1, 2, 3], "x")
    assert out.dtype == float and out.shape == (3,)
    assert as_1d_float([], "x", allow_empty=True).shape == (0,)
    assert as_1d_float((True, False), "x").tolist() == [1.0, 0.0]


@pytest.mark.parametrize(("value", "exc"), [
    ([], ValueError), ([[1.0, 2.0]], ValueError), (5.0, ValueError), ([1.0, np.nan], ValueError),
    ([1.0, -np.inf], ValueError), ("123", TypeError), (b"12", TypeError), ({"a": 1}, TypeError),
    (["a", "b"], TypeError), ([[1, 2], [3]], TypeError), ([None, 1.0], ValueError),
])
def test_as_1d_float_errors_name_argument(value, exc):
    with pytest.raises(exc, match="my_arg"):
        as_1d_float(value, "my_arg")


# as_2d_float32 -------------------------------------------------------------------------------

def test_as_2d_float32_ok():
    src = np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3))
    out = as_2d_float32(src, "x", dim=3)
    assert out.dtype == np.float32 and out.flags.c_contiguous and out.shape == (2, 3)
    np.testing.assert_array_equal(out, src)


@pytest.mark.parametrize(("value", "kwargs", "exc"), [
    (np.ones(3), {}, ValueError), (np.ones((2, 2, 2)), {}, ValueError), (np.ones((0, 3)), {}, ValueError),
    (np.ones((3, 0)), {}, ValueError), (np.ones((2, 3)), {"dim": 4}, ValueError),
    ([[1.0, np.nan]], {}, ValueError), ([[1e40, 1.0]], {}, ValueError),  # overflows float32 to inf
    ("ab", {}, TypeError), ({"a": [1.0]}, {}, TypeError), ([["a", "b"]], {}, TypeError),
])
def test_as_2d_float32_errors_name_argument(value, kwargs, exc):
    with np.errstate(over="ignore"), pytest.raises(exc, match="my_arg"):
        as_2d_float32(value, "my_arg", **kwargs)


# check_same_length, labels, probabilities ------------------------------------------------------

def test_check_same_length():
    check_same_length([1, 2], [3, 4], "a", "b")
    with pytest.raises(ValueError, match=r"left_arg and right_arg.*\(2 != 3\)"):
        check_same_length([1, 2], [1, 2, 3], "left_arg", "right_arg")


def test_check_binary_labels():
    out = check_binary_labels([0, 1, 1.0, True], "labels")
    assert out.dtype.kind == "i" and out.tolist() == [0, 1, 1, 1]
    for bad, exc in (([0, 2], ValueError), ([0.5], ValueError), ([], ValueError), (["a"], TypeError),
                     ([0, np.nan], ValueError)):
        with pytest.raises(exc, match="labels"):
            check_binary_labels(bad, "labels")
    with pytest.raises(ValueError, match="y_true"):
        check_binary_labels([3])  # default name


def test_check_probabilities():
    assert check_probabilities([0, 0.5, 1], "probs").tolist() == [0.0, 0.5, 1.0]
    for bad in ([1.01], [-1e-9], [np.nan], []):
        with pytest.raises(ValueError, match="probs"):
            check_probabilities(bad, "probs")
    with pytest.raises(ValueError, match="p_pred"):
        check_probabilities([2.0])  # default name


# rng_from ------------------------------------------------------------------------------------

def test_rng_from():
    assert rng_from(5).integers(1_000_000) == np.random.default_rng(5).integers(1_000_000)
    assert rng_from(None).integers(1_000_000) == np.random.default_rng(0).integers(1_000_000)
    assert rng_from(np.int64(5)).integers(1_000_000) == np.random.default_rng(5).integers(1_000_000)
    gen = np.random.default_rng(1)
    assert rng_from(gen) is gen


@pytest.mark.parametrize("value", [1.5, "0", True, np.random.RandomState(0)])
def test_rng_from_rejects_other_types(value):
    with pytest.raises(TypeError, match="random_state"):
        rng_from(value)
