"""Filters for surface EMG: DC removal, band-pass, notch, rectification, envelopes, RMS.

Every function takes ``data`` of shape (n_channels, n_samples) (a 1-D array is one channel),
float32 or float64, and returns the same dtype (float64 for integer input).

The band-pass has two implementations with the same transfer function:

* :func:`bandpass` with ``zero_phase=True`` (default) runs :func:`scipy.signal.sosfiltfilt`;
* :func:`causal_filter` runs the cascade once, forward, as a live device would;
  :class:`mindmuscle.signals.emg.streaming.StreamingFilter` gives identical output chunk by
  chunk;
* :class:`BlockFilter` computes the same causal output as a few matrix products (used by the
  analysis pipeline for speed; equal to :func:`causal_filter` to float32 rounding).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal
from scipy.linalg import blas

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg._checks import FloatArray, as_emg_array, check_sfreq

__all__ = [
    "DEFAULT_HIGH_HZ",
    "DEFAULT_LOW_HZ",
    "BandNarrowedWarning",
    "BlockFilter",
    "bandpass",
    "bandpass_sos",
    "causal_filter",
    "design_emg_sos",
    "linear_envelope",
    "lowpass_sos",
    "moving_rms",
    "notch",
    "notch_sos",
    "rectify",
    "remove_dc",
    "resolve_band",
]

DEFAULT_LOW_HZ = 20.0
DEFAULT_HIGH_HZ = 450.0
# When the default upper edge does not fit under Nyquist, it is moved to this fraction of it.
_NARROW_FRACTION = 0.9


class BandNarrowedWarning(UserWarning):
    """The default EMG band (20-450 Hz) did not fit under the Nyquist frequency and was narrowed.

    Raised through :func:`warnings.warn` when a recording's sampling rate is below about
    1 kHz (e.g. a 500 Hz MyoWare stream): the upper edge becomes 0.9 x Nyquist. Surface EMG
    has power up to about 400 Hz, so amplitudes from such recordings are slightly low and
    spectral features (mean and median frequency) are biased down. Silence it with
    ``warnings.simplefilter("ignore", BandNarrowedWarning)`` once this is understood.
    """


def resolve_band(
    sfreq_hz: float, low_hz: float | None = None, high_hz: float | None = None
) -> tuple[float, float]:
    """Return the (low, high) band edges in Hz that fit the sampling rate.

    Explicit edges must lie strictly between 0 and Nyquist (else :class:`InvalidSignalError`).
    Default edges (``None``: 20 and 450 Hz) are narrowed to fit, with a
    :class:`BandNarrowedWarning`.

    Examples
    --------
    >>> resolve_band(2000.0)
    (20.0, 450.0)
    """
    fs = check_sfreq(sfreq_hz)
    nyq = fs / 2.0
    for name, edge in (("low", low_hz), ("high", high_hz)):
        if edge is not None and not (0.0 < edge < nyq):
            raise InvalidSignalError(
                f"Band-pass {name} cut-off {edge} Hz is not allowed at a sampling rate of "
                f"{fs:g} Hz: cut-offs must lie strictly between 0 and the Nyquist frequency "
                f"{nyq:g} Hz. Lower the cut-off or check the sampling rate."
            )
    low = DEFAULT_LOW_HZ if low_hz is None else float(low_hz)
    if high_hz is None:
        high = DEFAULT_HIGH_HZ
        if high >= nyq:
            high = _NARROW_FRACTION * nyq
            if high < 2.0 * low:
                raise InvalidSignalError(
                    f"Sampling rate {fs:g} Hz is too low for surface EMG: the band above "
                    f"{low:g} Hz would be less than an octave wide. Record at 500 Hz or more "
                    "(1 kHz or more for full-band EMG), or check the sampling rate.",
                    needs="sampling_rate",
                )
            warnings.warn(
                f"Sampling rate {fs:g} Hz is too low for the "
                f"{DEFAULT_LOW_HZ:g}-{DEFAULT_HIGH_HZ:g} Hz EMG band: the band was narrowed to "
                f"{low:g}-{high:g} Hz. Amplitudes and frequencies are biased low; record at "
                "1 kHz or more for full-band EMG.",
                BandNarrowedWarning,
                stacklevel=3,
            )
    else:
        high = float(high_hz)
    if not low < high:
        raise InvalidSignalError(
            f"Band-pass {low:g}-{high:g} Hz is empty at a sampling rate of {fs:g} Hz: the low "
            "cut-off must be below the high cut-off; surface EMG needs a sampling rate of at "
            "least about 100 Hz."
        )
    return low, high


def bandpass_sos(
    sfreq_hz: float, low_hz: float | None = None, high_hz: float | None = None, order: int = 2
) -> npt.NDArray[np.float64]:
    """Butterworth band-pass in second-order sections (``order`` per edge, 2*order poles)."""
    low, high = resolve_band(sfreq_hz, low_hz, high_hz)
    sos: npt.NDArray[np.float64] = signal.butter(
        order, [low, high], btype="bandpass", fs=sfreq_hz, output="sos"
    )
    return sos


def notch_sos(
    sfreq_hz: float, mains_hz: float = 50.0, quality: float = 30.0
) -> npt.NDArray[np.float64]:
    """IIR notch at ``mains_hz`` (50 or 60 Hz) as one second-order section."""
    fs = check_sfreq(sfreq_hz)
    if not 0.0 < mains_hz < fs / 2.0:
        raise InvalidSignalError(
            f"Notch frequency {mains_hz} Hz must lie between 0 and Nyquist ({fs / 2:g} Hz)."
        )
    b, a = signal.iirnotch(mains_hz, quality, fs=fs)
    sos: npt.NDArray[np.float64] = signal.tf2sos(b, a)
    return sos


def lowpass_sos(sfreq_hz: float, cutoff_hz: float, order: int = 2) -> npt.NDArray[np.float64]:
    """Butterworth low-pass in second-order sections; the cut-off must be below Nyquist."""
    fs = check_sfreq(sfreq_hz)
    if not 0.0 < cutoff_hz < fs / 2.0:
        raise InvalidSignalError(
            f"Low-pass cut-off {cutoff_hz} Hz is not allowed at {fs:g} Hz: it must lie strictly "
            f"between 0 and Nyquist ({fs / 2:g} Hz)."
        )
    sos: npt.NDArray[np.float64] = signal.butter(
        order, cutoff_hz, btype="lowpass", fs=fs, output="sos"
    )
    return sos


def design_emg_sos(
    sfreq_hz: float,
    low_hz: float | None = None,
    high_hz: float | None = None,
    *,
    mains_hz: float | None = None,
    order: int = 2,
) -> npt.NDArray[np.float64]:
    """Band-pass (and optional mains notch) as one cascade of second-order sections."""
    sos = bandpass_sos(sfreq_hz, low_hz, high_hz, order)
    if mains_hz is not None:
        sos = np.vstack([sos, notch_sos(sfreq_hz, mains_hz)])
    return sos


def remove_dc(data: Any) -> FloatArray:
    """Subtract each channel's mean.

    Parameters
    ----------
    data : array_like, shape (n_channels, n_samples)

    Returns
    -------
    ndarray, shape (n_channels, n_samples)

    Examples
    --------
    >>> remove_dc([[1.0, 2.0, 3.0]]).tolist()
    [[-1.0, 0.0, 1.0]]
    """
    x = as_emg_array(data)
    out: FloatArray = x - x.mean(axis=1, keepdims=True, dtype=np.float64).astype(x.dtype)
    return out


def bandpass(
    data: Any,
    sfreq_hz: float,
    low_hz: float | None = None,
    high_hz: float | None = None,
    *,
    order: int = 2,
    mains_hz: float | None = None,
    zero_phase: bool = True,
) -> FloatArray:
    """Band-pass each channel (default 20-450 Hz), optionally with a 50/60 Hz notch.

    Parameters
    ----------
    data : array_like, shape (n_channels, n_samples)
        Raw EMG in any unit; the output has the same unit.
    sfreq_hz : float
        Sampling rate in Hz.
    low_hz, high_hz : float, optional
        Band edges in Hz. Explicit edges at or above Nyquist raise :class:`InvalidSignalError`;
        the defaults are narrowed with a :class:`BandNarrowedWarning` at low sampling rates.
    order : int
        Butterworth order per edge (2 gives a 4-pole band-pass).
    mains_hz : float, optional
        50 or 60 to also remove mains hum with a notch.
    zero_phase : bool
        True: forward-backward (no delay, squared magnitude). False: one causal pass.

    Returns
    -------
    ndarray, shape (n_channels, n_samples)

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(2000) / 2000.0
    >>> y = bandpass(np.sin(2 * np.pi * 100 * t), 2000.0)
    >>> bool(abs(y[0, 500:1500].std() * np.sqrt(2) - 1.0) < 0.02)
    True
    """
    x = remove_dc(data)
    sos = design_emg_sos(sfreq_hz, low_hz, high_hz, mains_hz=mains_hz, order=order)
    if zero_phase:
        if x.shape[1] <= 3 * (2 * sos.shape[0] + 1):
            raise InvalidSignalError(
                f"EMG with {x.shape[1]} samples is too short for a zero-phase band-pass: at "
                f"least {3 * (2 * sos.shape[0] + 1) + 1} samples are needed."
            )
        y: FloatArray = signal.sosfiltfilt(sos.astype(x.dtype), x, axis=-1)
    else:
        y = signal.sosfilt(sos.astype(x.dtype), x, axis=-1)
    return y.astype(x.dtype, copy=False)


def causal_filter(
    data: Any, sos: npt.NDArray[np.float64], zi: npt.NDArray[np.float64] | None = None
) -> FloatArray:
    """Run the cascade ``sos`` once, forward (the reference for streaming and :class:`BlockFilter`).

    The cascade is evaluated in transfer-function form with :func:`scipy.signal.lfilter`
    (float64). For the low orders used here (4 poles, 6 with a notch) it agrees with
    :func:`scipy.signal.sosfilt` to about 1e-12, and scipy runs it with a third of the
    per-call overhead, which matters for live chunks of a few dozen samples.

    Parameters
    ----------
    data : array_like, shape (n_channels, n_samples)
    sos : ndarray, shape (n_sections, 6)
    zi : ndarray, shape (n_channels, 2 * n_sections), optional
        Initial state (zeros by default).
    """
    x = as_emg_array(data, min_samples=1).astype(np.float64, copy=False)
    b, a = signal.sos2tf(sos)
    if zi is None:
        y: FloatArray = signal.lfilter(b, a, x, axis=-1)
    else:
        y, _ = signal.lfilter(b, a, x, axis=-1, zi=zi)
    return y


def rectify(data: Any) -> FloatArray:
    """Full-wave rectification (absolute value)."""
    out: FloatArray = np.abs(as_emg_array(data, min_samples=1))
    return out


def linear_envelope(
    data: Any, sfreq_hz: float, cutoff_hz: float = 6.0, order: int = 2
) -> FloatArray:
    """Linear envelope: zero-phase Butterworth low-pass of the rectified signal.

    ``data`` should already be band-passed. Output has the same shape and unit.

    Examples
    --------
    >>> import numpy as np
    >>> env = linear_envelope(np.ones((1, 400)), 200.0)
    >>> bool(np.allclose(env, 1.0))
    True
    """
    x = rectify(data)
    sos = lowpass_sos(sfreq_hz, cutoff_hz, order)
    y: FloatArray = signal.sosfiltfilt(sos, x, axis=-1).astype(x.dtype, copy=False)
    return y


def moving_rms(data: Any, sfreq_hz: float, window_ms: float = 100.0) -> FloatArray:
    """Centred moving RMS over ``window_ms`` (shorter windows at the edges).

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.allclose(moving_rms(np.full((1, 50), -2.0), 100.0, 100.0), 2.0))
    True
    """
    x = as_emg_array(data, min_samples=1)
    fs = check_sfreq(sfreq_hz)
    if window_ms <= 0:
        raise InvalidSignalError(f"RMS window {window_ms} ms must be positive, e.g. 100.")
    win = max(1, round(window_ms * fs / 1000.0))
    sq = np.square(x, dtype=np.float64)
    csum = np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(sq, axis=1)], axis=1)
    n = x.shape[1]
    idx = np.arange(n)
    lo = np.clip(idx - win // 2, 0, n)
    hi = np.clip(idx - win // 2 + win, 0, n)
    out = np.sqrt(np.maximum(csum[:, hi] - csum[:, lo], 0.0) / (hi - lo))
    result: FloatArray = out.astype(x.dtype, copy=False)
    return result


def notch(data: Any, sfreq_hz: float, mains_hz: float = 50.0, quality: float = 30.0) -> FloatArray:
    """Zero-phase notch at the mains frequency (50 or 60 Hz)."""
    x = as_emg_array(data)
    y: FloatArray = signal.sosfiltfilt(notch_sos(sfreq_hz, mains_hz, quality), x, axis=-1)
    return y.astype(x.dtype, copy=False)


def _state_space(sos: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
    """State space (A, B, C, D) of a cascade whose state vector is sosfilt's ``zi`` per channel."""
    n_sec = sos.shape[0]
    n = 2 * n_sec
    a_mat = np.zeros((n, n))
    b_vec = np.zeros(n)
    c_vec = np.zeros(n)
    d = 1.0
    for k, (b0, b1, b2, a0, a1, a2) in enumerate(sos):
        b0, b1, b2, a1, a2 = b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0
        # Transposed direct form II: y = b0 u + w1; w1' = (b1 - a1 b0) u - a1 w1 + w2;
        # w2' = (b2 - a2 b0) u - a2 w1. The section's input u is the previous output.
        i = 2 * k
        g = np.array([b1 - a1 * b0, b2 - a2 * b0])
        a_mat[i : i + 2, i : i + 2] = [[-a1, 1.0], [-a2, 0.0]]
        # u = c_vec . state + d * input, from the sections before this one
        a_mat[i : i + 2, :i] += np.outer(g, c_vec[:i])
        b_vec[i : i + 2] = g * d
        c_new = b0 * c_vec
        c_new[i] = 1.0
        c_vec = c_new
        d = b0 * d
    return a_mat, b_vec, c_vec, np.array(d)


@dataclass(frozen=True)
class BlockFilter:
    """A causal IIR cascade evaluated block-wise with matrix products.

    Within a block of ``block_len`` samples the zero-state response is a lower-triangular
    Toeplitz matrix product; the filter state is carried from block to block by a diagonalised
    recursion on the (few) state variables. The result equals :func:`causal_filter` (zero
    initial state) up to float32 rounding, at a fraction of the cost for long multichannel
    recordings, because the work becomes one large matrix product (BLAS, all cores).
    """

    sos: npt.NDArray[np.float64]
    block_len: int
    toeplitz_t: npt.NDArray[np.float32]  # (L, L): U @ toeplitz_t is the zero-state response
    gain_in: npt.NDArray[np.float64]  # (L, n): U @ gain_in is the state gained over a block
    state_out: npt.NDArray[np.float32]  # (n, L): S @ state_out is the free response
    carry_den: npt.NDArray[np.float64]  # (n + 1,) denominator det(zI - A^L)
    carry_num: npt.NDArray[np.float64]  # (n, n, n) numerators: [d, i, j] from input j to i

    @classmethod
    def design(cls, sos: npt.NDArray[np.float64], block_len: int = 32) -> BlockFilter:
        """Precompute the block matrices of ``sos`` for blocks of ``block_len`` samples."""
        a_mat, b_vec, c_vec, d = _state_space(np.asarray(sos, dtype=np.float64))
        n = a_mat.shape[0]
        length = int(block_len)
        if length < 1:
            raise InvalidSignalError(f"Block length {block_len} must be at least 1 sample.")
        powers = [np.eye(n)]
        for _ in range(length):
            powers.append(a_mat @ powers[-1])
        h = np.empty(length)
        h[0] = float(d)
        for k in range(1, length):
            h[k] = c_vec @ powers[k - 1] @ b_vec
        idx = np.arange(length)
        lag = idx[None, :] - idx[:, None]  # [i, j] = j - i: output j from input i
        toeplitz_t = np.where(lag >= 0, h[np.clip(lag, 0, length - 1)], 0.0)
        gain_in = np.stack([powers[length - 1 - i] @ b_vec for i in range(length)])
        state_out = np.stack([c_vec @ powers[j] for j in range(length)], axis=1)
        # The block-to-block carry s[k+1] = A^L s[k] + e[k] as transfer functions
        # adj(zI - A^L) / det(zI - A^L): one real all-pole pass plus a short FIR mix.
        phi = powers[length]
        num = np.zeros((n + 1, n, n))
        den = np.poly(phi).real
        for j in range(n):
            b_j = np.zeros((n, 1))
            b_j[j, 0] = 1.0
            num_j, den_j = signal.ss2tf(phi, b_j, np.eye(n), np.zeros((n, 1)))
            num[:, :, j] = np.asarray(num_j).T.real
            den = np.asarray(den_j).real
        # Modes that die out within one block (|eigenvalue of A^L| < 1e-9, e.g. the 450 Hz
        # low-pass poles) change the carry by less than that: leave them out of the all-pole
        # pass, which then costs half as much for a band-pass.
        roots = np.roots(den)
        den = np.poly(roots[np.abs(roots) >= 1e-9]).real
        return cls(
            sos=np.asarray(sos, dtype=np.float64),
            block_len=length,
            toeplitz_t=np.ascontiguousarray(toeplitz_t, dtype=np.float32),
            gain_in=gain_in,
            state_out=np.ascontiguousarray(state_out, dtype=np.float32),
            carry_den=np.asarray(den, dtype=np.float64),
            # (zI - A^L)^-1 is strictly proper; the first lag is zero and s[k+1] starts at lag 1.
            carry_num=num[1:],
        )

    def block_states(self, gained: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
        """States at the start of every block (and after the last) from the per-block gains.

        ``gained`` has shape (n_state, n_channels, n_blocks); the result has shape
        (n_state, n_channels, n_blocks + 1), starting from zero.
        """
        n_state, n_ch, n_blocks = gained.shape
        poles_only = signal.lfilter([1.0], self.carry_den, gained, axis=-1)
        flat = poles_only.reshape(n_state, -1)
        carried = np.zeros((n_state, n_ch, n_blocks + 1))
        view = carried[:, :, 1:]
        for lag_d in range(self.carry_num.shape[0]):
            mixed = (self.carry_num[lag_d] @ flat).reshape(n_state, n_ch, n_blocks)
            if lag_d == 0:
                view += mixed
            else:
                view[:, :, lag_d:] += mixed[:, :, :-lag_d]
        return carried.astype(np.float32)

    def __call__(
        self, data: npt.NDArray[np.float32], out: npt.NDArray[np.float32] | None = None
    ) -> npt.NDArray[np.float32]:
        """Filter ``data`` (n_channels, n_samples), float32, from a zero initial state.

        ``out`` (C-contiguous float32 of the same shape) receives the result when given.
        """
        x = np.ascontiguousarray(data, dtype=np.float32)
        n_ch, n_samples = x.shape
        length = self.block_len
        n_state = self.carry_num.shape[1]
        n_blocks = n_samples // length
        main = n_blocks * length
        tail_len = n_samples - main
        # Each channel's whole blocks are a contiguous (n_blocks, L) view; no copies.
        gain_in = self.gain_in.astype(np.float32)
        gained = np.empty((n_state, n_ch, n_blocks))
        for c in range(n_ch):
            gained[:, c, :] = (x[c, :main].reshape(n_blocks, length) @ gain_in).T
        states = self.block_states(gained)
        if out is None:
            out = np.empty_like(x)
        elif out.shape != x.shape or out.dtype != np.float32 or not out.flags.c_contiguous:
            raise InvalidSignalError("out must be a C-contiguous float32 array like the input.")
        for c in range(n_ch):
            if not n_blocks:
                break
            flat_out = out[c, :main].reshape(n_blocks, length)
            np.matmul(states[:, c, :n_blocks].T, self.state_out, out=flat_out)
            # flat_out += blocks @ toeplitz_t, accumulated in place by BLAS (beta = 1).
            blocks = x[c, :main].reshape(n_blocks, length)
            blas.sgemm(1.0, self.toeplitz_t.T, blocks.T, beta=1.0, c=flat_out.T, overwrite_c=True)
        if tail_len:
            tail = np.zeros((n_ch, length), dtype=np.float32)
            tail[:, :tail_len] = x[:, main:]
            y_tail = tail @ self.toeplitz_t + states[:, :, n_blocks].T @ self.state_out
            out[:, main:] = y_tail[:, :tail_len]
        return out
