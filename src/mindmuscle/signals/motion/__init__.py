"""Motion analysis: repetitions, phases, time under tension and tempo from a worn sensor."""

from mindmuscle.signals.motion.analysis import (
    DEFAULT_PARAMS,
    MotionParams,
    analyze_motion,
    analyze_motion_trace,
)
from mindmuscle.signals.motion.models import (
    PHASE_NAMES,
    STANDARD_GRAVITY_MS2,
    MotionAnalysis,
    MotionQuality,
    MotionRecording,
    MotionTrace,
    PhaseDifferences,
    RecordingGap,
    Repetition,
    RushFlag,
    TempoAdherence,
)
from mindmuscle.signals.motion.stream import MotionStream
from mindmuscle.signals.motion.synthetic import simulate_set, simulate_walking
from mindmuscle.signals.motion.tempo import RUSH_MIN_PRESCRIBED_S, RUSH_RATIO, tempo_adherence

__all__ = [
    "DEFAULT_PARAMS",
    "PHASE_NAMES",
    "RUSH_MIN_PRESCRIBED_S",
    "RUSH_RATIO",
    "STANDARD_GRAVITY_MS2",
    "MotionAnalysis",
    "MotionParams",
    "MotionQuality",
    "MotionRecording",
    "MotionStream",
    "MotionTrace",
    "PhaseDifferences",
    "RecordingGap",
    "Repetition",
    "RushFlag",
    "TempoAdherence",
    "analyze_motion",
    "analyze_motion_trace",
    "simulate_set",
    "simulate_walking",
    "tempo_adherence",
]
