"""Typed results of an EMG analysis (what the CLI prints as JSON and the web app shows)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Balance",
    "Burst",
    "ChannelQuality",
    "ChannelResult",
    "EmgAnalysis",
    "FatigueTrend",
    "RepFeatures",
    "SynergistRatio",
]

Normalisation = Literal["mvc", "reference", "task_peak"]
Role = Literal["target", "synergist", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChannelQuality(_Model):
    """Signal quality checks of one channel; ``issues`` lists every failed check in words."""

    flat_line: bool = Field(description="the channel hardly changes (disconnected or saturated)")
    clipping_pct: float = Field(description="samples at the channel's extreme values, percent")
    clipping: bool
    mains_hz: float | None = Field(description="50 or 60 when that line is the stronger one")
    mains_ratio: float = Field(description="power within 2 Hz of the mains line(s) / band power")
    mains_noise: bool
    low_freq_ratio: float = Field(description="power 1-15 Hz / power in the EMG band")
    motion_artefact: bool
    snr_db: float = Field(description="activity level over rest level of the envelope, dB")
    low_snr: bool
    low_rate: bool = Field(default=False, description="sampled under 500 Hz")
    implausible_amplitude: bool = Field(
        default=False, description="RMS over 5 mV: not in the unit given (raw counts?)"
    )
    issues: list[str]


class Burst(_Model):
    """One period of muscle activity (onset to offset)."""

    onset_s: float
    offset_s: float


class RepFeatures(_Model):
    """Features of one channel during one repetition.

    Amplitudes are in the channel's unit; ``*_pct`` are normalised (see the channel's
    ``normalisation``); ``iemg`` is in unit x seconds.
    """

    rep: int
    start_s: float
    end_s: float
    peak: float
    mean: float
    peak_pct: float
    mean_pct: float
    iemg: float
    rms: float
    mean_freq_hz: float | None
    median_freq_hz: float | None


class FatigueTrend(_Model):
    """Trends over the repetitions of a set: RMS rising and median frequency falling.

    ``fatigue_signs`` needs both directions and one of the slopes at p < 0.05.
    """

    channel: str
    n_reps: int
    rms_slope_pct_per_rep: float | None
    median_freq_slope_hz_per_rep: float | None
    median_freq_slope_pct_per_rep: float | None
    rms_slope_p: float | None = None
    median_freq_slope_p: float | None = None
    fatigue_signs: bool


class SynergistRatio(_Model):
    """Mean normalised activation of the target divided by that of one synergist."""

    synergist: str
    ratio: float | None


class Balance(_Model):
    """Left/right balance of one muscle: the left side's share of their summed activation.

    ``basis`` says what is compared: each side's mean envelope over its own maximal (``"mvc"``)
    or reference contraction (``"reference"``) when both sides have one, else the raw amplitude
    in the recording's units (``"raw"``: electrodes and skin differ between sides, so it is a
    rough guide). Each side's own peak in the set is never the basis: it would make every
    balance about even.
    """

    muscle: str
    left: str
    right: str
    left_share_pct: float | None
    basis: Literal["mvc", "reference", "raw"] = "raw"


class ChannelResult(_Model):
    """Everything found on one channel."""

    name: str
    unit: str
    role: Role
    normalisation: Normalisation
    reference_amplitude: float = Field(description="the 100 % of *_pct, in the channel's unit")
    quality: ChannelQuality
    bursts: list[Burst]
    reps: list[RepFeatures]


class EmgAnalysis(_Model):
    """The analysis of one recording (one set)."""

    sfreq_hz: float
    n_samples: int
    duration_s: float
    band_hz: tuple[float, float]
    mains_notch_hz: float | None
    envelope_rate_hz: float
    envelope_cutoff_hz: float
    target: str
    synergists: list[str]
    rep_source: Literal["emg", "motion"]
    n_reps: int
    channels: list[ChannelResult]
    ratios: list[SynergistRatio]
    balance: list[Balance]
    fatigue: list[FatigueTrend]
    warnings: list[str]

    def channel(self, name: str) -> ChannelResult:
        """The result of channel ``name`` (KeyError when absent)."""
        for ch in self.channels:
            if ch.name == name:
                return ch
        raise KeyError(name)
