"""The input checks every EMG function shares (signals/emg/_checks.py): shape, rate, finiteness."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg._checks import as_emg_array, check_sfreq


def test_a_rate_is_a_positive_finite_number_of_hz() -> None:
    assert check_sfreq(2000) == 2000.0 and isinstance(check_sfreq(2000), float)
    assert check_sfreq("512.5") == 512.5  # type: ignore[arg-type]
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(InvalidSignalError, match=r"is not allowed: it must be a positive"):
            check_sfreq(bad)
    with pytest.raises(InvalidSignalError, match=r"^Sampling rate None is not a number"):
        check_sfreq(None)  # type: ignore[arg-type]


def test_one_channel_becomes_a_row_and_integers_become_float64() -> None:
    arr = as_emg_array([1, 2, 3])
    assert arr.shape == (1, 3) and arr.dtype == np.float64
    assert_array_equal(arr, [[1.0, 2.0, 3.0]])
    f32 = np.zeros((2, 5), dtype=np.float32)
    assert as_emg_array(f32) is f32  # no copy of an array that is already right


def test_lists_of_channels_must_have_equal_lengths() -> None:
    assert as_emg_array([np.zeros(4), np.ones(4)]).shape == (2, 4)
    with pytest.raises(InvalidSignalError, match=r"unequal lengths \[3, 4\] samples"):
        as_emg_array([np.zeros(3), np.zeros(4)])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (np.zeros((2, 2, 2)), r"shape \(n_channels, n_samples\); got an array with shape"),
        (np.zeros((0, 10)), r"has no channels"),
        (np.zeros((1, 1)), r"1 sample\(s\) per channel; at least 2 are needed"),
        (np.array([[1 + 2j, 3]]), r"must be real numbers; got dtype complex128"),
        (np.array([["a", "b"]]), r"must be real numbers"),
        (np.array([[0.0, 1.0], [2.0, np.inf]]), r"first at channel 1, sample 1"),
    ],
)
def test_bad_arrays_are_refused_with_what_to_do(data: object, message: str) -> None:
    with pytest.raises(InvalidSignalError, match=message):
        as_emg_array(data)


def test_finiteness_and_length_checks_can_be_relaxed() -> None:
    gap = np.array([[0.0, np.nan, 1.0]])
    assert np.isnan(as_emg_array(gap, check_finite=False)[0, 1])
    with pytest.raises(InvalidSignalError, match=r"3 sample\(s\) per channel; at least 160"):
        as_emg_array(gap, min_samples=160, check_finite=False)
