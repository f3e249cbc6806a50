"""The EMG analysis models (signals/emg/models.py): what a recording's analysis holds, as JSON.

The analysis is stored with a recording and sent to the page: it comes back from JSON equal to
itself, finds its channels by name, and refuses fields it does not have.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from mindmuscle.signals.emg import EmgAnalysis, EmgRecording, analyze_emg, simulate_set

FS = 2000.0


@pytest.fixture(scope="module")
def analysis() -> EmgAnalysis:
    rng = np.random.default_rng(0)
    target, _ = simulate_set(5, FS, rng=rng)
    helper, _ = simulate_set(5, FS, amplitude=0.25, rng=rng)
    rec = EmgRecording(np.stack([target, helper]), FS, ("biceps", "brachioradialis"), ("mV", "mV"))
    return analyze_emg(rec, target="biceps", synergists=["brachioradialis"]).analysis


def test_an_analysis_comes_back_from_json_equal_to_itself(analysis: EmgAnalysis) -> None:
    back = EmgAnalysis.model_validate_json(analysis.model_dump_json())
    assert back == analysis
    assert (back.target, back.synergists, back.n_reps) == ("biceps", ["brachioradialis"], 5)
    assert back.sfreq_hz == FS and back.rep_source == "emg"


def test_channels_are_found_by_name(analysis: EmgAnalysis) -> None:
    biceps = analysis.channel("biceps")
    assert (biceps.name, biceps.role, biceps.unit) == ("biceps", "target", "mV")
    assert [r.rep for r in biceps.reps] == [1, 2, 3, 4, 5]
    assert analysis.channel("brachioradialis").role == "synergist"
    with pytest.raises(KeyError, match="triceps"):
        analysis.channel("triceps")
    # Without an MVC each channel is normalised to its own peak, so two channels of the same
    # shape at different amplitudes have a ratio of 1 (to 10 %), the raw amplitude half.
    (ratio,) = analysis.ratios
    assert ratio.synergist == "brachioradialis"
    assert ratio.ratio == pytest.approx(1.0, rel=0.1)
    helper = analysis.channel("brachioradialis")
    assert helper.reference_amplitude / biceps.reference_amplitude == pytest.approx(0.5, rel=0.2)


def test_the_models_are_frozen_and_refuse_unknown_fields(analysis: EmgAnalysis) -> None:
    with pytest.raises(ValidationError, match="frozen"):
        analysis.n_reps = 3  # type: ignore[misc]
    data = analysis.model_dump() | {"mood": "tired"}
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        EmgAnalysis.model_validate(data)
