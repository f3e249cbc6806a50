"""Input checks shared by every EMG function: shape, rate, finiteness."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import InvalidSignalError

__all__ = ["as_emg_array", "check_sfreq"]

FloatArray = npt.NDArray[np.floating[Any]]


def check_sfreq(sfreq_hz: float) -> float:
    """Return ``sfreq_hz`` as a float, or raise if it is not a positive finite number."""
    try:
        value = float(sfreq_hz)
    except (TypeError, ValueError):
        raise InvalidSignalError(
            f"Sampling rate {sfreq_hz!r} is not a number: give the rate in Hz, e.g. 2000."
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise InvalidSignalError(
            f"Sampling rate {sfreq_hz!r} Hz is not allowed: it must be a positive number of Hz "
            "(e.g. 1000 or 2000); check the file header.",
            needs="sampling_rate",
        )
    return value


def as_emg_array(data: Any, *, min_samples: int = 2, check_finite: bool = True) -> FloatArray:
    """Return ``data`` as a 2-D float32/float64 array of shape (n_channels, n_samples).

    A 1-D array is taken as one channel. Integer input becomes float64. Raises
    :class:`InvalidSignalError` for ragged channels, NaN or infinite values, or fewer than
    ``min_samples`` samples.
    """
    if isinstance(data, list | tuple) and data and all(np.ndim(c) == 1 for c in data):
        lengths = {len(c) for c in data}
        if len(lengths) > 1:
            raise InvalidSignalError(
                f"Channels have unequal lengths {sorted(lengths)} samples: every channel must "
                "have the same number of samples; trim or resample them first."
            )
    try:
        arr = np.asarray(data)
    except ValueError as exc:  # ragged nested sequences
        raise InvalidSignalError(
            "Channels have unequal lengths: every channel must have the same number of samples."
        ) from exc
    if arr.dtype == object:
        raise InvalidSignalError(
            "Channels have unequal lengths or non-numeric values: give a numeric array of "
            "shape (n_channels, n_samples)."
        )
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2:
        raise InvalidSignalError(
            f"EMG must have shape (n_channels, n_samples); got an array with shape {arr.shape}."
        )
    if arr.dtype not in (np.float32, np.float64):
        if not (np.issubdtype(arr.dtype, np.number) and not np.iscomplexobj(arr)):
            raise InvalidSignalError(f"EMG must be real numbers; got dtype {arr.dtype}.")
        arr = arr.astype(np.float64)
    n_channels, n_samples = arr.shape
    if n_channels == 0:
        raise InvalidSignalError("EMG has no channels: give at least one channel.")
    if n_samples < min_samples:
        raise InvalidSignalError(
            f"EMG has {n_samples} sample(s) per channel; at least {min_samples} are needed. "
            "Check the sampling rate and that the file holds the whole recording."
        )
    # A sum is NaN or infinite when any value is (or, rarely, when it overflows): a cheap
    # first test, without the temporary boolean array of isfinite.
    if check_finite and not np.isfinite(arr.sum(dtype=np.float64)) and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise InvalidSignalError(
            f"EMG contains NaN or infinite values (first at channel {int(bad[0])}, sample "
            f"{int(bad[1])}): remove or interpolate the gaps before analysis."
        )
    return arr
