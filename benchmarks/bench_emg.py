"""EMG pipeline speed and accuracy against NeuroKit2 and a plain scipy envelope, in one run.

    .venv/bin/python benchmarks/bench_emg.py [--minutes 10] [--channels 8] [--runs 5]
                                              [--nk-seconds 60]

Data: 8 channels x 10 minutes at 2 kHz of simulated surface EMG (spectrally shaped bursts of
1.2-2.5 s with 30 ms ramps, random rests, amplifier noise, a little 50 Hz hum and baseline
drift), with the true onset and offset of every burst.

Rows:
* MindMuscle ``analyze_emg``: the full pipeline (band-pass, envelope, onsets on every
  channel, repetitions, per-repetition features incl. mean/median frequency, quality checks);
* MindMuscle ``process_emg``: band-pass + envelope only;
* scipy: ``sosfiltfilt`` band-pass 20-450 Hz + rectification + ``sosfiltfilt`` 6 Hz low-pass
  (the envelope reference);
* NeuroKit2 ``emg_process`` per channel (on the first ``--nk-seconds`` of each channel: it is
  too slow for the whole file; its rate is per channel-sample all the same).

Speed is channel-samples per second of wall time (median of ``--runs``), and per second of
CPU time of this process (all its threads; less sensitive to other programs on a shared
machine, which the script reports through the load average); peak memory is measured in a
separate run under tracemalloc (the input array is not counted); onset accuracy counts true
bursts whose detected onset lies within 20 ms; envelope correlation is against the scipy
reference, block-averaged to the same rate. The streaming rows time one chunk of 16 channels
x 40 samples.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import signal

from mindmuscle.signals.emg import (
    EmgRecording,
    StreamingEnvelope,
    StreamingFilter,
    analyze_emg,
    design_emg_sos,
    process_emg,
    simulate_emg,
)

FS = 2000.0
TOLERANCE_S = 0.020


def make_data(
    minutes: float, n_channels: int, seed: int = 0
) -> tuple[np.ndarray, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    duration = minutes * 60.0
    n = round(duration * FS)
    t = np.arange(n) / FS
    channels = []
    truths = []
    for _ in range(n_channels):
        bursts = []
        start = rng.uniform(1.0, 3.0)
        while True:
            length = rng.uniform(1.2, 2.5)
            if start + length > duration - 1.0:
                break
            bursts.append((start, start + length))
            start += length + rng.uniform(1.0, 2.5)
        amps = rng.uniform(0.2, 0.8, len(bursts))
        peaks = rng.uniform(70.0, 110.0, len(bursts))
        x = simulate_emg(
            duration,
            FS,
            bursts,
            amplitudes=amps.tolist(),
            peak_freqs_hz=peaks.tolist(),
            noise_rms=0.01,
            rng=rng,
        )
        x += 0.005 * np.sin(2 * np.pi * 50.0 * t)  # mains hum
        x += 0.05 * np.sin(2 * np.pi * 0.1 * t + rng.uniform(0, 6.3))  # baseline drift
        channels.append(x.astype(np.float32))
        truths.append(np.array(bursts))
    return np.stack(channels), truths


def scipy_envelope(x: np.ndarray) -> np.ndarray:
    band = signal.butter(2, [20.0, 450.0], btype="bandpass", fs=FS, output="sos")
    low = signal.butter(2, 6.0, fs=FS, output="sos")
    y = signal.sosfiltfilt(band, x, axis=-1)
    return signal.sosfiltfilt(low, np.abs(y), axis=-1)


CPU_TIMES: dict[int, float] = {}


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of ``runs`` calls (the median CPU time is kept in CPU_TIMES)."""
    times = []
    cpu = []
    out = None
    for _ in range(runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU_TIMES[id(fn)] = float(np.median(cpu))
    return float(np.median(times)), out


def peak_memory_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def onset_accuracy(
    detected: list[np.ndarray], truths: list[np.ndarray], until_s: float | None = None
) -> tuple[float, float, int]:
    """Share of true onsets detected within 20 ms, median |error| (ms), false onsets."""
    hits = total = false = 0
    errors = []
    for det, truth in zip(detected, truths, strict=True):
        tr = truth if until_s is None else truth[truth[:, 1] < until_s]
        total += len(tr)
        used = np.zeros(len(det), bool)
        for on, _off in tr:
            if len(det) == 0:
                continue
            k = int(np.argmin(np.abs(det[:, 0] - on)))
            err = abs(det[k, 0] - on)
            if err <= 0.25 and not used[k]:
                used[k] = True
                errors.append(err)
                hits += err <= TOLERANCE_S
        false += int((~used).sum())
    return hits / max(total, 1), 1000 * float(np.median(errors)) if errors else float("nan"), false


def streaming_latency_us(n_chunks: int = 5000) -> dict[str, tuple[float, float]]:
    rng = np.random.default_rng(1)
    chunks = rng.standard_normal((n_chunks, 16, 40))
    out = {}
    for name, make in (
        ("StreamingFilter (band-pass)", lambda: StreamingFilter(design_emg_sos(FS), 16)),
        ("StreamingEnvelope", lambda: StreamingEnvelope(FS, 16)),
    ):
        f = make()
        for c in chunks[:200]:
            f.process(c)
        lat = np.empty(n_chunks)
        for i, c in enumerate(chunks):
            t0 = time.perf_counter_ns()
            f.process(c)
            lat[i] = (time.perf_counter_ns() - t0) / 1000.0
        out[name] = (float(np.percentile(lat, 50)), float(np.percentile(lat, 99)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--channels", type=int, default=8)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--nk-seconds", type=float, default=60.0)
    args = ap.parse_args()

    x, truths = make_data(args.minutes, args.channels)
    n_ch, n = x.shape
    total = n_ch * n
    names = tuple(f"m{i + 1}" for i in range(n_ch))
    rec = EmgRecording(x, FS, names, ("mV",) * n_ch)
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"data: {n_ch} channels x {n / FS / 60:g} min at {FS:g} Hz = {total / 1e6:.1f} M samples")

    def mm_full() -> Any:
        return analyze_emg(rec, target=names[0], synergists=list(names[1:3]))

    def mm_process() -> Any:
        return process_emg(x, FS)

    def sp_env() -> Any:
        return scipy_envelope(x)

    mm_full()  # warm caches (filter design)
    t_full, result = timed(mm_full, args.runs)
    t_proc, proc = timed(mm_process, args.runs)
    t_sp, ref = timed(sp_env, max(1, args.runs // 2) + 1)

    q = proc.decimation
    m = proc.envelope.shape[1]
    ref_blocks = ref[:, : m * q].reshape(n_ch, m, q).mean(axis=2)
    corr = [float(np.corrcoef(ref_blocks[c], proc.envelope[c])[0, 1]) for c in range(n_ch)]
    detected = [
        np.array([[b.onset_s, b.offset_s] for b in ch.bursts]).reshape(-1, 2)
        for ch in result.analysis.channels
    ]
    mm_hit, mm_med, mm_false = onset_accuracy(detected, truths)
    n_true = sum(len(t) for t in truths)

    rows = [
        (
            "MindMuscle analyze_emg (full pipeline)",
            t_full,
            CPU_TIMES[id(mm_full)],
            total,
            peak_memory_mb(mm_full),
            f"{100 * mm_hit:.1f}% ({mm_med:.1f} ms median, {mm_false} false of {n_true})",
            f"{min(corr):.5f}",
        ),
        (
            "MindMuscle process_emg (filter+envelope)",
            t_proc,
            CPU_TIMES[id(mm_process)],
            total,
            peak_memory_mb(mm_process),
            "",
            f"{min(corr):.5f}",
        ),
        (
            "scipy sosfiltfilt band-pass+rectify+low-pass",
            t_sp,
            CPU_TIMES[id(sp_env)],
            total,
            peak_memory_mb(sp_env),
            "(no onsets)",
            "1 (reference)",
        ),
    ]

    try:
        import neurokit2 as nk
    except ImportError:
        print("NeuroKit2 is not installed (pip install -e '.[bench]'): its row is skipped")
    else:
        n_nk = round(min(args.nk_seconds, n / FS) * FS)

        def nk_run() -> list[Any]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return [
                    nk.emg_process(x[c, :n_nk].astype(np.float64), sampling_rate=int(FS))[0]
                    for c in range(n_ch)
                ]

        t_nk, nk_out = timed(nk_run, 1)
        nk_det = []
        for df in nk_out:
            on = np.flatnonzero(df["EMG_Onsets"].to_numpy() == 1) / FS
            off = np.flatnonzero(df["EMG_Offsets"].to_numpy() == 1) / FS
            k = min(on.size, off.size)
            nk_det.append(np.stack([on[:k], off[:k]], axis=1))
        nk_hit, nk_med, nk_false = onset_accuracy(nk_det, truths, until_s=n_nk / FS)
        nk_true = sum(int((t[:, 1] < n_nk / FS).sum()) for t in truths)
        nk_env = np.stack([df["EMG_Amplitude"].to_numpy() for df in nk_out])
        nk_ref = scipy_envelope(x[:, :n_nk].astype(np.float64))
        nk_corr = min(float(np.corrcoef(nk_env[c], nk_ref[c])[0, 1]) for c in range(n_ch))
        rows.append(
            (
                f"NeuroKit2 emg_process per channel (first {n_nk / FS:g} s)",
                t_nk,
                CPU_TIMES[id(nk_run)],
                n_ch * n_nk,
                float("nan"),
                f"{100 * nk_hit:.1f}% ({nk_med:.1f} ms median, {nk_false} false of {nk_true})",
                f"{nk_corr:.5f}",
            )
        )

    sp_rate = total / t_sp
    print()
    header = (
        f"{'pipeline':50s} {'M ch-samples/s':>15s} {'vs scipy':>9s} {'per CPU-s':>10s} "
        f"{'peak MB':>8s}  {'onsets within 20 ms':40s} {'env. corr':>10s}"
    )
    print(header)
    print("-" * len(header))
    for name, secs, cpu_s, samples, mem, onsets, env_corr in rows:
        rate = samples / secs
        mem_s = "" if np.isnan(mem) else f"{mem:.0f}"
        print(
            f"{name:50s} {rate / 1e6:15.2f} {rate / sp_rate:8.2f}x {samples / cpu_s / 1e6:10.2f} "
            f"{mem_s:>8s}  {onsets:40s} {env_corr:>10s}"
        )
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print()
    print("streaming, one chunk of 16 channels x 40 samples (5000 chunks):")
    for name, (p50, p99) in streaming_latency_us().items():
        print(f"  {name:30s} p50 {p50:6.1f} us   p99 {p99:6.1f} us")
    goal = total / t_full / 1e6
    print()
    print(
        f"goals: full pipeline >= 100 M/s: {goal:.1f} M/s; envelope corr >= 0.999: "
        f"{min(corr):.5f}; onsets within 20 ms: {100 * mm_hit:.1f}%"
    )


if __name__ == "__main__":
    main()
