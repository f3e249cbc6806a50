"""Repetitions, phases and time under tension from a 3-axis accelerometer, worn any way.

How it works (all steps are global: no setting depends on the exercise or the file):

1. Resample to 25 Hz (:func:`~mindmuscle.signals.motion.preprocess.resample_recording`).
2. Band-limit the acceleration to the band of lifting (0.1-3 Hz); the loud stretch is where the
   moving RMS exceeds a quarter of its 90th percentile, so idle time before and after weighs
   little. The set itself is where the movement repeats steadily at the period found in it
   (:mod:`~mindmuscle.signals.motion.setfind`, with the gyroscope when there is one); it ends
   where the wrist's posture leaves the set's own swing (the racking: the last repetition
   starts where the one before ended, the first can start while the wrist still settles).
   When it clearly repeats, loud movement beside it (walking up, setting the pin, sitting
   down), however close, is left out of the count, and a hump just outside it counts only when
   its movement on every axis looks like the set's typical repetition.
3. Repetition period: first strong peak of the multi-axis autocorrelation of the active part
   (0.5-20 s: the slowest prescribed repetitions take 10 s), preferring the half period when
   that is also a clear peak (a period prior, when given, weighs in on that choice only). When
   nothing repeats over the whole active part, the clearest 30 s stretch of it gives the period.
4. Movement axis: first principal component of the band-limited acceleration (orientation-free),
   integrated to velocity in a band around the repetition frequency, so each repetition is one
   hump (its faster movement) and a pause or the resting position before the first repetition is
   not; its sign is chosen so the faster movement points up (skewness).
5. Repetitions: humps whose prominence clears a fraction of the set's typical prominence.
   Humps clearly smaller than the typical repetition are partial repetitions. A first or last
   hump twice as broad as the typical one and no taller is the filter's rebound after the last
   lowering (or before the first lifting), not a repetition. The thresholds are the set's own:
   humps looked at just outside it (set-up movement) do not raise them. A set of N repetitions
   lasts N periods while its humps span N - 1, so when the set's movement before the first hump
   and after the last adds up to 1.5 periods or more, and looks like the typical repetition
   there (where it looks most like it, within 15% of a period of the set's spacing: the
   repetitions vary in length) and moves at least 60% as much as the set's repetitions (an
   unracking can be shaped like a repetition, but it is small), a first or last repetition
   whose hump the signal lost (cut by the stop of the recording, one half too weak) is
   counted. The other way round, the set found (from the start of its first repetition to the
   end of its last) has room for about its length over the period: a hump beside it when it
   is full, which looks like none of its repetitions, is the set-up (sitting down, gripping,
   unracking) or the racking, not a repetition.
   Inside the set found, where the movement clearly repeats, two neighbouring humps
   spaced two (or more) of the set's own spacings apart have a repetition between them
   whose hump the movement axis lost (another axis carried it); it is counted when its
   movement on every axis looks like the typical repetition and is as large as a whole
   one (a rest, a partial repetition or a stretch with no samples is not).
   Each repetition is also one trough of the velocity (its other half, of opposite sign), so N
   humps have N - 1 troughs between them and one beside them; a trough like the set's on both
   sides means one repetition kept only that half: the one whose hump would lie beyond the
   start or the stop of the recording while the device still moves there, a repetition cut by
   the start or stop (as a guided set's recording, between "start" and "done", can be). A last
   repetition spaced more than a period from the one before (the last ones of a hard set slow
   down) is compared with the typical repetition at its own pace as well as the set's.
   Recount: when the count is far from the cycles that the clearest rhythm (any one axis, the
   three together, or their integral) fits in the set, the set is recounted along the direction
   that repeats best at that rhythm, so a large irregular movement on the strongest axis (a
   turning wrist) neither hides the repetitions on the other axes nor adds its own.
6. Phases: the vertical position of the device, from ``|acc| - g`` (which needs no orientation)
   integrated twice in the same band; rising or falling is concentric depending on the exercise's
   direction, slow stretches near a turning point are pauses.
7. Gaps (stretches with no samples): one inside the set, with counted repetitions on both sides,
   hid ``round(length / period)`` repetitions; they are counted and reported, without phases.
   A gap at either end of the set is reported, not guessed.
8. Alternating sides (``alternating``, from the exercise card): a sensor on one wrist sees every
   other repetition, so the count is twice the repetitions seen.
9. Walking (or running) before, between or after sets is found from the step rhythm in the
   magnitude of the acceleration (:mod:`~mindmuscle.signals.motion.walking`) and left out before
   step 2, so steps and arm swings never count.

A gyroscope, when present, is read, aligned and resampled with the accelerometer; it helps find
the set and judge the humps at its edges, but not the period or the movement axis: on the
MetaMotion barbell recordings, adding it to those counted fewer sets exactly (36 and about 25 of
57, against 38).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import linalg, signal

from mindmuscle.catalog.models import Movement, Tempo
from mindmuscle.errors import InvalidSignalError, OutOfRangeError
from mindmuscle.signals.motion.models import (
    STANDARD_GRAVITY_MS2,
    MotionAnalysis,
    MotionQuality,
    MotionRecording,
    MotionTrace,
    RecordingGap,
    Repetition,
)
from mindmuscle.signals.motion.preprocess import (
    ANALYSIS_RATE_HZ,
    autocorrelation,
    bandpass,
    fft_weighted,
    moving_mean,
    moving_rms,
    resample_recording,
)
from mindmuscle.signals.motion.setfind import FoundSet, find_set
from mindmuscle.signals.motion.tempo import tempo_adherence
from mindmuscle.signals.motion.walking import spans, walking_mask, without

__all__ = ["DEFAULT_PARAMS", "MotionParams", "analyze_motion", "analyze_motion_trace"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_ECC, _BOTTOM, _CONC, _TOP = 1, 2, 3, 4


@dataclass(frozen=True)
class MotionParams:
    """The global settings of the analysis (one set for every exercise and device).

    Attributes
    ----------
    activity_ratio : float
        Moving RMS (2 s) above this fraction of its 90th percentile marks the set.
    period_peak_ratio : float
        The period is the first autocorrelation peak reaching this fraction of the highest.
    half_period_ratio : float
        A peak near half the period replaces it when it reaches this fraction of its height.
    band_low_ratio, band_high_ratio : float
        Counting band, as multiples of the repetition frequency.
    min_distance_ratio : float
        Minimum spacing of two repetitions, as a fraction of the period.
    prominence_ratio : float
        A hump counts when its prominence reaches this fraction of the 90th-percentile hump...
    keep_ratio : float
        ...and then this fraction of the median of the humps kept in the first pass.
    partial_ratio : float
        A repetition is partial when its size relative to the set's median is below this; the
        size is the larger of its hump and (when the device travels 5 cm or more) its vertical
        travel, so both must be small.
    pause_speed_ratio : float
        Within one movement, speeds under this fraction of its peak speed are a pause.
    edge_ratio : float
        A hump within this fraction of a period of either end of the recording is a movement
        cut by the start or stop of the recording, not a whole repetition.
    velocity_humps : bool
        Count humps of the band-limited velocity (one per repetition, at its faster movement);
        when false, of the zero-phase 1/f-weighted acceleration (humps at the turnarounds, so
        the resting position before the first repetition can add one).
    alt_period : bool
        Also try the period of the once-integrated signal, and keep it when its humps are
        clearly more regular in size...
    alt_spread_margin : float
        ...by this much in coefficient of variation...
    alt_min_autocorr : float
        ...and the once-integrated signal clearly repeats at its period (autocorrelation at
        least this): a weakly repeating one gives a multiple of the period (its humps span two or
        three repetitions, and fewer humps are evenly sized by chance). The same level marks a
        single axis as clearly repeating for the recount below.
    recount_ratio : float
        A large irregular movement on the strongest axis (a turning wrist) can hide the
        repetitions that the other axes carry, or add its own. When the count is under this
        fraction of the cycles that the clearest rhythm (any one axis, the three together, or
        the once-integrated signal) fits in the set, or over its inverse, the set is recounted
        along the direction that repeats best at that rhythm. The recount is kept when it is
        closer to that number and, at the period already counted, its humps are also clearly
        more even (idle time inside a short set inflates the number). A rhythm at a half or a
        third of the period counted (an axis that turns two or three times per repetition)
        does not trigger it.
    position_low_ratio : float
        Low cut-off of the vertical position, as a multiple of the repetition frequency.
    count_in_set : bool
        Count the set found in the recording (where the movement repeats steadily,
        :mod:`~mindmuscle.signals.motion.setfind`), at the period that finds it: loud movement
        beside it (walking up, setting the pin, sitting down) is left out, and humps just
        outside it count only when they look like the set's repetitions. When
        false the set found is reported but the count takes in every loud stretch.
    clear_set : float
        The count keeps to the set found only when its repetitions resemble their neighbours
        this much on average (the set's clarity, 0-1,
        :func:`~mindmuscle.signals.motion.setfind.find_set`): an irregular movement on top of
        the repetitions (a turning wrist) blurs the rhythm, and the recount handles it. At 0.8,
        12 of the 49 whole watch recordings (clarity 0.7-0.8) were counted with the set-up
        movement beside the set, mostly one too many; at 0.7, 5 more of them count exactly and
        2 of 42 barbell sets lose an edge repetition.
    energy_ratio : float
        A hump counts only where the movement energy (RMS within half a period either side)
        reaches this fraction of its median over the humps: a still stretch next to the set is
        not a repetition.
    edge_likeness : float
        A hump beside the clearest part of the set, spaced like its repetitions, is a first or
        last repetition when its movement on every axis correlates with the set's typical
        repetition at least this much: a set-up movement (another direction, another shape)
        does not...
    missing_likeness : float
        ...and a first or last repetition whose hump is missing (only the room beside the humps
        and its movement tell it) at least this much: with one piece of evidence fewer, it must
        look more like the set.
    edge_room : float
        A hump outside the set found that looks like none of its repetitions (below
        ``edge_likeness``) counts only while the set has room for it: its length in periods
        exceeds the humps counted in it by at least this much. At 0.5 (the length rounded), 4
        of the 47 whole watch recordings that can hold their label drop a set-up or racking
        hump (3 to the exact count, one from 2 too many to 1), and no other recording that
        can hold its label changes (0.3: the same; 0.7 loses a first repetition on muvr-dev,
        1.0 four on all three datasets).
    cut_edges : bool
        Count a first or last repetition cut by the start or stop of the recording, which kept
        only its opposite half: a trough of the velocity like the set's on both sides of the
        humps (N + 1 troughs for N humps), the missing hump's place (at the set's own spacing
        of hump and trough) within a quarter period of the recording's end or beyond it, and the
        device still moving there. It holds for any exercise: every repetition has both halves,
        in either order, and a recording that runs on beyond the set holds the last hump. On
        the recordings that can hold their label it counts 2 of 49 barbell sets (recordings
        started and stopped around the set) and 1 of 45 hand-cut watch sets exactly that
        counted one fewer, and a hand-cut one within one that counted two fewer; no count of
        the real or simulated sets moves away from its label.
    own_pace : bool
        Compare a last repetition spaced more than a period from the one before with the set's
        typical repetition at its own pace too (its movement drawn out by that spacing, up to
        twice the period), to keep a hump after the set, to keep it when the set is full, and
        for a trough after the humps (``cut_edges``). The last repetitions of a hard set slow
        down, whatever the exercise (the loss of speed that velocity-based training measures);
        played at the set's pace such a repetition lines up with the template only near its
        hump. A first repetition has no such reason to be slower, and a faster movement is never
        squeezed to fit, so a short set-up or racking movement cannot be made to look like a
        repetition (allowed before the set too, it added a set-up hump to a muvr-dev pull-up
        set at lower hump thresholds). On the recordings that can hold their label it counts 2
        of 47 whole watch recordings exactly that lost a slower last repetition, and with
        ``cut_edges`` 1 of 45 hand-cut ones (the slower last repetition cut by the stop); no
        count moves away from its label.
    posture_end : bool
        End the set found where the slow gravity direction in the device's axes last stays
        within the set's own swing about its median (twice the 90th percentile of its angle,
        15-50 degrees) instead of the wide 50 degree cone that trims its start
        (:mod:`~mindmuscle.signals.motion.setfind`; not within a second of the recording's
        stop, where the 2 s average of gravity is cut short and leans towards the last
        movement, as when a recording stops mid-repetition). Every repetition after the first
        starts where the one before ended, so the last one stays within the set's swing,
        whatever the exercise; a movement after it that carries the wrist beyond that swing
        and keeps it there is the racking, even when it is spaced like a repetition and the
        rhythm carries on through it: once outside the set found it counts only when it looks
        like the set's repetitions. The first repetition can start while the wrist still
        settles into the set's posture, so the start keeps the wide cone. On the recordings
        that can hold their label it counts 2 of 47 whole watch recordings exactly that took
        in the racking (one too many), with 1.5 to 2.5 times the swing and a floor of 0 to 30
        degrees alike; no other count of the real or simulated sets changes (at the start
        too, it loses a first repetition in 3 whole watch recordings and gains one in 1).
    inner_reps : bool
        Count a repetition inside the set found whose hump the count lost: two neighbouring
        humps spaced within a quarter of a whole number (two or more) of the set's own median
        spacing, with, at each place between them, movement on every axis that correlates with
        the set's typical repetition at least ``missing_likeness`` and is at least
        ``partial_ratio`` of a typical repetition's size, away from any stretch with no
        samples. It holds for any exercise: a set repeats steadily, so a spacing of two
        repetitions with a whole repetition's movement between them is one repetition whose
        hump the movement axis missed (the movement went onto another axis, or a larger
        neighbour drowned it in the filter); a rest is still, a partial repetition is small,
        and a recording gap is counted from its length (:func:`_gap_reps`). Only where the set
        clearly repeats (``clear_set``), since elsewhere the spacing of humps says less. On the
        recordings that can hold their label it counts 1 of 47 whole watch recordings and 1 of
        45 hand-cut ones exactly, and brings another hand-cut one from two too few to one (all
        single-arm cable lateral raises, a hump lost in the middle or near the end of a long
        set); no count of the real or simulated sets moves away from its label, and the
        tolerance (0.2-0.35) changes none. With it, the leave-one-exercise-out settings are the
        default ones for every held-out exercise.
    """

    activity_ratio: float = 0.25
    period_peak_ratio: float = 0.5
    half_period_ratio: float = 0.3
    band_low_ratio: float = 0.4
    band_high_ratio: float = 2.0
    min_distance_ratio: float = 0.5
    prominence_ratio: float = 0.2
    keep_ratio: float = 0.4
    partial_ratio: float = 0.55
    pause_speed_ratio: float = 0.15
    energy_ratio: float = 0.3
    velocity_humps: bool = True
    alt_period: bool = True
    edge_ratio: float = 0.0
    position_low_ratio: float = 0.3
    alt_spread_margin: float = 0.15
    alt_min_autocorr: float = 0.35
    recount_ratio: float = 0.6
    count_in_set: bool = True
    edge_likeness: float = 0.45
    missing_likeness: float = 0.5
    clear_set: float = 0.7
    edge_room: float = 0.5
    cut_edges: bool = True
    own_pace: bool = True
    posture_end: bool = True
    inner_reps: bool = True


DEFAULT_PARAMS = MotionParams()

_MIN_PERIOD_S = 0.5
_MAX_PERIOD_S = 20.0
_MIN_AUTOCORR = 0.1
_FALLBACK_PERIOD_S = 2.0
_PAD_S = 2.0
# Below this movement strength (90th percentile of the 2 s moving RMS of the 0.1-3 Hz
# acceleration, m/s^2) the device lay still. The quietest real set in ../shared/data moves
# 0.97 (a wrist curl cut by hand), a simulated 4 s press of 35 cm with no turn of the wrist
# 0.38; a still sensor's noise of 0.05 m/s^2 per sample reaches 0.04 at 100 Hz and 0.06 at
# 10 Hz (a phone's or a watch's is about 0.02).
_STILL_MS2 = 0.1
_MIN_VERTICAL_M = 0.05
# Humps up to this many periods outside the set found are its first (last) repetitions when,
# one after the other, each lies within these multiples of the period of its neighbour (the last
# repetitions of a hard set slow down) and its movement on every axis correlates with the set's
# typical repetition at least ``MotionParams.edge_likeness`` (without a multi-axis shape: its
# size within these multiples of the set's median hump).
_EDGE_REACH = 3.0
_EDGE_GAP = (0.6, 2.0)
_EDGE_SIZE = (0.5, 2.0)


@dataclass(frozen=True)
class _Counted:
    t_s: FloatArray
    acc: FloatArray
    recorded: FloatArray
    movement: FloatArray
    peaks: IntArray
    prominences: FloatArray
    period_s: float | None
    periodicity: float
    active: tuple[int, int]
    located: tuple[int, int] | None
    gaps: list[tuple[float, float]]
    walking: list[tuple[float, float]]
    recounted: bool = False
    in_set: bool = False
    level_ms2: float = float("inf")

    @property
    def gaps_s(self) -> float:
        """Time with no samples, seconds."""
        return sum(end - start for start, end in self.gaps)

    @property
    def walking_s(self) -> float:
        """Walking left out, seconds."""
        return sum(end - start for start, end in self.walking)


# Spread of a period prior, as a factor on the period: a prior twice (or half) the period of a
# candidate weighs it by exp(-2), so it settles a choice the signal leaves open and no other.
_PRIOR_SPREAD = float(np.log(2.0) / 2.0)


def _prior_weight(lag_s: float, prior_s: float | None) -> float:
    """How well a period agrees with the prior: 1 at the prior (and without one), falling off as
    a log-normal bump (a factor of two off weighs exp(-2))."""
    if prior_s is None:
        return 1.0
    return float(np.exp(-0.5 * (np.log(lag_s / prior_s) / _PRIOR_SPREAD) ** 2))


def _estimate_period(
    x: FloatArray, rate_hz: float, params: MotionParams, prior_s: float | None = None
) -> tuple[float, float]:
    """Return (period_s, autocorrelation at the period), or (nan, 0) when nothing repeats.

    The period is the first strong peak of the autocorrelation (a multiple of the period always
    repeats too, so a later peak is never preferred); a clear peak at half of it replaces it
    when two alternating shapes make one repetition look like two. That last choice is the one
    the signal can leave open, and the only one a prior (``prior_s``: the prescribed tempo's, or
    the lifter's usual, repetition period) weighs in: each of the two peaks counts with its
    agreement with the prior, so a prior near the longer one keeps it, and a prior far from
    both changes nothing. A clear signal with one hump per repetition has no peak at half its
    period, so no prior can halve or double its count.
    """
    ac = autocorrelation(x - x.mean(axis=0))
    lo = int(_MIN_PERIOD_S * rate_hz)
    hi = min(int(_MAX_PERIOD_S * rate_hz), ac.size - 1)
    if hi <= lo + 2:
        return float("nan"), 0.0
    peaks, _ = signal.find_peaks(ac[lo:hi])
    peaks = peaks + lo
    peaks = peaks[ac[peaks] > _MIN_AUTOCORR]
    if peaks.size == 0:
        return float("nan"), 0.0
    best = float(np.max(ac[peaks]))
    lag = int(peaks[np.argmax(ac[peaks] >= params.period_peak_ratio * best)])
    while True:
        # Two alternating shapes (left/right, or a heavy and a light half) can make the full
        # repetition look like two; a clear peak at half the lag means the shorter one is real.
        half = peaks[(peaks >= 0.4 * lag) & (peaks <= 0.6 * lag)]
        if half.size == 0:
            break
        k = int(half[np.argmax(ac[half])])
        w_half = _prior_weight(k / rate_hz, prior_s)
        w_lag = _prior_weight(lag / rate_hz, prior_s)
        if ac[k] * w_half > params.half_period_ratio * ac[lag] * w_lag:
            lag = k
        else:
            break
    return lag / rate_hz, float(ac[lag])


# Below this share of the strongest axis' power an axis is taken as still (rounding noise).
_AXIS_FLOOR = 1e-4
# Ridge added to the covariance, as a share of its mean diagonal.
_RIDGE = 1e-3


def _periodic_direction(seg: FloatArray, lag: int) -> FloatArray:
    """Unit direction whose projection repeats best at ``lag`` samples.

    The generalised eigenvector of the symmetric lag covariance against the covariance: it
    maximises the projection's autocorrelation at the lag, whatever its share of the variance.
    """
    lag = min(max(lag, 1), seg.shape[0] - 1)
    n_axes = seg.shape[1]
    gram = seg.T @ seg
    # Axes that barely move (a constant axis, a quantised sensor at rest) carry only rounding
    # noise; in a plain generalised eigenproblem that noise would decide the direction, because
    # the covariance is near-singular along them. They are left out, and the covariance of the
    # rest is regularised by a share of its trace (a ridge well above rounding, well below
    # any movement), so the answer does not depend on the numerical library's last bits.
    power = np.diag(gram)
    moving = power > _AXIS_FLOOR * max(float(power.max()), np.finfo(float).tiny)
    out: FloatArray = np.zeros(n_axes)
    if int(moving.sum()) <= 1:
        out[int(np.argmax(power))] = 1.0
        return out
    sub = seg[:, moving]
    lagged = sub[:-lag].T @ sub[lag:]
    lagged = (lagged + lagged.T) / 2
    cov = sub.T @ sub
    cov = cov + _RIDGE * np.trace(cov) / cov.shape[0] * np.eye(cov.shape[0])
    _, vectors = linalg.eigh(lagged, cov)
    top = vectors[:, -1]
    out[moving] = top / np.linalg.norm(top)
    return out


def _pick_humps(
    hump: FloatArray,
    env: FloatArray,
    period_s: float,
    rate: float,
    params: MotionParams,
    region: tuple[int, int],
    judge: tuple[int, int] | None = None,
) -> tuple[IntArray, FloatArray]:
    """Humps (maxima) of ``hump`` inside ``region`` that clear the prominence and energy
    thresholds (both relative to the humps of the region only; the prominence one to those
    inside ``judge`` when given and it holds two or more)."""
    pad = int(_PAD_S * rate)
    level = float(np.median(hump))
    padded = np.concatenate([np.full(pad, level), hump, np.full(pad, level)])
    peaks, props = signal.find_peaks(
        padded, distance=max(1, int(params.min_distance_ratio * period_s * rate)), prominence=0
    )
    prom = np.asarray(props["prominences"], dtype=np.float64)
    peaks = peaks - pad
    inside = (peaks >= max(region[0], 0)) & (peaks < min(region[1], hump.size))
    peaks, prom = peaks[inside], prom[inside]
    if peaks.size:
        # The thresholds are the set's own: large set-up movements just outside it (looked at
        # for a first or last repetition) must not raise the bar for its repetitions.
        ref = prom
        if judge is not None:
            own = (peaks >= judge[0]) & (peaks < judge[1])
            if int(own.sum()) >= 2:
                ref = prom[own]
        clear = ref >= params.prominence_ratio * np.percentile(ref, 90)
        keep = prom >= params.keep_ratio * np.median(ref[clear])
        peaks, prom = peaks[keep], prom[keep]
        half = max(1, int(period_s * rate / 2))
        power = np.concatenate([[0.0], np.cumsum(env**2)])
        lo = np.clip(peaks - half, 0, env.size)
        hi = np.clip(peaks + half, 0, env.size)
        energy = np.sqrt((power[hi] - power[lo]) / np.maximum(hi - lo, 1))
        keep = energy >= params.energy_ratio * np.median(energy)
        peaks, prom = peaks[keep], prom[keep]
    return peaks.astype(np.int64), prom


def _like_template(
    shape: FloatArray,
    inner: IntArray,
    k: int,
    period: float,
    least: float,
    *,
    clipped: bool = False,
    stretch: float = 1.0,
) -> bool:
    """Whether the movement around hump ``k`` looks like the set's typical repetition: its
    likeness (:func:`_likeness`) reaches ``least``."""
    return _likeness(shape, inner, k, period, clipped=clipped, stretch=stretch) >= least


def _likeness(
    shape: FloatArray,
    inner: IntArray,
    k: int,
    period: float,
    *,
    clipped: bool = False,
    stretch: float = 1.0,
) -> float:
    """How much the movement around hump ``k`` looks like the set's typical repetition: their
    correlation (-1 to 1; -1 where it cannot be compared).

    The template is the mean, over the set's humps, of the movement on every axis from half a
    period before to half a period after each hump; a repetition correlates with it, a set-up
    movement (another direction, another shape) does not. With ``clipped``, a window that the
    start or stop of the recording cuts is compared on the part recorded. With ``stretch``, the
    candidate's movement is read at that many times the template's offsets from the hump
    (interpolated): a repetition ``stretch`` times slower, compared at its own pace.
    """
    half = max(1, int(period / 2))
    n = shape.shape[0]
    windows = [shape[p - half : p + half] for p in inner if p - half >= 0 and p + half <= n]
    if not windows:
        return -1.0
    # Template sample j lies j - half samples from the hump; in the candidate, ``stretch`` times
    # that (a slower repetition is compared at its own pace).
    offsets = (np.arange(2 * half) - half) * stretch + k
    recorded = (offsets >= 0) & (offsets <= n - 1)
    if not clipped and not recorded.all():
        return -1.0
    # Clipped or not, the window must reach a quarter period either side of the hump: the part
    # before it alone is the end of the repetition before, which always looks like a repetition.
    if min(int(recorded[:half].sum()), int(recorded[half:].sum())) < half / 4:
        return -1.0
    template = np.mean(windows, axis=0)[recorded].ravel()
    if stretch == 1.0:
        candidate = shape[offsets[recorded].astype(np.int64)].ravel()
    else:
        grid = np.arange(n)
        at = offsets[recorded]
        candidate = np.column_stack(
            [np.interp(at, grid, shape[:, i]) for i in range(shape.shape[1])]
        ).ravel()
    denom = float(np.linalg.norm(template) * np.linalg.norm(candidate))
    return float(template @ candidate) / denom if denom > 0 else -1.0


def _like_set(
    shape: FloatArray, inner: IntArray, k: int, period: float, least: float, gap: float
) -> bool:
    """Whether hump ``k``, ``gap`` periods from its neighbour, looks like the set's typical
    repetition (:func:`_like_template`): at the set's pace, or, when it lies more than a period
    from its neighbour, at its own slower pace (``gap`` 1 for the set's pace only). A slower
    repetition played at the set's pace lines up with the template only near its hump; at its
    own pace it lines up all along. A faster one is not looked for: a short set-up movement
    squeezed to the set's pace could look like a repetition."""
    if _like_template(shape, inner, k, period, least):
        return True
    stretch = min(gap, _EDGE_GAP[1])
    return stretch > 1.0 and _like_template(shape, inner, k, period, least, stretch=stretch)


def _humps(
    m: FloatArray,
    env: FloatArray,
    period_s: float,
    rate: float,
    params: MotionParams,
    region: tuple[int, int],
    shape: FloatArray | None = None,
    core: tuple[int, int] | None = None,
) -> tuple[FloatArray, IntArray, FloatArray]:
    """Smooth the movement-axis signal around the repetition rate and pick its humps.

    The polarity is the one with the sharper turning points (positive skewness): the push out of
    the bottom of a lift is sharper than the lowering into it. ``core`` is the set found (where
    the movement clearly repeats); humps outside it count as in :func:`_without_setup`.
    """
    hump = fft_weighted(
        m,
        rate,
        low_hz=params.band_low_ratio / period_s,
        high_hz=min(params.band_high_ratio / period_s, 0.45 * rate),
        power=1,
        integrate=params.velocity_humps,
    )
    lo, hi = region
    if np.mean(hump**3) < 0:
        hump = -hump
    if lo == 0 and hi == m.size:
        peaks, prom = _pick_humps(hump, env, period_s, rate, params, region)
        return hump, *_without_rebounds(hump, peaks, prom)
    # The set found starts where a repetition first resembles the next one, so the first (and
    # last) repetition can begin before (end after) it: look a period further either way, and
    # keep a hump there only when it is like the set's own (size and spacing).
    reach = int(_EDGE_REACH * period_s * rate)
    wide = (max(lo - reach, 0), min(hi + reach, m.size))
    # The thresholds are judged by the humps where the movement clearly repeats (the core):
    # the reach beside it can hold a set-up movement several times a repetition's size.
    peaks, prom = _pick_humps(hump, env, period_s, rate, params, wide, core or region)
    inner = (peaks >= lo) & (peaks < hi)
    if inner.sum() < 2:
        # Too few humps inside the set to judge others by: count as without a set.
        peaks, prom = _pick_humps(hump, env, period_s, rate, params, (0, m.size))
        return hump, *_without_rebounds(hump, peaks, prom)
    typical = float(np.median(prom[inner]))
    keep = inner.copy()
    first, last = int(np.flatnonzero(inner)[0]), int(np.flatnonzero(inner)[-1])
    for start, step in ((first, -1), (last, 1)):
        k = start + step
        while 0 <= k < peaks.size:
            gap = abs(int(peaks[k - step]) - int(peaks[k])) / (period_s * rate)
            alike = _EDGE_SIZE[0] * typical <= prom[k] <= _EDGE_SIZE[1] * typical
            if shape is not None:
                alike = _like_set(
                    shape,
                    peaks[inner],
                    int(peaks[k]),
                    period_s * rate,
                    params.edge_likeness,
                    gap if params.own_pace and step == 1 else 1.0,
                )
            if not (alike and _EDGE_GAP[0] <= gap <= _EDGE_GAP[1]):
                break
            keep[k] = True
            k += step
    if core is not None:
        keep &= _without_setup(peaks, keep, core, period_s * rate, params, shape, prom, typical)
    return hump, *_without_rebounds(hump, peaks[keep], prom[keep])


def _without_setup(
    peaks: IntArray,
    keep: npt.NDArray[np.bool_],
    core: tuple[int, int],
    period: float,
    params: MotionParams,
    shape: FloatArray | None,
    prom: FloatArray,
    typical: float,
) -> npt.NDArray[np.bool_]:
    """Which of the kept humps stay once set-up and racking humps are left out.

    A set of N repetitions lasts N periods, and the set found (``core``: where the movement
    clearly repeats, from the start of its first repetition to the end of its last, moved in to
    where the movement reaches its median strength) holds about ``length / period`` of them.
    A kept hump outside it is a first or last repetition that the rhythm did not take in when
    its movement on every axis looks like the set's typical repetition
    (``MotionParams.edge_likeness``), or when the set has room for one more repetition (a
    first repetition out of the rack can start from elsewhere and look different). When
    neither holds (the set is full and the hump looks like none of its repetitions) it is the
    set-up (sitting down, gripping, unracking) or the racking: one movement right beside the
    set, often spaced like a repetition and as large as one, so neither its spacing nor its
    size tells it apart. Humps that look like the set take the room first; the others fill
    what is left, nearest to the set first. The rule uses only the set's own length, period and
    typical repetition, so it holds for any exercise and device.

    ``peaks`` are the humps (sample indices) with their prominences ``prom``, ``keep`` those
    kept so far, ``period`` the period in samples, ``shape`` the movement on every axis (the
    size within ``_EDGE_SIZE`` of ``typical`` stands in for the likeness without it).
    """
    lo, hi = core
    inside = keep & (peaks >= lo) & (peaks < hi)
    out = keep.copy()
    if int(inside.sum()) < 2:
        return out
    outside = [int(k) for k in np.flatnonzero(keep & ~inside)]
    kept = np.flatnonzero(keep)

    def pace(k: int) -> float:
        """Spacing of a hump ``k`` after the set from the kept hump before it, in periods: the
        pace it is also compared at (:func:`_like_set`). 1 (the set's pace only) for a hump
        before the set, which has no reason to be slower, and without
        ``MotionParams.own_pace``."""
        if not params.own_pace or peaks[k] < lo:
            return 1.0
        before = kept[kept < k][-1:]
        return abs(int(peaks[before[0]]) - int(peaks[k])) / period if before.size else 1.0

    alike = {
        k: _like_set(shape, peaks[inside], int(peaks[k]), period, params.edge_likeness, pace(k))
        if shape is not None
        else bool(_EDGE_SIZE[0] * typical <= prom[k] <= _EDGE_SIZE[1] * typical)
        for k in outside
    }
    room = (hi - lo) / period - int(inside.sum()) - sum(alike.values())
    unlike = sorted(
        (k for k in outside if not alike[k]),
        key=lambda k: lo - int(peaks[k]) if peaks[k] < lo else int(peaks[k]) - hi,
    )
    for k in unlike:
        if room >= params.edge_room:
            room -= 1.0
        else:
            out[k] = False
    return out


# A hump at either end of the counted humps that is this many times broader than the set's typical
# hump (at half its prominence) while no taller than it is the band-pass filter's rebound after
# the last lowering (or before the first lifting), not a repetition: a repetition's hump is as
# sharp as the others, a slow last repetition is broader but as tall.
_REBOUND_WIDTH = 2.0
_REBOUND_HEIGHT = 1.0


def _hump_width(hump: FloatArray, peak: int, prominence: float) -> int:
    """Samples for which the hump stays above half its prominence (the recording's ends stop
    it)."""
    level = hump[peak] - prominence / 2
    below = np.flatnonzero(hump <= level)
    left = below[below < peak]
    right = below[below > peak]
    lo = int(left[-1]) if left.size else 0
    hi = int(right[0]) if right.size else hump.size
    return hi - lo


def _without_rebounds(
    hump: FloatArray, peaks: IntArray, prom: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Leave out a first or last hump that is a broad, low filter rebound (see above)."""
    if peaks.size < 4:
        return peaks, prom
    widths = np.array(
        [_hump_width(hump, int(p), float(q)) for p, q in zip(peaks, prom, strict=True)]
    )
    typical_width = float(np.median(widths[1:-1]))
    typical_prom = float(np.median(prom[1:-1]))
    keep = np.ones(peaks.size, dtype=bool)
    for j in (0, peaks.size - 1):
        broad = widths[j] > _REBOUND_WIDTH * typical_width
        keep[j] = not (broad and prom[j] < _REBOUND_HEIGHT * typical_prom)
    return peaks[keep], prom[keep]


def _spread(values: FloatArray) -> float:
    """Coefficient of variation (0 for fewer than two values)."""
    if values.size < 2 or np.mean(values) <= 0:
        return 0.0
    return float(np.std(values) / np.mean(values))


def _channels(
    moving: FloatArray, gyro: FloatArray | None, rate: float, walking: npt.NDArray[np.bool_]
) -> FloatArray:
    """The movement on every axis in comparable units: each accelerometer and gyroscope axis
    divided by its own spread, so neither a unit nor one loud axis (a turning wrist) outweighs
    the axes that carry the repetitions."""
    parts = [moving]
    if gyro is not None:
        parts.append(bandpass(without(gyro, walking), 0.1, 3.0, rate))
    stacked = np.column_stack(parts)
    spread = np.sqrt(np.mean(stacked * stacked, axis=0))
    tiny = np.finfo(float).tiny
    # An axis that barely moves (below 1e-4 of the strongest axis' power) carries only noise.
    still = spread**2 <= _AXIS_FLOOR * max(float(np.max(spread**2)), tiny)
    out: FloatArray = np.where(still, 0.0, stacked / np.maximum(spread, tiny))
    return out


# The slowly varying part of the acceleration is averaged over this long.
_SLOW_S = 2.0


def _slow(acc: FloatArray, rate: float) -> FloatArray:
    """The slowly varying part of the acceleration (gravity in the device's axes): a moving
    average over ``_SLOW_S``."""
    return moving_mean(acc, int(_SLOW_S * rate))


def _locate_set(
    channels: FloatArray, acc: FloatArray, period: tuple[float, float], posture_end: bool = True
) -> tuple[float, float, FoundSet] | None:
    """The set inside the recording: (period_s, autocorrelation, stretch), or None.

    The loudest stretch need not be the set (picking up the weight, setting the pin): the set is
    where the movement repeats steadily at the period
    (:mod:`~mindmuscle.signals.motion.setfind`). Looking again at the period of the stretch
    found, or of its once-integrated movement, changed no count of the real recordings and let a
    turning wrist pull the period to a multiple, so the period is the one already found.
    """
    rate = ANALYSIS_RATE_HZ
    if not np.isfinite(period[0]):
        return None
    where = find_set(
        channels,
        round(period[0] * rate),
        _slow(acc, rate),
        own_end=posture_end,
        gravity_width=int(_SLOW_S * rate),
    )
    return None if where is None else (period[0], period[1], where)


# When nothing repeats over the whole loud stretch (set-up movements far larger than small
# repetitions, such as wrist curls, drown their rhythm), the period is looked for in stretches
# of this length (three of the slowest repetitions), every few seconds, and the clearest wins.
_WINDOW_S = 30.0
_WINDOW_STEP_S = 5.0


def _steadiest_period(
    band: FloatArray,
    active: tuple[int, int],
    rate: float,
    params: MotionParams,
    prior_s: float | None,
) -> tuple[float, float]:
    """(period_s, autocorrelation) of the stretch of the loud part that repeats most clearly,
    or (nan, 0) when none does."""
    i0, i1 = active
    width = int(_WINDOW_S * rate)
    best = (float("nan"), 0.0)
    for w0 in range(i0, max(i1 - width, i0) + 1, int(_WINDOW_STEP_S * rate)):
        found = _estimate_period(band[w0 : min(w0 + width, i1)], rate, params, prior_s)
        if np.isfinite(found[0]) and found[1] > best[1]:
            best = found
    return best


def _count(
    rec: MotionRecording, params: MotionParams, period_prior_s: float | None = None
) -> _Counted:
    rate = ANALYSIS_RATE_HZ
    t, acc, gyro, gaps = resample_recording(rec, rate)
    recorded = acc
    walking = walking_mask(acc, rate)
    acc = without(acc, walking)
    moving = bandpass(acc, 0.1, 3.0, rate)
    env = moving_rms(np.sqrt(np.sum(moving**2, axis=1)), int(2 * rate))
    level = float(np.percentile(env, 90))
    active_idx = np.flatnonzero(env >= params.activity_ratio * level)
    i0, i1 = int(active_idx[0]), int(active_idx[-1]) + 1
    band = bandpass(acc, 0.15, 3.0, rate)
    period_s, periodicity = _estimate_period(band[i0:i1], rate, params, period_prior_s)
    if not np.isfinite(period_s) and i1 - i0 > _WINDOW_S * rate:
        period_s, periodicity = _steadiest_period(band, (i0, i1), rate, params, period_prior_s)
    if walking.all():
        period_s, periodicity = float("nan"), 0.0  # nothing but walking: no set here
    if level < _STILL_MS2:
        # The device lay still (only the sensor's noise): every threshold below is relative,
        # and would find a rhythm in the noise.
        period_s, periodicity = float("nan"), 0.0
    channels = _channels(moving, gyro, rate, walking)
    located = _locate_set(channels, acc, (period_s, periodicity), params.posture_end)
    sides = (0, t.size)
    core: tuple[int, int] | None = None
    # The set found cuts the count only where it clearly repeats: an irregular movement on top
    # of the repetitions (a turning wrist) blurs the rhythm, and the recount below handles it.
    found = located is not None and params.count_in_set and located[2].clarity >= params.clear_set
    if located is not None and found:
        period_s, periodicity = located[0], located[1]
        # The count keeps to where the movement repeats (and its weaker edges): loud movement
        # beside it, however close (a pin set just before the first repetition, the weight put
        # down right after the last), counts only when it looks like the set's repetitions
        # (:func:`_humps`). The movement axis and the period checks below still look at the
        # whole loud stretch.
        sides = (located[2].reach_start, located[2].reach_stop)
        core = (located[2].start, located[2].stop)
    for_period = band[i0:i1]
    seg = moving[i0:i1] - moving[i0:i1].mean(axis=0)
    axis = np.linalg.svd(seg, full_matrices=False)[2][0]
    m = moving @ axis
    period_known = bool(np.isfinite(period_s))
    t_rep = period_s if period_known else _FALLBACK_PERIOD_S
    region = sides
    hump, peaks, prom = _humps(m, env, t_rep, rate, params, region, channels, core)
    combined = (period_s, periodicity)
    # Pauses and mirror-image halves can make the acceleration repeat faster than the
    # repetitions; the once-integrated signal repeats at the true rate.
    alt_s, alt_ac = float("nan"), 0.0
    if period_known:
        smooth = np.column_stack(
            [
                fft_weighted(for_period[:, i], rate, low_hz=0.1, high_hz=3.0, power=1)
                for i in range(3)
            ]
        )
        alt_s, alt_ac = _estimate_period(smooth, rate, params, period_prior_s)
    # Take its period when it clearly repeats and the humps it gives are clearly more regular
    # in size.
    if (
        period_known
        and params.alt_period
        and np.isfinite(alt_s)
        and alt_ac >= params.alt_min_autocorr
        and abs(alt_s - t_rep) > 0.3 * t_rep
    ):
        alt = _humps(m, env, alt_s, rate, params, region, channels, core)
        if alt[1].size >= 2 and _spread(prom) > _spread(alt[2]) + params.alt_spread_margin:
            hump, peaks, prom = alt
            period_s, periodicity = alt_s, alt_ac
    recounted = False
    if period_known:
        # The clearest rhythm may sit on an axis that the strongest one drowns out; when the
        # count is far from the cycles that rhythm fits in the set, recount along it. The
        # three axes together and the once-integrated signal compete too: when the latter
        # repeats most clearly, the rhythms of the acceleration are parts of a repetition.
        # An axis that barely moves (a stuck axis) holds only the filter's rounding, which can
        # look perfectly periodic: it has no rhythm of its own.
        power = np.mean(for_period**2, axis=0)
        live = power > _AXIS_FLOOR * max(float(power.max()), np.finfo(float).tiny)
        single = [
            _estimate_period(for_period[:, i : i + 1], rate, params, period_prior_s)
            for i in range(3)
            if live[i]
        ]
        clear_s, clear_ac = max(
            [combined, (alt_s, alt_ac), *single],
            key=lambda c: c[1] if np.isfinite(c[0]) else -1.0,
        )
        ratio = float(period_s) / clear_s
        same = abs(ratio - 1.0) <= 0.3
        # A half or a third of the rhythm counted (an axis that turns twice or three times per
        # repetition) is no reason to recount.
        harmonic = round(ratio) in (2, 3) and abs(ratio - round(ratio)) < 0.15 * round(ratio)
        expected = (i1 - i0) / rate / clear_s
        far = not (params.recount_ratio * expected <= peaks.size <= expected / params.recount_ratio)
        if clear_ac >= params.alt_min_autocorr and not harmonic and far:
            direction = _periodic_direction(seg, round(clear_s * rate))
            recount = _humps(moving @ direction, env, clear_s, rate, params, region, channels, core)
            closer = abs(recount[1].size - expected) < abs(peaks.size - expected)
            # At the rhythm already counted, only a clearly more even recount is believed:
            # idle time inside a short set makes the expected count too high.
            even = _spread(recount[2]) + params.alt_spread_margin < _spread(prom)
            if closer and (even or not same):
                hump, peaks, prom = recount
                period_s, periodicity = clear_s, clear_ac
                recounted = True
    if period_known and found and params.inner_reps and peaks.size >= 3:
        # A repetition inside the set whose hump the count lost (see _inner_missing_reps); only
        # where the movement clearly repeats, so a long spacing means a lost hump, not a rest.
        unrecorded = np.zeros(t.size, dtype=bool)
        for g0, g1 in gaps:
            unrecorded[(t >= g0) & (t <= g1)] = True
        peaks, prom = _inner_missing_reps(
            hump,
            (peaks, prom),
            float(period_s),
            rate,
            channels,
            params.missing_likeness,
            unrecorded,
            params.partial_ratio,
        )
    if period_known and params.cut_edges and peaks.size >= 3:
        # A first or last repetition cut by the start or stop of the recording, which kept
        # only its opposite half (see _cut_edge_reps).
        peaks, prom = _cut_edge_reps(
            (hump, moving, channels),
            (peaks, prom),
            float(period_s),
            rate,
            params.edge_likeness,
            params.own_pace,
        )
    if period_known and peaks.size >= 2:
        # A first or last repetition with no hump of its own (see _missing_edge_reps).
        peaks, prom = _missing_edge_reps(
            moving,
            (peaks, prom),
            float(period_s),
            rate,
            sides if found else (i0, i1),
            channels,
            params.missing_likeness,
        )
    if period_known and peaks.size:
        # A hump closer to either end of the recording than this is a movement cut by the start
        # or the stop of the recording (or the hand reaching for the device), not a whole rep.
        margin = int(params.edge_ratio * t_rep * rate)
        keep = (peaks >= margin) & (peaks < t.size - margin)
        peaks, prom = peaks[keep], prom[keep]
    if not period_known:
        peaks, prom = peaks[:0], prom[:0]
    return _Counted(
        t_s=t,
        acc=acc,
        recorded=recorded,
        movement=hump,
        peaks=peaks,
        prominences=prom,
        period_s=period_s if period_known else None,
        periodicity=periodicity,
        active=(i0, i1),
        located=None if located is None else (located[2].start, located[2].stop),
        gaps=gaps,
        walking=spans(walking, t),
        recounted=recounted,
        in_set=found,
        level_ms2=level,
    )


# A repetition is one hump and one trough of the band-limited velocity (its lifting and its
# lowering, in either order), so between the first and the last of N humps lie N - 1 troughs,
# and one more lies beside them: the trough of the first repetition before its hump, or of the
# last one after it. When a trough like the set's lies on both sides (N + 1 troughs), one
# repetition has only its trough: the one whose hump would lie, at the set's own spacing of
# hump and trough, beyond the start or the stop of the recording (within a quarter period of it),
# where the device still moves as in the set. Such a repetition was done and cut by the start
# or stop of the recording, which is how a guided set's recording (between "start" and "done")
# or a recording cut by hand can end. A trough like the set's is spaced like the set's troughs
# (``_EDGE_GAP``), as deep (``_EDGE_SIZE``), no broader than a filter's rebound
# (``_REBOUND_WIDTH``), and its movement on every axis correlates with the set's typical trough
# at least ``MotionParams.edge_likeness``, on the part recorded (the trough after the humps also
# at its own pace, ``MotionParams.own_pace``). A trough alone is weak evidence where the
# recording goes on (a re-rack after the last lowering makes one): only the recording's own
# start or stop explains a hump that is missing next to it, and stillness there (the strength
# of ``_missing_edge_reps``) says that the set had ended before the recording did.


def _cut_edge_reps(
    signals: tuple[FloatArray, FloatArray, FloatArray],
    humps: tuple[IntArray, FloatArray],
    period_s: float,
    rate: float,
    least: float,
    own_pace: bool,
) -> tuple[IntArray, FloatArray]:
    """Add a first or last repetition cut by the start or stop of the recording (see above).

    ``signals`` are the hump signal (the band-limited velocity, humps up), the band-limited
    acceleration and the movement on every axis; ``humps`` the counted humps (at least three)
    and their prominences; ``least`` the likeness a trough like the set's reaches, and with
    ``own_pace`` a trough spaced more than a period from its neighbour is also compared at its
    own, slower pace. The repetition added is given a hump where its hump would have been
    (clipped to the recording), sized like the set's median hump.
    """
    hump, moving, shape = signals
    peaks, prom = humps
    lag = max(1, round(period_s * rate))
    n = hump.size
    pad = int(_PAD_S * rate)
    level = float(np.median(hump))
    # Padded with the median level, as the humps are, so a trough cut by either end is found.
    padded = np.concatenate([np.full(pad, -level), -hump, np.full(pad, -level)])
    troughs, props = signal.find_peaks(padded, distance=max(1, lag // 2), prominence=0)
    troughs = troughs - pad
    found = (troughs >= 0) & (troughs < n)
    troughs, tprom = troughs[found], np.asarray(props["prominences"], dtype=np.float64)[found]
    first, last = int(peaks[0]), int(peaks[-1])
    inner = (troughs > first) & (troughs < last)
    before = np.flatnonzero(troughs < first)
    after = np.flatnonzero(troughs > last)
    # One trough between each two humps: the halves alternate as the rule assumes (not so at a
    # period that is half the repetition's, or with a pause that dips twice).
    alternate = np.array_equal(np.searchsorted(troughs[inner], peaks), np.arange(peaks.size))
    if not alternate or before.size == 0 or after.size == 0:
        return peaks, prom
    t_in = troughs[inner]
    # Depth below the median level, not prominence: a trough cut by an end has a low base.
    depth = level - hump[troughs]
    typical = float(np.median(depth[inner]))
    width = float(
        np.median(
            [_hump_width(-hump, int(q), float(r)) for q, r in zip(t_in, tprom[inner], strict=True)]
        )
    )

    def pace(j: int, neighbour: int, slows: bool) -> float | None:
        """The pace (1: the set's) at which trough ``j`` looks like the set's, or None."""
        k = int(troughs[j])
        gap = abs(k - neighbour) / lag
        if not (
            _EDGE_GAP[0] <= gap <= _EDGE_GAP[1]
            and _EDGE_SIZE[0] * typical <= depth[j] <= _EDGE_SIZE[1] * typical
            and _hump_width(-hump, k, float(tprom[j])) <= _REBOUND_WIDTH * width
        ):
            return None
        for stretch in (1.0, gap) if slows and own_pace and gap > 1.0 else (1.0,):
            if _like_template(shape, t_in, k, lag, least, clipped=True, stretch=stretch):
                return stretch
        return None

    j0, j1 = int(before[-1]), int(after[0])
    s0, s1 = pace(j0, int(t_in[0]), False), pace(j1, int(t_in[-1]), True)
    if s0 is None or s1 is None:
        return peaks, prom
    # Where the missing hump would lie: at the set's own spacing of hump and trough (at the
    # trough's pace), before the first trough or after the last.
    slot = np.searchsorted(peaks, t_in)
    early = int(troughs[j0]) - round(s0 * float(np.median(t_in - peaks[slot - 1])))
    late = int(troughs[j1]) + round(s1 * float(np.median(peaks[slot] - t_in)))
    quarter = max(1, lag // 4)
    # Over a quarter period, up to the recording's ends (where the repetition was cut).
    strength = np.sqrt(moving_mean(np.sum(moving * moving, axis=1)[:, None], quarter)[:, 0])
    moves = _EDGE_ROOM_LEVEL * float(np.median(strength[first : last + 1]))
    size = float(np.median(prom))
    if early < quarter and strength[:quarter].max() >= moves:
        return np.insert(peaks, 0, max(early, 0)).astype(np.int64), np.insert(prom, 0, size)
    if late > n - 1 - quarter and strength[n - quarter :].max() >= moves:
        return np.append(peaks, min(late, n - 1)).astype(np.int64), np.append(prom, size)
    return peaks, prom


# A set of N repetitions lasts N periods and its humps (one per repetition, at the same phase of
# each) span N - 1 of them, so the movement before the first hump and after the last adds up to
# about one period. When it adds up to this many periods or more (halfway to two), a whole
# repetition lies there whose hump the band-limited signal did not show: a first or last
# repetition cut by the start or stop of the recording, or slower than the others, has one
# steep half and one weak one. The movement there is the set's when it reaches this share of
# the set's median strength (over a quarter period; well above the sensor's noise at rest beside
# a slow, quiet set, which can reach half of it) and looks like the set's typical repetition.
_EDGE_ROOM_PERIODS = 1.5
_EDGE_ROOM_LEVEL = 0.7
# A repetition lies a period from its neighbour only on average: the repetitions of one set
# vary in length (a breath or a re-grip before one, a slower last one), so the place of a
# missing hump is known to within this share of the period either way. The movement there is
# compared with the typical repetition at each place in that range, and the repetition counts,
# where it looks most like one, when it looks like one anywhere there. A repetition is found
# where it is, whatever the exercise; a set-up or racking movement unlike every repetition
# matches at no place. On the recordings that can hold their label it counts 1 of 49 barbell
# sets, 2 of 47 whole and 4 of 45 hand-cut watch recordings exactly that counted one fewer,
# and a muvr-dev and a hand-cut watch set from two fewer to one; no count moves away from its
# label (0.1 to 0.2 alike; 0.05 counts 3 of them exactly).
_MISSING_SPREAD = 0.15
# More places looked at find more look-alikes, so a repetition also has to move: whether its
# hump was lost or not, a repetition moves the weight through the set's range, so the movement
# within half a period of its place carries at least this share of the set's usual (the RMS
# around its humps). An unracking or a slow last lowering can be shaped like a repetition but
# moves less (a simulated 5 cm unracking beside 40 cm squats: 0.24; the slow lowering and
# re-racking after a simulated 4-0-2-1 set: 0.51, both counted without this); the repetitions
# added on the real recordings carry 0.65 to 1.7 of it (0.55 to 0.65 count alike).
_MISSING_ENERGY = 0.6


# Inside the set found, where the movement clearly repeats, neighbouring humps lie one spacing
# apart (the median spacing of the counted humps). Two humps spaced two or more spacings apart
# have a repetition between them whose hump the movement axis lost: its movement went onto
# another axis, or a larger neighbour's hump drowned it in the band-limited signal. Such a
# repetition still moves on every axis like the set's typical one (correlation at least
# ``MotionParams.missing_likeness``, as for a missing first or last repetition) and as far
# (``MotionParams.partial_ratio`` of a typical repetition's size): a rest is still, a partial
# repetition is small, and a stretch with no samples is counted from its length instead.
# Within this share of a whole number of the set's own spacing, a stretch between two counted
# humps holds that many repetitions (a stretch of 1.5 spacings is a slower repetition, not two).
_INNER_TOLERANCE = 0.25


def _inner_missing_reps(
    hump: FloatArray,
    humps: tuple[IntArray, FloatArray],
    period_s: float,
    rate: float,
    shape: FloatArray,
    least: float,
    unrecorded: npt.NDArray[np.bool_],
    smallest: float,
) -> tuple[IntArray, FloatArray]:
    """Add the repetitions inside the set whose humps the count lost (see above).

    ``hump`` is the counted signal, ``humps`` the counted humps (at least three) and their
    prominences, ``shape`` the movement on every axis, ``least`` the correlation with the typical
    repetition that a repetition reaches and ``unrecorded`` the samples with no recording behind
    them (gaps, counted by :func:`_gap_reps`). Each repetition found gets the highest point of
    ``hump`` within a quarter period of its place and the set's median hump size (its own hump
    is the part that was lost, so it cannot tell its size).
    """
    peaks, prom = humps
    typical = float(np.median(prom))
    spacing = float(np.median(np.diff(peaks)))
    lag = max(1, round(period_s * rate))
    quarter = max(1, lag // 4)
    half = max(1, lag // 2)

    def size(k: int) -> float:
        return float(np.linalg.norm(shape[max(k - half, 0) : k + half]))

    usual = float(np.median([size(int(k)) for k in peaks]))
    added: dict[int, float] = {}
    for a, b in itertools.pairwise(peaks):
        stretch = (int(b) - int(a)) / spacing
        held = round(stretch)
        if held < 2 or abs(stretch - held) > _INNER_TOLERANCE:
            continue
        step = (int(b) - int(a)) / held
        placed: list[int] = []
        for j in range(1, held):
            place = int(a) + round(j * step)
            lo, hi = max(place - quarter, 0), min(place + quarter + 1, hump.size)
            placed.append(lo + int(np.argmax(hump[lo:hi])))
        gapless = not any(unrecorded[max(k - half, 0) : k + half].any() for k in placed)
        large = all(size(k) >= smallest * usual for k in placed)
        if gapless and large and all(_like_template(shape, peaks, k, lag, least) for k in placed):
            added.update(dict.fromkeys(placed, typical))
    if not added:
        return peaks, prom
    merged = {int(k): float(q) for k, q in zip(peaks, prom, strict=True)} | added
    order = sorted(merged)
    return np.asarray(order, dtype=np.int64), np.asarray([merged[k] for k in order])


def _missing_edge_reps(
    moving: FloatArray,
    humps: tuple[IntArray, FloatArray],
    period_s: float,
    rate: float,
    region: tuple[int, int],
    shape: FloatArray,
    least: float,
) -> tuple[IntArray, FloatArray]:
    """Add the first or last repetitions whose humps are missing (see above).

    ``moving`` is the band-limited acceleration, ``humps`` the counted humps (at least two) and
    their prominences, ``region`` where the count looks, ``shape`` the movement on every axis and
    ``least`` the correlation with the typical repetition that a repetition reaches. Each
    repetition found (its movement at least ``_MISSING_ENERGY`` of the set's usual) is given a
    hump a period beyond the outermost one, give or take ``_MISSING_SPREAD`` of a period (where
    it looks most like the set's), on the side with more movement left, sized like the set's
    median hump (its size cannot be measured: it has no hump).
    """
    peaks, prom = humps
    lag = max(1, round(period_s * rate))
    quarter = max(1, lag // 4)
    power = np.sum(moving * moving, axis=1)
    strength = moving_rms(np.sqrt(power), quarter)
    first, last = int(peaks[0]), int(peaks[-1])
    level = _EDGE_ROOM_LEVEL * float(np.median(strength[first : last + 1]))
    lo, hi = region
    head = np.flatnonzero(strength[lo:first] >= level)
    tail = np.flatnonzero(strength[last:hi] >= level)
    before = (first - (lo + int(head[0]))) / lag if head.size else 0.0
    after = (int(tail[-1]) + 1) / lag if tail.size else 0.0
    out = [int(p) for p in peaks]
    sizes = [float(q) for q in prom]
    typical = float(np.median(prom))
    spread = round(_MISSING_SPREAD * lag)
    n = moving.shape[0]
    half = max(1, lag // 2)

    def energy(k: int) -> float:
        """RMS of the movement within half a period either side of ``k``."""
        return float(np.sqrt(np.mean(power[max(k - half, 0) : min(k + half, n)])))

    usual = float(np.median([energy(int(p)) for p in peaks]))
    while before + after >= _EDGE_ROOM_PERIODS:
        late = after >= before
        # The places to look: one period from the outermost hump, give or take the spread; the
        # repetition lies where it looks most like the set's (nearest to one period on a tie).
        places = sorted(
            {
                min(out[-1] + d, n - 1) if late else max(out[0] - d, 0)
                for d in range(lag - spread, lag + spread + 1)
            },
            key=lambda q: abs(abs(q - (out[-1] if late else out[0])) - lag),
        )
        likeness = [_likeness(shape, peaks, q, lag, clipped=True) for q in places]
        best = int(np.argmax(likeness))
        k = places[best]
        if likeness[best] < least or energy(k) < _MISSING_ENERGY * usual:
            break
        if late:
            out.append(k)
            sizes.append(typical)
            after -= 1
        else:
            out.insert(0, k)
            sizes.insert(0, typical)
            before -= 1
    return np.asarray(out, dtype=np.int64), np.asarray(sizes, dtype=np.float64)


def _vertical_position(
    acc: FloatArray,
    period_s: float,
    rate_hz: float,
    low_ratio: float,
    unmeasured: npt.NDArray[np.bool_],
) -> FloatArray:
    """Vertical position in metres (up positive), from ``|acc| - g``, band-limited.

    ``|g + a| ~ g + a_vertical`` for the accelerations of lifting, whatever the device's
    orientation, so the magnitude carries the vertical movement without any orientation estimate.
    Where nothing was measured (gaps, walking) the vertical acceleration is taken as zero: a
    straight line drawn across a gap would otherwise integrate to metres of travel.
    """
    mag = np.sqrt(np.sum(acc**2, axis=1))
    measured = ~unmeasured
    vertical = mag - (np.mean(mag[measured]) if measured.any() else np.mean(mag))
    vertical[unmeasured] = 0.0
    pos: FloatArray = -fft_weighted(
        vertical, rate_hz, low_hz=low_ratio / period_s, high_hz=3.0, power=2
    )
    return pos


def _turning_points(y: FloatArray, scale: float) -> list[tuple[int, int]]:
    """Alternating (index, +1 top / -1 bottom) extremes of ``y`` with a prominence over scale/5."""
    # Pad with the median so a turning point near either end still has a base on that side.
    pad = np.full(1, float(np.median(y)))
    padded = np.concatenate([pad, y, pad])
    tops, _ = signal.find_peaks(padded, prominence=0.2 * scale)
    bottoms, _ = signal.find_peaks(-padded, prominence=0.2 * scale)
    tops, bottoms = tops - 1, bottoms - 1
    events = sorted([(int(i), 1) for i in tops] + [(int(i), -1) for i in bottoms])
    merged: list[tuple[int, int]] = []
    for idx, kind in events:
        if merged and merged[-1][1] == kind:
            prev = merged[-1][0]
            if (kind == 1 and y[idx] > y[prev]) or (kind == -1 and y[idx] < y[prev]):
                merged[-1] = (idx, kind)
        else:
            merged.append((idx, kind))
    return merged


def _phase_labels(y: FloatArray, rate_hz: float, params: MotionParams) -> IntArray:
    """Label each sample eccentric, bottom pause, concentric or top pause (0 = unknown).

    ``y`` rises during the concentric. Each movement between two turning points is concentric
    (rising) or eccentric (falling) where its speed exceeds ``pause_speed_ratio`` of its own peak
    speed; the slow ends belong to the pause at the nearby turning point.
    """
    labels = np.zeros(y.size, dtype=np.int64)
    scale = float(np.percentile(y, 95) - np.percentile(y, 5))
    if scale <= 0:
        return labels
    points = _turning_points(y, scale)
    if not points:
        return labels
    speed = np.abs(np.gradient(y, 1.0 / rate_hz))
    pause_of = {1: _TOP, -1: _BOTTOM}
    move_to = {1: _CONC, -1: _ECC}
    # Before the first turning point the lifter comes from the other extreme (or stands still);
    # after the last one the lifter goes back there: label those stretches like any movement.
    first_idx, first_kind = points[0]
    last_idx, last_kind = points[-1]
    spans = [(0, -first_kind, first_idx, first_kind)]
    spans += [(a, ka, b, kb) for (a, ka), (b, kb) in itertools.pairwise(points)]
    spans.append((last_idx, last_kind, y.size, -last_kind))
    peak_speed = float(np.median([speed[a:b].max() for a, _, b, _ in spans[1:-1]] or [0.0]))
    for a, kind_a, b, kind_b in spans:
        if b <= a:
            continue
        seg = speed[a:b]
        if a > 0 and b < y.size:
            fast = np.flatnonzero(seg >= params.pause_speed_ratio * seg.max())
            start, stop = a + int(fast[0]), a + int(fast[-1]) + 1
        else:
            # At the ends of the recording keep only the movement joined to the turning point
            # (set-up movements further away are not part of a repetition).
            is_fast = seg >= params.pause_speed_ratio * peak_speed
            fast = np.flatnonzero(is_fast)
            if fast.size == 0:
                labels[a:b] = pause_of[kind_a] if a > 0 else pause_of[kind_b]
                continue
            if a == 0:
                stop = a + int(fast[-1]) + 1
                slow = np.flatnonzero(~is_fast[: fast[-1]])
                start = a + (int(slow[-1]) + 1 if slow.size else 0)
            else:
                start = a + int(fast[0])
                slow = np.flatnonzero(~is_fast[fast[0] :])
                stop = start + (int(slow[0]) if slow.size else b - start)
        labels[a:start] = pause_of[kind_a]
        labels[start:stop] = move_to[kind_b]
        labels[stop:b] = pause_of[kind_b]
    return labels


def _direction(concentric: Movement | None) -> tuple[int, str, bool]:
    """(sign of 'up' during the concentric, note, whether the direction is known)."""
    if concentric is Movement.UP:
        return 1, "Concentric = load moving up (from the exercise).", True
    if concentric is Movement.DOWN:
        return -1, "Concentric = load moving down (from the exercise).", True
    if concentric is None:
        return (
            1,
            "No exercise given: the concentric is taken as the half of each repetition that "
            "raises the device, so phase labels are less certain (the count is not affected).",
            False,
        )
    return (
        1,
        f"The exercise moves {concentric.value} in the concentric, which a worn sensor cannot "
        "tell from gravity; the concentric is taken as the half that raises the device.",
        False,
    )


def _windows(
    peaks: IntArray, labels: IntArray, period_s: float, rate_hz: float
) -> list[tuple[int, int]]:
    """One window per repetition, each starting where its first movement starts.

    A set is eccentric-first (squat, bench) or concentric-first (curl, deadlift). For each
    choice, the boundaries between repetitions move to the start of an opening movement near the
    midpoint of two humps (and about half a period before the first hump and after the last);
    the choice whose windows hold the most movement is kept, so no lowering or lifting of the set
    is left out of its repetitions.
    """
    if peaks.size == 0:
        return []
    moving = (labels == _ECC) | (labels == _CONC)
    best: list[tuple[int, int]] = []
    best_cover = -1
    for opener in (_ECC, _CONC):
        cuts = _cuts(peaks, labels, opener, period_s, rate_hz)
        cover = sum(int(np.sum(moving[lo:hi])) for lo, hi in cuts)
        if cover > best_cover:
            best, best_cover = cuts, cover
    return best


def _cuts(
    peaks: IntArray, labels: IntArray, opener: int, period_s: float, rate_hz: float
) -> list[tuple[int, int]]:
    n = labels.size
    period = round(period_s * rate_hz)
    half = period // 2
    moving = np.flatnonzero((labels == _ECC) | (labels == _CONC))
    starts = np.flatnonzero((labels[1:] == opener) & (labels[:-1] != opener)) + 1
    ends = [int(p) for p in peaks]
    expected = [ends[0] - half] + [(a + b) // 2 for a, b in itertools.pairwise(ends)]
    expected.append(ends[-1] + half)
    ranges = [(ends[0] - period - half, ends[0]), *list(itertools.pairwise(ends))]
    ranges.append((ends[-1], ends[-1] + period))
    cuts: list[int] = []
    for want, (lo, hi) in zip(expected, ranges, strict=True):
        near = starts[(starts > lo) & (starts <= hi)]
        cuts.append(int(near[np.argmin(np.abs(near - want))]) if near.size else want)
    last_lo, last_hi = ranges[-1]
    if not np.any((starts > last_lo) & (starts <= last_hi)):
        # No next repetition: the last one ends where its closing movement ends (the hump can
        # sit anywhere in the repetition, so half a period after it can cut that movement).
        closer = _CONC if opener == _ECC else _ECC
        stops = np.flatnonzero((labels[:-1] == closer) & (labels[1:] != closer)) + 1
        after = stops[(stops > last_lo) & (stops <= last_hi)]
        if after.size:
            cuts[-1] = max(cuts[-1], int(after[0]))
    cuts = [min(max(c, 0), n) for c in cuts]
    first_moving = moving[(moving >= cuts[0]) & (moving < cuts[1])]
    if first_moving.size:
        # Standing still before the first movement is set-up time, not a pause of rep 1.
        cuts[0] = int(first_moving[0])
    return [(lo, max(hi, lo + 1)) for lo, hi in itertools.pairwise(cuts)]


def _gap_reps(
    gaps: list[tuple[float, float]], rep_times: FloatArray, period_s: float | None
) -> list[RecordingGap]:
    """The gaps of the recording, with the repetitions each hid when it lies inside the set.

    A gap with counted repetitions on both sides interrupted the set: at the set's cadence it
    hid ``round(length / period)`` repetitions, less any counted inside it. A gap before the
    first or after the last counted repetition may hide the set's start or end, or only
    unracking and walking: nothing is added for it.
    """
    out: list[RecordingGap] = []
    for start, end in gaps:
        inside = bool(np.any(rep_times < start) and np.any(rep_times > end))
        estimate = 0
        if inside and period_s is not None:
            seen = int(np.sum((rep_times >= start) & (rep_times <= end)))
            estimate = max(0, round((end - start) / period_s) - seen)
        out.append(
            RecordingGap(
                start_s=round(start, 3),
                end_s=round(end, 3),
                inside_set=inside,
                estimated_reps=estimate,
            )
        )
    return out


def _gap_reasons(gaps: list[RecordingGap], rep_times: FloatArray, period_s: float) -> list[str]:
    """What the user should know about gaps that touch the set."""
    reasons: list[str] = []
    if rep_times.size == 0:
        return reasons
    first, last = float(rep_times[0]) - period_s, float(rep_times[-1]) + period_s
    for g in gaps:
        length = g.end_s - g.start_s
        if g.estimated_reps:
            n = g.estimated_reps
            reasons.append(
                f"The recording has a {length:.1f} s gap at {g.start_s:.1f} s inside the set: "
                f"{n} repetition{'s' if n != 1 else ''} estimated from the set's cadence "
                "and counted, without phases."
            )
        elif not g.inside_set and g.start_s < last and g.end_s > first:
            where = "start" if g.end_s <= float(rep_times[0]) else "end"
            reasons.append(
                f"The recording has a {length:.1f} s gap at {g.start_s:.1f} s, at the {where} "
                "of the set: repetitions in it could not be seen or counted."
            )
    return reasons


def _quality(
    counted: _Counted,
    rec: MotionRecording,
    n_reps: int,
    gravity_ms2: float,
    gap_reasons: list[str],
) -> MotionQuality:
    reasons: list[str] = []
    status = "good"

    def worse(level: str, why: str) -> None:
        nonlocal status
        reasons.append(why)
        order = {"good": 0, "fair": 1, "poor": 2}
        if order[level] > order[status]:
            status = level

    rate = rec.median_rate_hz
    duration = rec.duration_s
    if counted.level_ms2 < _STILL_MS2:
        worse(
            "poor",
            f"The device hardly moved ({counted.level_ms2:.2f} m/s^2; a repetition moves it by "
            f"more than {_STILL_MS2:g}): no repetitions.",
        )
    elif counted.period_s is None:
        worse("poor", "No repeating movement found: the signal cannot support a count.")
    elif counted.periodicity < 0.2:
        worse("poor", f"Weakly repeating movement (autocorrelation {counted.periodicity:.2f}).")
    elif counted.periodicity < 0.35:
        worse("fair", f"Irregular repetitions (autocorrelation {counted.periodicity:.2f}).")
    if counted.recounted:
        worse(
            "fair",
            "The strongest movement was irregular: counted along the direction that repeats "
            f"every {counted.period_s:.1f} s.",
        )
    if n_reps == 0:
        worse("poor", "No repetitions found.")
    if rate < 9.5:
        worse("fair", f"Sampling rate {rate:.1f} Hz is below 10 Hz.")
    if counted.gaps_s > 0.1 * duration:
        worse("poor", f"{counted.gaps_s:.1f} s of the recording is missing (gaps).")
    elif counted.gaps_s > 1.0:
        worse("fair", f"{counted.gaps_s:.1f} s of the recording is missing (gaps).")
    for why in gap_reasons:
        worse("fair", why)
    if counted.walking_s:
        # Information, not a fault: the count is of the set alone.
        reasons.append(
            f"{counted.walking_s:.1f} s of walking around the set left out of the count."
        )
    if gravity_ms2 < 0.5 * STANDARD_GRAVITY_MS2:
        worse("fair", "No gravity in the signal (linear acceleration only): phases less certain.")
    return MotionQuality(
        status=status,
        reasons=reasons,
        periodicity=round(counted.periodicity, 3),
        gaps_s=round(counted.gaps_s, 3),
        sfreq_hz=round(rate, 3),
    )


def _check_units(rec: MotionRecording) -> float:
    gravity = float(np.median(np.sqrt(np.sum(rec.acc_ms2**2, axis=1))))
    if 0.5 <= gravity <= 2.0:
        raise InvalidSignalError(
            f"{rec.source}: the acceleration at rest is about {gravity:.2f}, which looks like g "
            f"rather than m/s^2 (expected about {STANDARD_GRAVITY_MS2:.2f}).",
            needs="accel_units",
        )
    if gravity > 60.0:
        raise InvalidSignalError(
            f"{rec.source}: the acceleration at rest is about {gravity:.0f} m/s^2, far above "
            "gravity; the units are probably milli-g: convert to g or m/s^2."
        )
    return gravity


# A period prior outside these bounds (seconds) is no repetition period.
_PRIOR_RANGE_S = (_MIN_PERIOD_S / 2, 2 * _MAX_PERIOD_S)


def _checked_prior(prior_s: float | None) -> float | None:
    if prior_s is None:
        return None
    lo, hi = _PRIOR_RANGE_S
    if not (np.isfinite(prior_s) and lo <= prior_s <= hi):
        raise OutOfRangeError(
            "period_prior_s",
            prior_s,
            f"a repetition period prior must be a number of seconds from {lo:g} to {hi:g}",
        )
    return float(prior_s)


def analyze_motion_trace(
    rec: MotionRecording,
    *,
    concentric: Movement | None = None,
    tempo: Tempo | None = None,
    alternating: bool = False,
    params: MotionParams = DEFAULT_PARAMS,
    period_prior_s: float | None = None,
) -> tuple[MotionAnalysis, MotionTrace]:
    """Like :func:`analyze_motion`, and also return the processed signals for a plot."""
    gravity = _check_units(rec)
    counted = _count(rec, params, _checked_prior(period_prior_s))
    rate = ANALYSIS_RATE_HZ
    t = counted.t_s
    located = counted.located if counted.period_s is not None else None
    period = counted.period_s if counted.period_s is not None else _FALLBACK_PERIOD_S
    sign, note, known = _direction(concentric)
    unmeasured = np.zeros(t.size, dtype=bool)
    for g0, g1 in [*counted.gaps, *counted.walking]:
        unmeasured |= (t > g0) & (t < g1)
    position = _vertical_position(counted.acc, period, rate, params.position_low_ratio, unmeasured)
    peaks, prom = counted.peaks, counted.prominences
    if concentric is Movement.ISOMETRIC:
        peaks, prom = peaks[:0], prom[:0]
        note = "Isometric exercise: a hold has no repetitions."
    labels = _phase_labels(sign * position, rate, params)
    # The grid only interpolates across a gap, and walking is no part of a repetition: no phase
    # is measured there.
    labels[unmeasured] = 0
    windows = _windows(peaks, labels, period, rate)
    reps: list[Repetition] = []
    ranges = np.array([float(np.ptp(position[lo:hi])) for lo, hi in windows])
    # Range of motion of each repetition relative to the set's median, from the vertical travel
    # (when the device travels 5 cm or more) and from the movement-axis humps.
    vertical = ranges.size > 0 and float(np.median(ranges)) >= _MIN_VERTICAL_M
    hump_ratio = prom / np.median(prom) if prom.size else prom
    # A repetition is partial when both measures agree it is small: rotation of the wrist makes
    # the vertical travel vary on its own, and the humps mix in the neighbouring repetitions.
    sizes = np.maximum(ranges / np.median(ranges), hump_ratio) if vertical else hump_ratio
    phase_s = [np.bincount(labels[lo:hi], minlength=5) / rate for lo, hi in windows]
    if len(phase_s) > 1:
        # The last repetition's closing pause runs into re-racking: cap each of its pauses at
        # the longest of the same pause in the other repetitions.
        for pause in (_BOTTOM, _TOP):
            longest = max(float(c[pause]) for c in phase_s[:-1])
            phase_s[-1][pause] = min(float(phase_s[-1][pause]), longest)
    for k, (lo, _hi) in enumerate(windows):
        counts = phase_s[k]
        ratio = float(sizes[k])
        reps.append(
            Repetition(
                index=k + 1,
                start_s=round(float(t[lo]), 3),
                end_s=round(float(t[lo]) + float(np.sum(counts[1:])), 3),
                eccentric_s=round(float(counts[_ECC]), 3),
                bottom_pause_s=round(float(counts[_BOTTOM]), 3),
                concentric_s=round(float(counts[_CONC]), 3),
                top_pause_s=round(float(counts[_TOP]), 3),
                partial=ratio < params.partial_ratio,
                range_ratio=round(ratio, 3),
            )
        )
    confidence = "low"
    if known and reps:
        # Trust the labels only when the device really travels vertically.
        if vertical:
            confidence = "high"
        else:
            note += " The vertical travel is under 5 cm, so the phases are less certain."
    n_full = sum(1 for r in reps if not r.partial)
    full_times = np.array([t[p] for p, r in zip(peaks, reps, strict=True) if not r.partial])
    gaps = _gap_reps(counted.gaps, full_times, counted.period_s)
    in_gaps = sum(g.estimated_reps for g in gaps)
    quality = _quality(counted, rec, n_full, gravity, _gap_reasons(gaps, full_times, period))
    sides = 1
    if alternating:
        # The sensor is on one side; the other side's repetition falls in each still stretch.
        sides = 2
        note += (
            " Alternating sides: the sensor sees the repetitions of the side it is worn on "
            "(listed with their phases); the count is twice that, one either way if the set "
            "ended on the sensor's side."
        )
    analysis = MotionAnalysis(
        reps=sides * (n_full + in_gaps),
        alternating=alternating,
        partial_reps=len(reps) - n_full,
        reps_in_gaps=in_gaps,
        repetitions=reps,
        gaps=gaps,
        tut_s=round(sum(r.duration_s for r in reps), 3),
        rep_period_s=None if counted.period_s is None else round(counted.period_s, 3),
        set_start_s=reps[0].start_s if reps else None,
        set_end_s=reps[-1].end_s if reps else None,
        active_start_s=None if located is None else round(float(t[located[0]]), 3),
        active_end_s=None if located is None else round(float(t[located[1] - 1]), 3),
        counted_in_set=located is not None and counted.in_set,
        duration_s=round(rec.duration_s, 3),
        concentric=concentric,
        phase_confidence=confidence,
        phase_note=note,
        has_gyro=rec.has_gyro,
        walking_s=round(counted.walking_s, 3),
        tempo_adherence=tempo_adherence(reps, tempo) if tempo is not None else None,
        quality=quality,
    )
    in_reps = np.zeros(labels.size, dtype=np.int64)
    for lo, hi in windows:
        in_reps[lo:hi] = labels[lo:hi]
    trace = MotionTrace(
        t_s=t,
        phases=in_reps,
        acc_ms2=counted.recorded,
        movement=counted.movement,
        position=position,
        peaks_s=t[peaks],
        gaps=counted.gaps,
        walking=counted.walking,
    )
    return analysis, trace


def analyze_motion(
    rec: MotionRecording,
    *,
    concentric: Movement | None = None,
    tempo: Tempo | None = None,
    alternating: bool = False,
    params: MotionParams = DEFAULT_PARAMS,
    period_prior_s: float | None = None,
) -> MotionAnalysis:
    """Count the repetitions of one set and time their phases.

    Parameters
    ----------
    rec : MotionRecording
        Accelerometer (and optional gyroscope) samples, any orientation, 10-200 Hz.
    concentric : Movement, optional
        The exercise's concentric direction (``Exercise.concentric``). Without it the count is
        the same, and the phase labels are marked low-confidence.
    tempo : Tempo, optional
        A prescription to score the repetitions against.
    alternating : bool
        The sides take turns (``Exercise.alternating``, such as alternating dumbbell curls) and
        the sensor is on one of them: the count covers both sides, twice the repetitions seen.
    params : MotionParams
        Global settings; the defaults are used for every exercise.
    period_prior_s : float, optional
        The repetition period to expect, seconds (the prescribed tempo's, or the lifter's usual
        cadence for the exercise): it guides the period search where the signal leaves the
        choice open (a repetition of two alike halves), never the count itself. Never derive it
        from the prescribed number of repetitions.

    Returns
    -------
    MotionAnalysis
        Repetitions, phases, time under tension, tempo adherence and quality.

    Raises
    ------
    mindmuscle.errors.InvalidSignalError
        When the recording is too short, constant, or in the wrong units.
    mindmuscle.errors.OutOfRangeError
        A period prior that is not a number of seconds from 0.25 to 40.

    Examples
    --------
    >>> from mindmuscle.signals.motion.synthetic import simulate_set
    >>> rec = simulate_set(reps=6, tempo=Tempo.parse("2-0-1-1"), seed=0)
    >>> analyze_motion(rec, concentric=Movement.UP).reps
    6
    """
    return analyze_motion_trace(
        rec,
        concentric=concentric,
        tempo=tempo,
        alternating=alternating,
        params=params,
        period_prior_s=period_prior_s,
    )[0]
