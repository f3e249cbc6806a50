"""Signal-quality checks per channel: flat line, clipping, mains noise, motion artefact, SNR.

Thresholds (documented in the result's ``issues`` text):

* flat line: more than half of consecutive samples equal, or no variation at all;
* clipping: more than 0.1 % of samples sit at the channel's minimum or maximum value;
* mains noise: more than 15 % of the 20-450 Hz power lies within 2 Hz of 50 or 60 Hz;
* motion artefact: the 1-15 Hz power exceeds the EMG-band power;
* low SNR: the envelope's activity level (99th percentile) is less than twice (6 dB) its rest
  level (10th percentile);
* low sampling rate: under :data:`MIN_RATE_HZ`. Surface EMG reaches 450 Hz and is sampled at
  1000 Hz or more; below 500 Hz most of its band is lost, and the frequency features (mean and
  median frequency, their fatigue trends) are not comparable with other recordings. A rate of
  a motion sensor (100 Hz) says the file may not hold EMG at all;
* implausible amplitude: an RMS over :data:`MAX_RMS_MV` mV. Surface EMG stays under a few
  millivolts even at maximal effort, so the samples are most likely raw converter counts or in
  another unit than the one given.

The spectral checks use up to 16 one-second segments spread over the recording, so they cost
the same for a 10-second and a 10-hour file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import fft

from mindmuscle.signals.emg.models import ChannelQuality

__all__ = [
    "CLIPPING_PCT",
    "FLAT_FRACTION",
    "LOW_SNR_DB",
    "MAINS_RATIO",
    "MAX_RMS_MV",
    "MIN_RATE_HZ",
    "MOTION_RATIO",
    "assess_quality",
]

FLAT_FRACTION = 0.5
CLIPPING_PCT = 0.1
MAINS_RATIO = 0.15
MOTION_RATIO = 1.0
LOW_SNR_DB = 20.0 * np.log10(2.0)
MIN_RATE_HZ = 500.0
MAX_RMS_MV = 5.0
_TO_MV = {"uV": 1e-3, "mV": 1.0, "V": 1e3}
_MAX_SEGMENTS = 16


def _segments(x: npt.NDArray[np.floating[Any]], seg_len: int) -> npt.NDArray[np.float64]:
    """Up to 16 evenly spread segments of each channel: shape (n_channels, n_seg, seg_len)."""
    n = x.shape[1]
    n_seg = max(1, min(_MAX_SEGMENTS, n // seg_len))
    starts = np.linspace(0, n - seg_len, n_seg).astype(np.int64)
    idx = starts[:, None] + np.arange(seg_len)[None, :]
    return np.asarray(x[:, idx], dtype=np.float64)


def assess_quality(
    data: npt.NDArray[np.floating[Any]],
    sfreq_hz: float,
    envelope: npt.NDArray[np.floating[Any]],
    units: Sequence[str] | None = None,
) -> list[ChannelQuality]:
    """Quality of each channel of a raw recording.

    Parameters
    ----------
    data : ndarray, shape (n_channels, n_samples)
        Raw EMG (before filtering).
    sfreq_hz : float
        Sampling rate in Hz.
    envelope : ndarray, shape (n_channels, n_envelope_samples)
        The linear envelope of each channel (any rate).
    units : sequence of str, optional
        Each channel's unit (``uV``, ``mV`` or ``V``); without them the amplitude is not judged.
    """
    n_ch, n = data.shape
    seg_len = int(2 ** np.floor(np.log2(max(min(n, sfreq_hz), 8.0))))
    seg_len = min(seg_len, n)
    segs = _segments(data, seg_len)
    lo = data.min(axis=1)
    hi = data.max(axis=1)
    at_rail = (segs <= lo[:, None, None]) | (segs >= hi[:, None, None])
    clipping_pct = 100.0 * at_rail.mean(axis=(1, 2))
    flat_frac = (np.diff(segs, axis=-1) == 0).mean(axis=(1, 2)) if seg_len > 1 else np.ones(n_ch)
    centred = segs - segs.mean(axis=-1, keepdims=True)
    window = np.hanning(seg_len)
    power = (np.abs(fft.rfft(centred * window, axis=-1)) ** 2).mean(axis=1)
    freqs = fft.rfftfreq(seg_len, 1.0 / sfreq_hz)
    nyq = sfreq_hz / 2.0

    def band(f0: float, f1: float) -> npt.NDArray[np.float64]:
        sel = (freqs >= f0) & (freqs <= f1)
        out: npt.NDArray[np.float64] = power[:, sel].sum(axis=1)
        return out

    emg_power = band(20.0, min(450.0, 0.95 * nyq))
    low_power = band(1.0, 15.0)
    mains = {hz: band(hz - 2.0, hz + 2.0) for hz in (50.0, 60.0) if hz + 2.0 < nyq}
    stride = max(1, -(-envelope.shape[1] // 20_000))  # a smooth envelope: a subset will do
    rest, active = np.percentile(envelope[:, ::stride], [10.0, 99.0], axis=1)
    # The AC amplitude, on the segments already drawn (a DC offset is no EMG).
    rms = np.sqrt((centred**2).mean(axis=(1, 2)))
    results: list[ChannelQuality] = []
    for c in range(n_ch):
        issues: list[str] = []
        low_rate = sfreq_hz < MIN_RATE_HZ
        if low_rate:
            issues.append(
                f"sampled at {sfreq_hz:g} Hz: surface EMG reaches 450 Hz and needs 1000 Hz or "
                f"more, so everything above {sfreq_hz / 2:g} Hz is lost and the frequency "
                "features are not comparable"
                + (" (a motion sensor's rate: is this an EMG file?)" if sfreq_hz <= 200 else "")
            )
        rms_mv = float(rms[c]) * _TO_MV.get(units[c], float("nan")) if units else float("nan")
        too_large = bool(rms_mv > MAX_RMS_MV)
        if too_large:
            issues.append(
                f"amplitude: RMS {rms_mv:.3g} mV is beyond surface EMG (a few mV at most): raw "
                f"converter counts, or a unit other than {units[c] if units else ''}? give the "
                "file's unit"
            )
        flat = bool(hi[c] == lo[c] or flat_frac[c] > FLAT_FRACTION)
        if flat:
            issues.append(
                f"flat line: {100 * flat_frac[c]:.0f}% of consecutive samples are equal "
                "(electrode off or amplifier saturated?)"
            )
        clip = bool(not flat and clipping_pct[c] > CLIPPING_PCT)
        if clip:
            issues.append(
                f"clipping: {clipping_pct[c]:.2f}% of samples at the range limits; lower the gain"
            )
        total = float(emg_power[c])
        mains_hz: float | None = None
        mains_ratio = 0.0
        for hz, p in mains.items():
            ratio = float(p[c]) / total if total > 0 else 0.0
            if ratio > mains_ratio:
                mains_hz, mains_ratio = hz, ratio
        mains_noise = mains_ratio > MAINS_RATIO
        if mains_noise:
            issues.append(
                f"mains noise: {100 * mains_ratio:.0f}% of the EMG-band power is at "
                f"{mains_hz:g} Hz; use the {mains_hz:g} Hz notch and check the reference electrode"
            )
        low_ratio = float(low_power[c]) / total if total > 0 else float("inf")
        motion = bool(not flat and low_ratio > MOTION_RATIO)
        if motion:
            issues.append(
                f"motion artefact: 1-15 Hz power is {low_ratio:.1f}x the EMG-band power; "
                "tape the cables and check the electrode contact"
            )
        rest_c = max(float(rest[c]), 0.0)
        active_c = float(active[c])
        if active_c <= 0:
            snr_db = 0.0
        elif rest_c <= 0:
            snr_db = 120.0
        else:
            snr_db = float(20.0 * np.log10(active_c / rest_c))
        low_snr = snr_db < LOW_SNR_DB
        if low_snr:
            issues.append(
                f"low signal-to-noise: activity is only {snr_db:.1f} dB above rest (need 6 dB); "
                "no clear contractions can be told from noise"
            )
        results.append(
            ChannelQuality(
                flat_line=flat,
                clipping_pct=round(float(clipping_pct[c]), 4),
                clipping=clip,
                mains_hz=mains_hz,
                mains_ratio=round(mains_ratio, 4),
                mains_noise=mains_noise,
                low_freq_ratio=round(low_ratio, 4) if np.isfinite(low_ratio) else 1e9,
                motion_artefact=motion,
                snr_db=round(snr_db, 2),
                low_snr=low_snr,
                low_rate=low_rate,
                implausible_amplitude=too_large,
                issues=issues,
            )
        )
    return results
