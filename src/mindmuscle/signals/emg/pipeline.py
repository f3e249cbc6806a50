"""The full analysis of a recording: filter, envelope, onsets, repetitions, features, quality.

Speed comes from touching the raw samples as few times as possible, in float32:

1. the causal band-pass (and notch) as block matrix products (:class:`BlockFilter`), reading
   float32 input in place; the band-pass removes DC, and its start-up transient is cancelled
   by subtracting the step response scaled by the level of the first 0.1 s (float64 input is
   converted and levelled in the same pass);
2. sums of ``|y|`` and ``y**2`` over short blocks (about 5 ms), which decimate the signal to
   an envelope rate near 200 Hz;
3. everything else (zero-phase envelope low-pass, moving RMS, onsets, repetition amplitudes,
   integrated EMG, RMS) runs on those block sums, and the mean/median frequency on Hann-windowed
   segments inside the repetitions only.

Channels are split between two worker threads (numpy, scipy and BLAS release the GIL), with
BLAS itself kept to one thread: its own threads fight ours on small matrix products.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import fft, ndimage, signal
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg._checks import as_emg_array, check_sfreq
from mindmuscle.signals.emg.features import fatigue_slopes, left_right_pairs, spectral_moments
from mindmuscle.signals.emg.filters import (
    BandNarrowedWarning,
    BlockFilter,
    design_emg_sos,
    lowpass_sos,
    resolve_band,
)
from mindmuscle.signals.emg.models import (
    Balance,
    EmgAnalysis,
    FatigueTrend,
    SynergistRatio,
)
from mindmuscle.signals.emg.onsets import detect_bursts
from mindmuscle.signals.emg.quality import assess_quality
from mindmuscle.signals.emg.recording import EmgRecording
from mindmuscle.signals.emg.reps import repetitions_from_motion

__all__ = ["EmgResult", "ProcessedEmg", "analyze_emg", "envelope_decimation", "process_emg"]

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
ProgressFn = Callable[[str, float], None]

_TARGET_ENVELOPE_HZ = 200.0
_BLOCK_SAMPLES = 40
_WORKERS = 2
_SIDE_WORKERS = 1
_EDGE_WINDOW_S = 0.025
_REP_KEYS = (
    "rep",
    "start_s",
    "end_s",
    "peak",
    "mean",
    "peak_pct",
    "mean_pct",
    "iemg",
    "rms",
    "mean_freq_hz",
    "median_freq_hz",
)


def envelope_decimation(sfreq_hz: float) -> int:
    """Samples per envelope block: the envelope rate is ``sfreq_hz / q``, near 200 Hz."""
    return max(1, round(sfreq_hz / _TARGET_ENVELOPE_HZ))


@lru_cache(maxsize=32)
def _block_filter(sos_key: bytes, n_sections: int, block_len: int) -> BlockFilter:
    sos = np.frombuffer(sos_key, dtype=np.float64).reshape(n_sections, 6).copy()
    return BlockFilter.design(sos, block_len)


_BLAS = ThreadpoolController()


def _blas_single_thread() -> Any:
    """Limit BLAS to one thread while our own threads split the channels."""
    return _BLAS.limit(limits=1, user_api="blas")


@lru_cache(maxsize=32)
def _step_response(sos_key: bytes, n_sections: int) -> F64:
    """Step response of a band-pass until it has died away (below 1e-7 of its peak)."""
    sos = np.frombuffer(sos_key, dtype=np.float64).reshape(n_sections, 6).copy()
    length = 1024
    while True:
        resp = signal.sosfilt(sos, np.ones(length))
        tail = np.flatnonzero(np.abs(resp) > 1e-7 * np.abs(resp).max())
        if tail[-1] < length - 64 or length >= 1 << 22:
            out: F64 = resp[: tail[-1] + 1]
            return out
        length *= 4


def _zero_phase(sos: F64, data: F32, padlen: int) -> F32:
    """Forward-backward filtering like :func:`scipy.signal.sosfiltfilt` (odd padding, steady
    start), with each pass run by a :class:`BlockFilter` (float32)."""
    n = data.shape[1]
    pad = max(0, min(padlen, n - 1))
    bf = _block_filter(np.ascontiguousarray(sos).tobytes(), sos.shape[0], 32)
    left = 2.0 * data[:, :1] - data[:, pad:0:-1]
    right = 2.0 * data[:, -1:] - data[:, -2 : -pad - 2 : -1]
    ext = np.concatenate([left, data, right], axis=1)
    # Low-pass filters have unit gain at 0 Hz: starting from the first value's steady state
    # is the same as filtering the deviation from it from rest.
    first = ext[:, :1].copy()
    fwd = bf(ext - first) + first
    rev = np.ascontiguousarray(fwd[:, ::-1])
    last = rev[:, :1].copy()
    back = bf(rev - last) + last
    out: F32 = np.ascontiguousarray(back[:, ::-1][:, pad : pad + n])
    return out


def _centred_mean(data: F32, width: int) -> F32:
    """Centred moving average over ``width`` samples (edges repeat the end values)."""
    out: F32 = ndimage.uniform_filter1d(data, width, axis=1, mode="nearest")
    return out


@dataclass(frozen=True)
class ProcessedEmg:
    """Intermediate signals of one recording.

    Attributes
    ----------
    filtered : ndarray, shape (n_channels, n_samples), float32
        Causally band-passed EMG (DC removed), in the recording's units.
    decimation : int
        Samples per envelope block ``q``.
    envelope_rate_hz : float
        ``sfreq_hz / q``.
    abs_sum, sq_sum : ndarray, shape (n_channels, n_blocks), float64
        Per block, the sum of ``|filtered|`` and of ``filtered**2``.
    envelope : ndarray, shape (n_channels, n_blocks), float32
        Linear envelope (zero-phase low-pass of the block means of ``|filtered|``).
    edge_envelope : ndarray, shape (n_channels, n_blocks), float32
        A lightly smoothed envelope (centred 25 ms moving average of the block means), to
        place onsets and offsets precisely.
    """

    sfreq_hz: float
    band_hz: tuple[float, float]
    filtered: F32
    decimation: int
    envelope_rate_hz: float
    envelope_cutoff_hz: float
    abs_sum: F64
    sq_sum: F64
    envelope: F32
    edge_envelope: F32

    @property
    def times_s(self) -> F64:
        """Centre time of each envelope block in seconds."""
        q = self.decimation
        idx = np.arange(self.envelope.shape[1], dtype=np.float64)
        out: F64 = (idx * q + (q - 1) / 2.0) / self.sfreq_hz
        return out

    def moving_rms(self, window_ms: float = 100.0) -> F32:
        """Centred moving RMS at the envelope rate over about ``window_ms``."""
        win = max(1, round(window_ms / 1000.0 * self.envelope_rate_hz))
        n = self.sq_sum.shape[1]
        csum = np.zeros((self.sq_sum.shape[0], n + 1))
        np.cumsum(self.sq_sum, axis=1, out=csum[:, 1:])
        idx = np.arange(n)
        lo = np.clip(idx - win // 2, 0, n)
        hi = np.clip(idx - win // 2 + win, 0, n)
        count = (hi - lo) * self.decimation
        rms = np.sqrt(np.maximum(csum[:, hi] - csum[:, lo], 0.0) / count)
        out: F32 = rms.astype(np.float32)
        return out


def process_emg(
    data: Any,
    sfreq_hz: float,
    *,
    low_hz: float | None = None,
    high_hz: float | None = None,
    mains_hz: float | None = None,
    envelope_cutoff_hz: float = 6.0,
    workers: int = _WORKERS,
    check_finite: bool = True,
) -> ProcessedEmg:
    """Band-pass, rectify and envelope every channel (the expensive part of the analysis).

    Parameters
    ----------
    data : ndarray, shape (n_channels, n_samples)
        Raw EMG, float32 or float64 (checked for NaN, rate and length).
    sfreq_hz : float
        Sampling rate in Hz.
    low_hz, high_hz : float, optional
        Band-pass edges (default 20-450 Hz, narrowed with a warning at low rates).
    mains_hz : float, optional
        50 or 60 to add a mains notch.
    envelope_cutoff_hz : float
        Cut-off of the linear envelope's zero-phase low-pass.
    workers : int
        Threads that share the channels.
    check_finite : bool
        Check for NaN and infinite values (skip only for data already checked, such as an
        :class:`EmgRecording`'s).
    """
    fs = check_sfreq(sfreq_hz)
    x = as_emg_array(data, check_finite=check_finite)
    band = resolve_band(fs, low_hz, high_hz)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BandNarrowedWarning)  # already warned by resolve_band
        sos = design_emg_sos(fs, band[0], band[1], mains_hz=mains_hz)
    q = envelope_decimation(fs)
    n_ch, n = x.shape
    n_blocks = n // q
    if n_blocks < 16:
        raise InvalidSignalError(
            f"EMG of {n} samples ({n / fs:.3f} s at {fs:g} Hz) is too short to analyse: at least "
            f"{16 * q} samples ({16 * q / fs:.2f} s) are needed."
        )
    env_rate = fs / q
    env_sos = lowpass_sos(env_rate, envelope_cutoff_hz)
    block_len = q * max(1, round(_BLOCK_SAMPLES / q))
    bfilt = _block_filter(np.ascontiguousarray(sos).tobytes(), sos.shape[0], block_len)
    filtered = np.empty((n_ch, n), dtype=np.float32)
    abs_sum = np.empty((n_ch, n_blocks))
    sq_sum = np.empty((n_ch, n_blocks))
    ones = np.ones(q, dtype=np.float32)
    used = n_blocks * q

    step = _step_response(np.ascontiguousarray(sos).tobytes(), sos.shape[0])[:n]
    lead = max(1, min(n, round(0.1 * fs)))

    def run(sl: slice) -> None:
        # DC: the band-pass removes it; only its start-up transient needs cancelling. The
        # output is the causal band-pass of (x - level), level = mean of the first 0.1 s.
        part = x[sl]
        level = part[:, :lead].mean(axis=1, keepdims=True, dtype=np.float64)
        if part.dtype == np.float32:
            bfilt(part, out=filtered[sl])  # no copy of the input
            filtered[sl, : step.size] -= (level * step).astype(np.float32)
        else:
            bfilt(np.subtract(part, level, dtype=np.float32), out=filtered[sl])
        for c in range(sl.start, sl.stop):
            blocks = filtered[c, :used].reshape(n_blocks, q)
            abs_sum[c] = np.abs(blocks) @ ones
            sq_sum[c] = np.einsum("ij,ij->i", blocks, blocks)

    n_workers = max(1, min(workers, n_ch))
    bounds = np.linspace(0, n_ch, n_workers + 1).astype(int)
    slices = [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]
    with _blas_single_thread():
        if len(slices) == 1:
            run(slices[0])
        else:
            with ThreadPoolExecutor(len(slices)) as pool:
                list(pool.map(run, slices))
        block_mean = (abs_sum / q).astype(np.float32)
        pad = round(env_rate)  # one second of odd reflection absorbs the filters' transients
        envelope = _zero_phase(env_sos, block_mean, pad)
        np.maximum(envelope, 0.0, out=envelope)  # the low-pass rings slightly below zero
        edge_envelope = _centred_mean(block_mean, max(1, round(_EDGE_WINDOW_S * env_rate)))
    return ProcessedEmg(
        sfreq_hz=fs,
        band_hz=band,
        filtered=filtered,
        decimation=q,
        envelope_rate_hz=env_rate,
        envelope_cutoff_hz=envelope_cutoff_hz,
        abs_sum=abs_sum,
        sq_sum=sq_sum,
        envelope=envelope,
        edge_envelope=edge_envelope,
    )


@dataclass(frozen=True)
class EmgResult:
    """An analysis (JSON-ready) with the signals it came from (for plots)."""

    analysis: EmgAnalysis
    processed: ProcessedEmg
    channels: tuple[str, ...]


def _spectral_features(
    filtered: F32,
    sfreq_hz: float,
    band_hz: tuple[float, float],
    windows: npt.NDArray[np.int64],
    workers: int = 1,
) -> tuple[F64, F64]:
    """Mean and median frequency per (channel, window) from Hann segments inside the window."""
    n_ch, n = filtered.shape
    n_rep = windows.shape[0]
    mnf = np.full((n_ch, n_rep), np.nan)
    mdf = np.full((n_ch, n_rep), np.nan)
    if n_rep == 0:
        return mnf, mdf
    nfft = int(2 ** round(math.log2(max(sfreq_hz * 0.128, 16.0))))
    n_grid = n // nfft
    first = -(-windows[:, 0] // nfft)
    last = windows[:, 1] // nfft
    counts = np.clip(last - first, 0, None)
    has = counts > 0
    if not has.any():
        return mnf, mdf
    seg_idx = np.concatenate([np.arange(a, b) for a, b in zip(first[has], last[has], strict=True)])
    offsets = np.concatenate([[0], np.cumsum(counts[has])[:-1]])
    freqs = fft.rfftfreq(nfft, 1.0 / sfreq_hz)
    inside = np.flatnonzero((freqs >= band_hz[0]) & (freqs <= band_hz[1]))
    lo, hi = int(inside[0]), int(inside[-1]) + 1
    window = np.hanning(nfft).astype(np.float32)

    def one(c: int) -> None:
        grid = filtered[c, : n_grid * nfft].reshape(n_grid, nfft)
        segs = grid[seg_idx]
        segs *= window
        spec = fft.rfft(segs, axis=-1)[:, lo:hi]  # float32 in, complex64 out
        power = spec.real * spec.real + spec.imag * spec.imag
        per_rep = np.add.reduceat(power, offsets, axis=0)
        m1, m2 = spectral_moments(freqs[lo:hi], per_rep)
        mnf[c, has] = m1
        mdf[c, has] = m2

    if workers > 1 and n_ch > 1:
        with ThreadPoolExecutor(min(workers, n_ch)) as pool:
            list(pool.map(one, range(n_ch)))
    else:
        for c in range(n_ch):
            one(c)
    return mnf, mdf


def _none_if_nan(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


def analyze_emg(
    recording: EmgRecording,
    *,
    target: str,
    synergists: Sequence[str] = (),
    mvc: EmgRecording | None = None,
    mvc_kind: Literal["mvc", "reference"] = "mvc",
    mvc_levels: Mapping[str, float] | None = None,
    low_hz: float | None = None,
    high_hz: float | None = None,
    mains_hz: float | None = None,
    envelope_cutoff_hz: float = 6.0,
    on_fraction: float = 0.2,
    off_fraction: float = 0.1,
    min_duration_s: float = 0.2,
    min_gap_s: float = 0.15,
    progress: ProgressFn | None = None,
) -> EmgResult:
    """Analyse one set: quality, onsets, repetitions and their features, ratios, fatigue.

    Parameters
    ----------
    recording : EmgRecording
        The set's EMG (and optionally a synchronous motion channel).
    target : str
        Channel of the muscle the set trains; its bursts define the repetitions when there is
        no motion channel.
    synergists : sequence of str
        Channels of helper muscles; a target:synergist ratio is reported for each.
    mvc : EmgRecording, optional
        A maximal voluntary contraction (``mvc_kind="mvc"``) or a reference contraction
        (``"reference"``) with the same channel names: its envelope peak is 100 %. Without
        it, each channel is normalised to its own peak in this set (``task_peak``).
    mvc_levels : mapping of str to float, optional
        A calibrated maximum per channel name, in the channel's unit (the best 1-second
        envelope level of a maximal contraction, :mod:`.mvc`): that channel's 100 %
        (normalisation ``mvc``). It takes precedence over ``mvc`` for the channels it names.
    low_hz, high_hz, mains_hz, envelope_cutoff_hz
        Filtering, see :func:`process_emg`.
    on_fraction, off_fraction, min_duration_s, min_gap_s
        Onset detection, see :func:`mindmuscle.signals.emg.onsets.detect_bursts`.
    progress : callable, optional
        Called as ``progress(stage, fraction_done)``.

    Returns
    -------
    EmgResult
    """
    with _blas_single_thread():
        return _analyze(
            recording,
            target=target,
            synergists=synergists,
            mvc=mvc,
            mvc_kind=mvc_kind,
            mvc_levels=mvc_levels,
            low_hz=low_hz,
            high_hz=high_hz,
            mains_hz=mains_hz,
            envelope_cutoff_hz=envelope_cutoff_hz,
            on_fraction=on_fraction,
            off_fraction=off_fraction,
            min_duration_s=min_duration_s,
            min_gap_s=min_gap_s,
            progress=progress,
        )


def _analyze(
    recording: EmgRecording,
    *,
    target: str,
    synergists: Sequence[str],
    mvc: EmgRecording | None,
    mvc_kind: Literal["mvc", "reference"],
    mvc_levels: Mapping[str, float] | None,
    low_hz: float | None,
    high_hz: float | None,
    mains_hz: float | None,
    envelope_cutoff_hz: float,
    on_fraction: float,
    off_fraction: float,
    min_duration_s: float,
    min_gap_s: float,
    progress: ProgressFn | None,
) -> EmgResult:
    report = progress or (lambda stage, frac: None)
    ti = recording.index(target)
    syn_idx = [recording.index(s) for s in synergists]
    if target in synergists:
        raise InvalidSignalError(f"Channel {target!r} cannot be both the target and a synergist.")
    notes: list[str] = list(recording.notes)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BandNarrowedWarning)
        resolve_band(recording.sfreq_hz, low_hz, high_hz)
    for w in caught:
        notes.append(str(w.message))
        warnings.warn(str(w.message), BandNarrowedWarning, stacklevel=2)
    report("filtering", 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BandNarrowedWarning)
        proc = process_emg(
            recording.data,
            recording.sfreq_hz,
            low_hz=low_hz,
            high_hz=high_hz,
            mains_hz=mains_hz,
            envelope_cutoff_hz=envelope_cutoff_hz,
            check_finite=False,  # EmgRecording checked it when it was built
        )
    report("onsets", 0.6)
    # The quality checks need only the raw data and the envelope, the mean/median frequency only
    # the filtered data and the repetitions: a helper thread runs both (their FFTs and large
    # reductions release the GIL) while this one finds the other channels' bursts and the
    # amplitude features.
    side_pool = ThreadPoolExecutor(_SIDE_WORKERS)
    quality_job = side_pool.submit(
        assess_quality, recording.data, proc.sfreq_hz, proc.envelope, recording.units
    )
    try:
        fs = proc.sfreq_hz
        q = proc.decimation
        rate = proc.envelope_rate_hz
        env = proc.envelope
        n_ch, n_blocks = env.shape

        def bursts_of(c: int) -> npt.NDArray[np.int64]:
            return detect_bursts(
                env[c],
                rate,
                on_fraction=on_fraction,
                off_fraction=off_fraction,
                min_duration_s=min_duration_s,
                min_gap_s=min_gap_s,
                edge_envelope=proc.edge_envelope[c],
            )

        # Repetition windows in envelope blocks.
        if recording.motion is not None:
            rep_source: Literal["emg", "motion"] = "motion"
            assert recording.motion_rate_hz is not None
            spans_s = repetitions_from_motion(recording.motion, recording.motion_rate_hz)
            reps = np.clip(np.round(spans_s * rate).astype(np.int64), 0, n_blocks)
            reps = reps[reps[:, 1] > reps[:, 0]]
        else:
            rep_source = "emg"
            reps = bursts_of(ti)
        spectral_job = (
            side_pool.submit(_spectral_features, proc.filtered, fs, proc.band_hz, reps * q)
            if reps.shape[0]
            else None
        )
        bursts = [reps if c == ti and rep_source == "emg" else bursts_of(c) for c in range(n_ch)]
        n_rep = reps.shape[0]
        # Normalisation references.
        names = recording.channels
        reference = env.max(axis=1).astype(np.float64)
        norm: list[Literal["mvc", "reference", "task_peak"]] = ["task_peak"] * n_ch
        if mvc is not None:
            if mvc.sfreq_hz <= 0:  # pragma: no cover - EmgRecording checks the rate
                raise InvalidSignalError("MVC recording has no sampling rate.")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", BandNarrowedWarning)
                mvc_proc = process_emg(
                    mvc.data,
                    mvc.sfreq_hz,
                    low_hz=low_hz,
                    high_hz=high_hz,
                    mains_hz=mains_hz,
                    envelope_cutoff_hz=envelope_cutoff_hz,
                )
            mvc_peaks = mvc_proc.envelope.max(axis=1)
            for c, name in enumerate(names):
                if name in mvc.channels:
                    m = mvc.channels.index(name)
                    if mvc.units[m] != recording.units[c]:
                        scale = _unit_scale(mvc.units[m], recording.units[c])
                    else:
                        scale = 1.0
                    peak = float(mvc_peaks[m]) * scale
                    if peak > 0:
                        reference[c] = peak
                        norm[c] = mvc_kind
                else:
                    notes.append(
                        f"channel {name!r} is not in the {mvc_kind.upper()} recording: normalised "
                        "to its own peak in this set instead"
                    )
        for c, name in enumerate(names):
            level = None if mvc_levels is None else mvc_levels.get(name)
            if level is not None and math.isfinite(level) and level > 0:
                reference[c] = float(level)
                norm[c] = "mvc"
        report("features", 0.75)
        # Per-repetition features, all channels at once, from the block sums.
        if n_rep:
            starts, stops = reps[:, 0], reps[:, 1]
            lengths = (stops - starts).astype(np.float64)
            # Sums and maxima over [start, stop) of each repetition: reduceat over the interleaved
            # edges gives [start, stop), [stop, next start), ...; keep every other one.
            edges = np.stack([starts, stops], axis=1).reshape(-1)
            if edges[-1] >= n_blocks:
                edges = edges[:-1]  # the last repetition runs to the end: reduceat's last slot

            def over_reps(values: npt.NDArray[Any], ufunc: Any = np.add) -> F64:
                # reduceat over [start, stop), [stop, next start), ...: keep every other slot.
                kind = {"dtype": np.float64} if ufunc is np.add else {}
                out: F64 = ufunc.reduceat(values, edges, axis=1, **kind)[:, ::2]
                return out.astype(np.float64, copy=False)

            mean_env = over_reps(env) / lengths
            peak_env = over_reps(env, np.maximum)
            iemg = over_reps(proc.abs_sum) / fs
            rms = np.sqrt(over_reps(proc.sq_sum) / (lengths * q))
            assert spectral_job is not None
            mnf, mdf = spectral_job.result()
        report("quality", 0.9)
        quality = quality_job.result()
    finally:
        side_pool.shutdown()
    # Plain dicts, validated once as a whole by pydantic-core (fast for thousands of reps).
    channels: list[dict[str, Any]] = []
    for c, name in enumerate(names):
        role: Literal["target", "synergist", "other"] = (
            "target" if c == ti else "synergist" if c in syn_idx else "other"
        )
        ref = float(reference[c])
        scale_pct = 100.0 / ref if ref > 0 else float("nan")
        start_s = np.round(reps[:, 0] * q / fs, 4).tolist()
        end_s = np.round(reps[:, 1] * q / fs, 4).tolist()
        cols = (
            [
                peak_env[c].tolist(),
                mean_env[c].tolist(),
                (peak_env[c] * scale_pct).tolist(),
                (mean_env[c] * scale_pct).tolist(),
                iemg[c].tolist(),
                rms[c].tolist(),
                [_none_if_nan(v) for v in mnf[c].tolist()],
                [_none_if_nan(v) for v in mdf[c].tolist()],
            ]
            if n_rep
            else [[]] * 8
        )
        rep_rows = [
            dict(zip(_REP_KEYS, row, strict=True))
            for row in zip(range(1, n_rep + 1), start_s, end_s, *cols, strict=True)
        ]
        burst_s = np.round(bursts[c] * q / fs, 4).tolist()
        channels.append(
            {
                "name": name,
                "unit": recording.units[c],
                "role": role,
                "normalisation": norm[c],
                "reference_amplitude": ref,
                "quality": quality[c],
                "bursts": [{"onset_s": a, "offset_s": b} for a, b in burst_s],
                "reps": rep_rows,
            }
        )
    ratios: list[SynergistRatio] = []
    for s in syn_idx:
        value: float | None = None
        if n_rep:
            t_mean = float(np.mean(mean_env[ti] / reference[ti]))
            s_mean = float(np.mean(mean_env[s] / reference[s]))
            value = t_mean / s_mean if s_mean > 0 else None
        ratios.append(SynergistRatio(synergist=names[s], ratio=value))
    balance: list[Balance] = []
    for muscle, left, right in left_right_pairs(names):
        li, ri = names.index(left), names.index(right)
        # Normalised only when both sides have a contraction of the same kind to be measured
        # against; each side's own peak in the set would make every balance about even.
        basis = norm[li] if norm[li] == norm[ri] and norm[li] != "task_peak" else "raw"
        share: float | None = None
        if n_rep and (basis != "raw" or recording.units[li] == recording.units[ri]):
            lref, rref = (reference[li], reference[ri]) if basis != "raw" else (1.0, 1.0)
            lv = float(np.mean(mean_env[li] / lref))
            rv = float(np.mean(mean_env[ri] / rref))
            share = 100.0 * lv / (lv + rv) if lv + rv > 0 else None
        balance.append(
            Balance(muscle=muscle, left=left, right=right, left_share_pct=share, basis=basis)
        )
    fatigue: list[FatigueTrend] = []
    for c in [ti, *syn_idx]:
        slopes = fatigue_slopes(rms[c], mdf[c]) if n_rep else fatigue_slopes([], [])
        fatigue.append(
            FatigueTrend(
                channel=names[c],
                n_reps=slopes.n_reps,
                rms_slope_pct_per_rep=_none_if_nan(slopes.rms_slope_pct_per_rep),
                median_freq_slope_hz_per_rep=_none_if_nan(slopes.median_freq_slope_hz_per_rep),
                median_freq_slope_pct_per_rep=_none_if_nan(slopes.median_freq_slope_pct_per_rep),
                rms_slope_p=_none_if_nan(slopes.rms_slope_p),
                median_freq_slope_p=_none_if_nan(slopes.median_freq_slope_p),
                fatigue_signs=slopes.fatigue_signs,
            )
        )
    for name, qual in zip(names, quality, strict=True):
        for issue in qual.issues:
            notes.append(f"{name}: {issue}")
    if n_rep == 0:
        notes.append(
            f"no repetitions found on {target!r}: no burst of activity stood out from rest"
            + (" (see the quality issues)" if quality[ti].issues else "")
        )
    analysis = EmgAnalysis.model_validate(
        {
            "sfreq_hz": fs,
            "n_samples": recording.n_samples,
            "duration_s": recording.duration_s,
            "band_hz": proc.band_hz,
            "mains_notch_hz": mains_hz,
            "envelope_rate_hz": rate,
            "envelope_cutoff_hz": envelope_cutoff_hz,
            "target": target,
            "synergists": list(synergists),
            "rep_source": rep_source,
            "n_reps": n_rep,
            "channels": channels,
            "ratios": ratios,
            "balance": balance,
            "fatigue": fatigue,
            "warnings": notes,
        }
    )
    report("done", 1.0)
    return EmgResult(analysis=analysis, processed=proc, channels=names)


def _unit_scale(src: str, dst: str) -> float:
    from mindmuscle.signals.emg.recording import UNIT_TO_MV

    return UNIT_TO_MV[src] / UNIT_TO_MV[dst]
