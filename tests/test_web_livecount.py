"""The phone's live count (static/js/livecount.js) uses the same constants as MotionStream."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from scipy import signal

from mindmuscle.signals.motion import stream

JS = Path(stream.__file__).resolve().parents[2] / "web" / "static" / "js" / "livecount.js"


def _js_value(name: str) -> str:
    match = re.search(rf"export const {name} = (.+);", JS.read_text(encoding="utf-8"))
    assert match, f"{name} not found in {JS.name}"
    return match.group(1)


def _js_array(name: str) -> np.ndarray:
    return np.array([float(v) for v in _js_value(name).strip("[]").split(",")])


def test_filter_matches_the_python_live_counter() -> None:
    b, a = signal.butter(stream._LIVE_ORDER, stream._LIVE_BAND_HZ, btype="bandpass", fs=25.0)
    np.testing.assert_allclose(_js_array("LIVE_B"), b, rtol=0, atol=1e-15)
    np.testing.assert_allclose(_js_array("LIVE_A"), a, rtol=0, atol=1e-15)
    np.testing.assert_allclose(_js_array("LIVE_ZI"), signal.lfilter_zi(b, a), rtol=0, atol=1e-15)
    np.testing.assert_allclose(stream._LIVE_FILTER[0], b)


def test_counting_settings_match_the_python_live_counter() -> None:
    assert float(_js_value("LIVE_THRESHOLD")) == stream._LIVE_THRESHOLD
    assert float(_js_value("LIVE_MEMORY_S")) == stream._LIVE_MEMORY_S
    assert float(_js_value("LIVE_MIN_REP_S")) == stream._LIVE_MIN_REP_S
    assert float(_js_value("LIVE_MIN_AMPLITUDE_MS2")) == stream._LIVE_MIN_AMPLITUDE_MS2
    assert float(_js_value("LIVE_UPDATE_S")) == stream._LIVE_UPDATE_S
