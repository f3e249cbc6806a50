"""Simulated sets with a known answer, for tests, benchmarks and demonstrations.

The device moves vertically along a smooth path (eccentric, bottom pause, concentric, top pause),
held at a random fixed orientation, with sensor noise, jittered timestamps, optional gaps and idle
time (with a small unrack and re-rack movement) before and after the repetitions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import signal

from mindmuscle.catalog.models import Tempo
from mindmuscle.signals.motion.models import STANDARD_GRAVITY_MS2, MotionRecording

__all__ = [
    "add_turning_wrist",
    "random_rotation",
    "simulate_position",
    "simulate_set",
    "simulate_walking",
]

FloatArray = npt.NDArray[np.float64]


def random_rotation(rng: np.random.Generator) -> FloatArray:
    """A uniformly random 3x3 rotation matrix (from a random unit quaternion)."""
    w, x, y, z = rng.normal(size=4) / 1.0
    norm = np.sqrt(w * w + x * x + y * y + z * z)
    w, x, y, z = w / norm, x / norm, y / norm, z / norm
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def _ramp(n: int) -> FloatArray:
    """Smooth 0-to-1 profile (half cosine) over ``n`` samples."""
    if n <= 0:
        return np.zeros(0)
    out: FloatArray = (1 - np.cos(np.pi * (np.arange(n) + 0.5) / n)) / 2
    return out


def simulate_position(
    *,
    reps: int,
    tempo: Tempo,
    rate_hz: float,
    range_m: float = 0.4,
    idle_before_s: float = 3.0,
    idle_after_s: float = 3.0,
    partial: Sequence[int] = (),
    start_at_top: bool = True,
    unrack_m: float = 0.05,
) -> FloatArray:
    """Vertical position (m) of a set: idle, repetitions at ``tempo``, idle.

    ``partial`` lists 1-based repetitions done with 40% of the range. With ``start_at_top``
    (squat, bench) each repetition is eccentric, bottom pause, concentric, top pause; otherwise
    (curl, deadlift) the set starts at the bottom and each repetition is concentric, top pause,
    eccentric, bottom pause.
    """
    dt = 1.0 / rate_hz

    def n_of(seconds: float) -> int:
        return round(seconds / dt)

    parts: list[FloatArray] = []
    base = range_m if start_at_top else 0.0
    # Unrack: a small lift of the load, then standing still.
    rack = n_of(1.0)
    parts.append(np.full(n_of(max(idle_before_s - 1.5, 0.0)), base - unrack_m))
    parts.append(base - unrack_m + unrack_m * _ramp(rack))
    parts.append(np.full(n_of(0.5), base))
    for k in range(1, reps + 1):
        depth = range_m * (0.4 if k in partial else 1.0)
        top = range_m
        bottom = top - depth if start_at_top else 0.0
        high = top if start_at_top else depth
        if start_at_top:
            parts.append(top - depth * _ramp(n_of(tempo.eccentric_s)))
            parts.append(np.full(n_of(tempo.bottom_pause_s), bottom))
            parts.append(bottom + depth * _ramp(n_of(tempo.concentric_s)))
            parts.append(np.full(n_of(tempo.top_squeeze_s), top))
        else:
            parts.append(bottom + high * _ramp(n_of(tempo.concentric_s)))
            parts.append(np.full(n_of(tempo.top_squeeze_s), high))
            parts.append(high - high * _ramp(n_of(tempo.eccentric_s)))
            parts.append(np.full(n_of(tempo.bottom_pause_s), bottom))
    parts.append(np.full(n_of(0.5), base))
    parts.append(base - unrack_m * _ramp(rack))
    parts.append(np.full(n_of(max(idle_after_s - 1.5, 0.0)), base - unrack_m))
    return np.concatenate(parts)


def simulate_walking(
    duration_s: float,
    rate_hz: float,
    rng: np.random.Generator,
    *,
    cadence_hz: float = 1.8,
    swing_ms2: float = 3.0,
    bounce_ms2: float = 1.0,
    strike_ms2: float = 3.0,
) -> FloatArray:
    """Acceleration (world frame, z up, gravity included) of a sensor on a walking lifter.

    Each step brings a heel strike (a 40 ms pulse) and a bounce; an arm swings forward and back
    once per two steps (set ``swing_ms2`` low for a phone in a pocket). Step times vary by 4%.
    """
    t = np.arange(0.0, duration_s, 1.0 / rate_hz)
    steps = [rng.uniform(0.0, 0.5)]
    while steps[-1] < duration_s + 1.0:
        steps.append(steps[-1] + rng.normal(1.0 / cadence_hz, 0.04 / cadence_hz))
    step_t = np.asarray(steps)
    world = np.zeros((t.size, 3))
    world[:, 2] = STANDARD_GRAVITY_MS2
    for s in step_t:
        world[:, 2] += strike_ms2 * np.exp(-0.5 * ((t - s) / 0.04) ** 2)
    phase = np.interp(t, step_t, np.arange(step_t.size, dtype=np.float64))
    world[:, 2] += bounce_ms2 * np.sin(2 * np.pi * phase)
    world[:, 0] += swing_ms2 * np.sin(np.pi * phase)
    world[:, 1] += 0.3 * swing_ms2 * np.sin(np.pi * phase + 1.0)
    return world


def simulate_set(
    *,
    reps: int,
    tempo: Tempo,
    rate_hz: float = 50.0,
    seed: int = 0,
    noise_ms2: float = 0.15,
    idle_before_s: float = 3.0,
    idle_after_s: float = 3.0,
    gaps: Sequence[tuple[float, float]] = (),
    jitter: float = 0.1,
    partial: Sequence[int] = (),
    start_at_top: bool = True,
    range_m: float = 0.4,
    with_gyro: bool = False,
    walk_before_s: float = 0.0,
    walk_after_s: float = 0.0,
    walk_cadence_hz: float = 1.8,
) -> MotionRecording:
    """A simulated set as a :class:`MotionRecording` with a known count and tempo.

    Parameters
    ----------
    reps : int
        Number of repetitions.
    tempo : Tempo
        Phase durations of every repetition.
    rate_hz : float
        Nominal sampling rate.
    seed : int
        Seed of ``np.random.default_rng`` (orientation, noise, jitter).
    noise_ms2 : float
        Standard deviation of white sensor noise, m/s^2.
    idle_before_s, idle_after_s : float
        Idle time (with a 5 cm unrack and re-rack) around the repetitions.
    gaps : sequence of (start_s, duration_s)
        Stretches where no samples were delivered.
    jitter : float
        Timestamp jitter as a fraction of the sample spacing (uniform, +-).
    partial : sequence of int
        1-based repetitions done with 40% of the range.
    start_at_top : bool
        Eccentric first (squat, bench) or concentric first (curl, deadlift).
    range_m : float
        Vertical range of a full repetition.
    with_gyro : bool
        Add a (still) gyroscope stream with its own timestamps.
    walk_before_s, walk_after_s : float
        Walking (:func:`simulate_walking`) before the idle time and after it: to the rack and
        away. ``gaps`` are timed from the start of the recording, walking included.
    walk_cadence_hz : float
        Steps per second of that walking.

    Examples
    --------
    >>> rec = simulate_set(reps=5, tempo=Tempo.parse("3-1-1-1"), seed=1)
    >>> rec.acc_ms2.shape[1]
    3
    """
    rng = np.random.default_rng(seed)
    z = simulate_position(
        reps=reps,
        tempo=tempo,
        rate_hz=rate_hz,
        range_m=range_m,
        idle_before_s=idle_before_s,
        idle_after_s=idle_after_s,
        partial=partial,
        start_at_top=start_at_top,
    )
    dt = 1.0 / rate_hz
    acc_z = np.gradient(np.gradient(z, dt), dt)
    world = np.zeros((z.size, 3))
    world[:, 2] = STANDARD_GRAVITY_MS2 + acc_z
    # A little sideways sway of the bar path, at the repetition rhythm.
    world[:, 0] = 0.15 * acc_z
    rot = random_rotation(rng)
    if walk_before_s > 0 or walk_after_s > 0:
        walk = np.random.default_rng((seed, 1))
        world = np.vstack(
            [
                simulate_walking(walk_before_s, rate_hz, walk, cadence_hz=walk_cadence_hz),
                world,
                simulate_walking(walk_after_s, rate_hz, walk, cadence_hz=walk_cadence_hz),
            ]
        )
    n = world.shape[0]
    t = np.arange(n) * dt
    device = world @ rot  # rows: world vectors expressed in the device's axes
    device += rng.normal(scale=noise_ms2, size=device.shape)
    t_obs = t + rng.uniform(-jitter, jitter, size=n) * dt
    keep = np.ones(n, dtype=bool)
    for start_s, duration_s in gaps:
        keep &= ~((t >= start_s) & (t < start_s + duration_s))
    gyro_t = gyro = None
    if with_gyro:
        g_rate = rate_hz / 2
        gyro_t = np.arange(0.0, t[-1], 1.0 / g_rate) + 0.013
        gyro = rng.normal(scale=0.5, size=(gyro_t.size, 3))
    return MotionRecording(
        t_s=t_obs[keep] + 100.0,
        acc_ms2=device[keep],
        gyro_t_s=None if gyro_t is None else gyro_t + 100.0,
        gyro_dps=gyro,
        source="simulated",
    )


def add_turning_wrist(
    rec: MotionRecording,
    band_hz: tuple[float, float] = (0.5, 1.5),
    rms_ms2: float = 2.0,
    seed: int = 0,
    margin_s: float = 3.5,
) -> MotionRecording:
    """Add a large irregular movement on one device axis while the set goes on.

    Band-limited noise (``band_hz``) of ``rms_ms2`` on device axis ``seed % 3``, from
    ``margin_s`` after the start to ``margin_s`` before the end: a wrist that turns at random
    while lifting, bigger than the repetitions on that axis.
    """
    t = rec.t_s - rec.t_s[0]
    rate = 1.0 / float(np.median(np.diff(t)))
    sos = signal.butter(2, band_hz, btype="bandpass", fs=rate, output="sos")
    sway = signal.sosfiltfilt(sos, np.random.default_rng(100 + seed).normal(size=t.size))
    during = (t > margin_s) & (t < t[-1] - margin_s)
    acc = rec.acc_ms2.copy()
    acc[:, seed % 3] += rms_ms2 * sway / sway.std() * during
    return MotionRecording(rec.t_s, acc, source=f"{rec.source} with a turning wrist")
