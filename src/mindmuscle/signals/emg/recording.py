"""An EMG recording in memory: samples, rate, channel names (muscles) and units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg._checks import FloatArray, as_emg_array, check_sfreq

__all__ = ["UNIT_TO_MV", "EmgRecording", "EmgUnit", "parse_emg_unit"]

EmgUnit = Literal["uV", "mV", "V"]
UNIT_TO_MV: dict[str, float] = {"uV": 1e-3, "mV": 1.0, "V": 1e3}
_UNIT_SPELLINGS = {
    "uv": "uV",
    "µv": "uV",
    "μv": "uV",
    "microvolt": "uV",
    "microvolts": "uV",
    "mv": "mV",
    "millivolt": "mV",
    "millivolts": "mV",
    "v": "V",
    "volt": "V",
    "volts": "V",
}


def parse_emg_unit(value: str) -> EmgUnit:
    """Return ``"uV"``, ``"mV"`` or ``"V"`` from a spelling such as ``µV`` or ``millivolts``.

    Examples
    --------
    >>> parse_emg_unit("µV")
    'uV'
    """
    key = value.strip().lower()
    if key not in _UNIT_SPELLINGS:
        raise InvalidSignalError(
            f"Unknown EMG unit {value!r}: allowed units are 'uV', 'mV' and 'V'."
        )
    unit: EmgUnit = _UNIT_SPELLINGS[key]  # type: ignore[assignment]
    return unit


@dataclass(frozen=True)
class EmgRecording:
    """Surface EMG channels sampled together.

    Parameters
    ----------
    data : ndarray, shape (n_channels, n_samples)
        Samples in ``units`` (float32 or float64).
    sfreq_hz : float
        Sampling rate in Hz.
    channels : tuple of str
        One name per channel, normally the muscle (``biceps``, ``triceps_left``).
    units : tuple of str
        One unit per channel: ``uV``, ``mV`` or ``V``.
    motion : ndarray, shape (n_motion_samples,), optional
        A synchronous motion channel (e.g. elbow angle or acceleration) to count repetitions.
    motion_rate_hz : float, optional
        Sampling rate of ``motion`` (defaults to ``sfreq_hz``).
    source : str
        Where the samples came from (a file path, or ``memory``).
    notes : tuple of str
        What a reader left out or assumed (e.g. channels at another sampling rate); the
        analysis repeats them in its warnings.
    """

    data: FloatArray
    sfreq_hz: float
    channels: tuple[str, ...]
    units: tuple[EmgUnit, ...]
    motion: npt.NDArray[np.float64] | None = None
    motion_rate_hz: float | None = None
    source: str = field(default="memory")
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        data = as_emg_array(self.data)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "sfreq_hz", check_sfreq(self.sfreq_hz))
        names = tuple(str(c) for c in self.channels)
        if len(names) != data.shape[0]:
            raise InvalidSignalError(
                f"{len(names)} channel names were given for {data.shape[0]} channels: give one "
                "name per channel."
            )
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise InvalidSignalError(f"Channel names must be unique; repeated: {dup}.")
        object.__setattr__(self, "channels", names)
        units = tuple(parse_emg_unit(u) for u in self.units)
        if len(units) == 1 and len(names) > 1:
            units = units * len(names)
        if len(units) != len(names):
            raise InvalidSignalError(
                f"{len(units)} units were given for {len(names)} channels: give one unit per "
                "channel (or one for all)."
            )
        object.__setattr__(self, "units", units)
        if self.motion is not None:
            motion = np.asarray(self.motion, dtype=np.float64).reshape(-1)
            if motion.size < 2 or not np.isfinite(motion).all():
                raise InvalidSignalError("The motion channel must hold at least 2 finite samples.")
            object.__setattr__(self, "motion", motion)
            rate = self.sfreq_hz if self.motion_rate_hz is None else self.motion_rate_hz
            object.__setattr__(self, "motion_rate_hz", check_sfreq(rate))

    @property
    def n_samples(self) -> int:
        """Samples per channel."""
        return int(self.data.shape[1])

    @property
    def duration_s(self) -> float:
        """Length of the recording in seconds."""
        return self.n_samples / self.sfreq_hz

    def index(self, channel: str) -> int:
        """Position of ``channel``; raises with the known names when it is absent."""
        try:
            return self.channels.index(channel)
        except ValueError:
            raise InvalidSignalError(
                f"Channel {channel!r} is not in this recording; its channels are "
                f"{', '.join(self.channels)}."
            ) from None

    def in_millivolts(self) -> FloatArray:
        """The samples converted to mV (a new array)."""
        scale = np.array([UNIT_TO_MV[u] for u in self.units], dtype=self.data.dtype)
        out: FloatArray = self.data * scale[:, None]
        return out

    @classmethod
    def from_array(
        cls,
        data: Any,
        sfreq_hz: float,
        channels: list[str] | tuple[str, ...] | None = None,
        unit: EmgUnit = "mV",
    ) -> EmgRecording:
        """Build a recording from an array, naming channels ``ch1``... when no names are given."""
        arr = as_emg_array(data)
        names = tuple(channels) if channels else tuple(f"ch{i + 1}" for i in range(arr.shape[0]))
        return cls(arr, sfreq_hz, names, (unit,) * len(names))
