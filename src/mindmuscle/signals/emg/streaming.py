"""Stateful filters for live feedback: feed chunks, get the same output as one causal pass."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg._checks import as_emg_array
from mindmuscle.signals.emg.filters import causal_filter, design_emg_sos, lowpass_sos

__all__ = ["StreamingEnvelope", "StreamingFilter", "causal_envelope"]


class StreamingFilter:
    """A causal SOS cascade that keeps its state between chunks.

    Feeding a recording chunk by chunk gives exactly (bit for bit) the output of
    :func:`mindmuscle.signals.emg.filters.causal_filter` on the whole recording.

    Parameters
    ----------
    sos : ndarray, shape (n_sections, 6)
    n_channels : int

    Examples
    --------
    >>> import numpy as np
    >>> from mindmuscle.signals.emg.filters import causal_filter, design_emg_sos
    >>> sos = design_emg_sos(2000.0)
    >>> x = np.random.default_rng(0).standard_normal((2, 400))
    >>> f = StreamingFilter(sos, 2)
    >>> y = np.concatenate([f.process(x[:, i : i + 40]) for i in range(0, 400, 40)], axis=1)
    >>> bool(np.array_equal(y, causal_filter(x, sos)))
    True
    """

    def __init__(self, sos: npt.NDArray[np.float64], n_channels: int) -> None:
        self.sos = np.ascontiguousarray(sos, dtype=np.float64)
        self.n_channels = int(n_channels)
        # Same transfer-function form as causal_filter, so the outputs are bit for bit equal.
        self._b, self._a = signal.sos2tf(self.sos)
        self._zi = np.zeros((self.n_channels, self._a.size - 1))

    def reset(self) -> None:
        """Forget the state (as if the stream started again)."""
        self._zi[...] = 0.0

    def process(self, chunk: Any) -> npt.NDArray[np.float64]:
        """Filter one chunk of shape (n_channels, n_chunk_samples)."""
        x = np.asarray(chunk, dtype=np.float64)
        if x.ndim != 2 or x.shape[0] != self.n_channels:
            raise InvalidSignalError(
                f"Chunk of shape {x.shape} does not fit a stream of {self.n_channels} channels: "
                "give shape (n_channels, n_samples)."
            )
        y, self._zi = signal.lfilter(self._b, self._a, x, axis=-1, zi=self._zi)
        out: npt.NDArray[np.float64] = y
        return out


class StreamingEnvelope:
    """Live EMG envelope: causal band-pass, rectification and causal low-pass, chunk by chunk.

    The output equals :func:`causal_envelope` on the whole recording, bit for bit.
    """

    def __init__(
        self,
        sfreq_hz: float,
        n_channels: int,
        *,
        low_hz: float | None = None,
        high_hz: float | None = None,
        mains_hz: float | None = None,
        cutoff_hz: float = 6.0,
    ) -> None:
        self.band = StreamingFilter(
            design_emg_sos(sfreq_hz, low_hz, high_hz, mains_hz=mains_hz), n_channels
        )
        self.smooth = StreamingFilter(lowpass_sos(sfreq_hz, cutoff_hz), n_channels)

    def process(self, chunk: Any) -> npt.NDArray[np.float64]:
        """Envelope of one chunk of shape (n_channels, n_chunk_samples)."""
        return self.smooth.process(np.abs(self.band.process(chunk)))


def causal_envelope(
    data: Any,
    sfreq_hz: float,
    *,
    low_hz: float | None = None,
    high_hz: float | None = None,
    mains_hz: float | None = None,
    cutoff_hz: float = 6.0,
) -> npt.NDArray[np.float64]:
    """Batch version of :class:`StreamingEnvelope` (one causal pass over the whole recording)."""
    x = as_emg_array(data, min_samples=1).astype(np.float64)
    band = causal_filter(x, design_emg_sos(sfreq_hz, low_hz, high_hz, mains_hz=mains_hz))
    out = causal_filter(np.abs(band), lowpass_sos(sfreq_hz, cutoff_hz))
    return np.asarray(out, dtype=np.float64)
