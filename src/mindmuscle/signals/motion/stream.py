"""Live repetition counting during a set, ending with the batch answer.

The live count is causal and cheap (each chunk costs time in proportion to its size): the
acceleration is resampled to 25 Hz and band-passed with a causal filter (0.1-1.5 Hz), projected
on its principal direction over the last seconds (so any orientation works), and counted with a
hysteresis that adapts to the lifter's own amplitude. When the
set ends, :meth:`MotionStream.finish` runs the batch analysis on everything received, so the final
answer is exactly the batch one on the same data.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import signal

from mindmuscle.catalog.models import Movement, Tempo
from mindmuscle.errors import InvalidSignalError, SessionStateError
from mindmuscle.signals.motion.analysis import DEFAULT_PARAMS, MotionParams, analyze_motion
from mindmuscle.signals.motion.models import MotionAnalysis, MotionRecording
from mindmuscle.signals.motion.preprocess import ANALYSIS_RATE_HZ

__all__ = ["MotionStream"]

FloatArray = npt.NDArray[np.float64]

# Live counter: band of lifting, threshold as a fraction of the recent peak amplitude, amplitude
# memory, and the shortest plausible repetition (EVIDENCE rule 12 accepts 0.5 s and up).
_LIVE_BAND_HZ = (0.1, 1.5)
_LIVE_THRESHOLD = 0.35
_LIVE_MEMORY_S = 10.0
_LIVE_MIN_REP_S = 0.5
# Below this (m/s^2, band-passed, on the movement axis) a movement is handling, not lifting.
_LIVE_MIN_AMPLITUDE_MS2 = 0.3
# The live count is brought up to date every this many seconds of data (a display refresh).
_LIVE_UPDATE_S = 0.5
# A 2nd-order band-pass (one pole pair each side): a steeper one rings after a movement stops,
# and in a pause (2-1-1-1) the ringing armed a second count, so the live count doubled. Transfer-
# function form: lfilter has less per-call overhead than sosfilt and this order is safe at 25 Hz.
_LIVE_ORDER = 1
_LIVE_FILTER: tuple[FloatArray, FloatArray] = signal.butter(
    _LIVE_ORDER, _LIVE_BAND_HZ, btype="bandpass", fs=ANALYSIS_RATE_HZ
)


class MotionStream:
    """Feed chunks of samples during a set; read :attr:`live_reps`; call :meth:`finish`.

    Parameters
    ----------
    concentric : Movement, optional
        The exercise's concentric direction, passed to the final analysis.
    tempo : Tempo, optional
        Prescribed tempo, passed to the final analysis.
    alternating : bool
        The sides take turns and the sensor is on one: counts cover both sides.
    params : MotionParams
        Settings of the final analysis.
    period_prior_s : float, optional
        The repetition period to expect (the prescribed tempo's, or the lifter's usual cadence),
        passed to the final analysis; it guides the period search, never the count.

    Examples
    --------
    >>> from mindmuscle.signals.motion.synthetic import simulate_set
    >>> rec = simulate_set(reps=5, tempo=Tempo.parse("2-0-1-0"), seed=0)
    >>> stream = MotionStream()
    >>> for i in range(0, rec.t_s.size, 50):
    ...     _ = stream.push(rec.t_s[i : i + 50], rec.acc_ms2[i : i + 50])
    >>> stream.finish().reps
    5
    """

    def __init__(
        self,
        *,
        concentric: Movement | None = None,
        tempo: Tempo | None = None,
        alternating: bool = False,
        params: MotionParams = DEFAULT_PARAMS,
        period_prior_s: float | None = None,
    ) -> None:
        self._concentric = concentric
        self._prior = period_prior_s
        self._tempo = tempo
        self._alternating = alternating
        self._params = params
        self._t: list[FloatArray] = []
        self._acc: list[FloatArray] = []
        self._gt: list[FloatArray] = []
        self._gyro: list[FloatArray] = []
        self._finished = False
        self._b, self._a = _LIVE_FILTER
        self._zi: FloatArray | None = None
        self._last_t: float | None = None
        self._last_acc: FloatArray | None = None
        self._cov = np.zeros((3, 3))
        self._axis = np.array([0.0, 0.0, 1.0])
        self._next_grid_t: float | None = None
        self._amp = 0.0
        self._armed = False
        self._last_count_t = -np.inf
        self._grid_t = 0.0
        self._live = 0
        self._pending_t: list[FloatArray] = []
        self._pending_acc: list[FloatArray] = []
        self._pending_s = 0.0

    @property
    def live_reps(self) -> int:
        """Repetitions counted so far (live estimate; the final count comes from finish())."""
        self._flush()
        return self._shown()

    def push(
        self,
        t_s: npt.ArrayLike,
        acc_ms2: npt.ArrayLike,
        gyro_t_s: npt.ArrayLike | None = None,
        gyro_dps: npt.ArrayLike | None = None,
    ) -> int:
        """Add a chunk of samples (time order, seconds; m/s^2; deg/s) and return the live count.

        Raises
        ------
        mindmuscle.errors.SessionStateError
            After :meth:`finish`.
        mindmuscle.errors.InvalidSignalError
            A chunk with mismatched lengths or shapes.
        """
        if self._finished:
            raise SessionStateError("This motion stream is finished; start a new one per set.")
        t = np.asarray(t_s, dtype=np.float64).reshape(-1)
        acc = np.asarray(acc_ms2, dtype=np.float64).reshape(-1, 3)
        if t.size != acc.shape[0]:
            raise InvalidSignalError(
                f"A chunk has {t.size} timestamps and {acc.shape[0]} accelerometer samples; "
                "they must match."
            )
        if t.size == 0:
            return self._shown()
        self._t.append(t)
        self._acc.append(acc)
        if gyro_t_s is not None and gyro_dps is not None:
            gt = np.asarray(gyro_t_s, dtype=np.float64).reshape(-1)
            gyr = np.asarray(gyro_dps, dtype=np.float64).reshape(-1, 3)
            if gt.size != gyr.shape[0]:
                raise InvalidSignalError(
                    f"A chunk has {gt.size} gyroscope timestamps and {gyr.shape[0]} samples."
                )
            self._gt.append(gt)
            self._gyro.append(gyr)
        self._pending_t.append(t)
        self._pending_acc.append(acc)
        self._pending_s += float(t[-1] - t[0]) if t.size > 1 else 0.0
        if self._pending_s >= _LIVE_UPDATE_S:
            self._flush()
        return self._shown()

    def _shown(self) -> int:
        """The live count as the lifter counts it (both sides when they alternate)."""
        return 2 * self._live if self._alternating else self._live

    def _flush(self) -> None:
        if self._pending_t:
            self._count_live(np.concatenate(self._pending_t), np.concatenate(self._pending_acc))
        self._pending_t, self._pending_acc, self._pending_s = [], [], 0.0

    def _count_live(self, t: FloatArray, acc: FloatArray) -> None:
        step = 1.0 / ANALYSIS_RATE_HZ
        if self._last_t is None:
            self._next_grid_t = float(t[0])
            self._zi = signal.lfilter_zi(self._b, self._a)[:, None] * acc[0][None, :]
        else:
            assert self._last_acc is not None
            t = np.concatenate([[self._last_t], t])
            acc = np.vstack([self._last_acc[None, :], acc])
        assert self._next_grid_t is not None and self._zi is not None
        grid = np.arange(self._next_grid_t, float(t[-1]) + 1e-12, step)
        self._last_t, self._last_acc = float(t[-1]), acc[-1].copy()
        if grid.size == 0:
            return
        self._next_grid_t = float(grid[-1]) + step
        resampled = np.column_stack([np.interp(grid, t, acc[:, i]) for i in range(3)])
        y, self._zi = signal.lfilter(self._b, self._a, resampled, axis=0, zi=self._zi)
        # Movement axis: principal direction of the recent band-passed acceleration, kept
        # pointing the same way from one update to the next.
        keep = float(np.exp(-grid.size * step / _LIVE_MEMORY_S))
        self._cov = keep * self._cov + (1.0 - keep) * (y.T @ y) / grid.size
        axis = np.linalg.eigh(self._cov)[1][:, -1]
        if float(axis @ self._axis) < 0:
            axis = -axis
        self._axis = axis
        projected = y @ axis
        decay = float(np.exp(-step / _LIVE_MEMORY_S))
        for value, when in zip(projected.tolist(), grid.tolist(), strict=True):
            self._amp = max(abs(value), self._amp * decay)
            threshold = max(_LIVE_THRESHOLD * self._amp, _LIVE_MIN_AMPLITUDE_MS2)
            if value < -threshold:
                self._armed = True
            elif (
                value > threshold and self._armed and when - self._last_count_t >= (_LIVE_MIN_REP_S)
            ):
                self._live += 1
                self._armed = False
                self._last_count_t = when

    def recording(self) -> MotionRecording:
        """Everything received so far as one recording."""
        if not self._t:
            raise InvalidSignalError("No samples were received; nothing to analyse.")
        has_gyro = bool(self._gt)
        return MotionRecording(
            t_s=np.concatenate(self._t),
            acc_ms2=np.concatenate(self._acc),
            gyro_t_s=np.concatenate(self._gt) if has_gyro else None,
            gyro_dps=np.concatenate(self._gyro) if has_gyro else None,
            source="live recording",
        )

    def finish(self) -> MotionAnalysis:
        """End the set and return the batch analysis of all samples received."""
        self._flush()
        self._finished = True
        return analyze_motion(
            self.recording(),
            concentric=self._concentric,
            tempo=self._tempo,
            alternating=self._alternating,
            params=self._params,
            period_prior_s=self._prior,
        )
