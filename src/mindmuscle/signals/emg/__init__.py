"""Surface EMG analysis: filters, envelopes, onsets, repetitions, features, quality, streaming.

Arrays are shaped (n_channels, n_samples), float32 or float64. Start with
:func:`analyze_emg` on an :class:`EmgRecording`; the building blocks are exported too.

Warnings: :class:`BandNarrowedWarning` when the sampling rate is too low for the default
20-450 Hz band (the band is narrowed to 0.9 x Nyquist).
"""

from mindmuscle.signals.emg.features import (
    FatigueSlopes,
    WindowFeatures,
    fatigue_slopes,
    left_right_pairs,
    mean_median_frequency,
    reference_window_features,
    spectral_moments,
)
from mindmuscle.signals.emg.filters import (
    BandNarrowedWarning,
    BlockFilter,
    bandpass,
    causal_filter,
    design_emg_sos,
    linear_envelope,
    moving_rms,
    notch,
    rectify,
    remove_dc,
    resolve_band,
)
from mindmuscle.signals.emg.models import (
    Balance,
    Burst,
    ChannelQuality,
    ChannelResult,
    EmgAnalysis,
    FatigueTrend,
    RepFeatures,
    SynergistRatio,
)
from mindmuscle.signals.emg.onsets import burst_thresholds, detect_bursts
from mindmuscle.signals.emg.pipeline import EmgResult, ProcessedEmg, analyze_emg, process_emg
from mindmuscle.signals.emg.quality import assess_quality
from mindmuscle.signals.emg.recording import EmgRecording, EmgUnit, parse_emg_unit
from mindmuscle.signals.emg.reps import repetitions_from_motion
from mindmuscle.signals.emg.simulate import simulate_emg, simulate_set
from mindmuscle.signals.emg.streaming import StreamingEnvelope, StreamingFilter, causal_envelope

__all__ = [
    "Balance",
    "BandNarrowedWarning",
    "BlockFilter",
    "Burst",
    "ChannelQuality",
    "ChannelResult",
    "EmgAnalysis",
    "EmgRecording",
    "EmgResult",
    "EmgUnit",
    "FatigueSlopes",
    "FatigueTrend",
    "ProcessedEmg",
    "RepFeatures",
    "StreamingEnvelope",
    "StreamingFilter",
    "SynergistRatio",
    "WindowFeatures",
    "analyze_emg",
    "assess_quality",
    "bandpass",
    "burst_thresholds",
    "causal_envelope",
    "causal_filter",
    "design_emg_sos",
    "detect_bursts",
    "fatigue_slopes",
    "left_right_pairs",
    "linear_envelope",
    "mean_median_frequency",
    "moving_rms",
    "notch",
    "parse_emg_unit",
    "process_emg",
    "rectify",
    "reference_window_features",
    "remove_dc",
    "repetitions_from_motion",
    "resolve_band",
    "simulate_emg",
    "simulate_set",
    "spectral_moments",
]
