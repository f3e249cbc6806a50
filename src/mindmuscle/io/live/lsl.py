"""Lab Streaming Layer inlets: resolve a stream by name or type, pull chunks with timestamps."""

from __future__ import annotations

import contextlib
from typing import Literal

import numpy as np

from mindmuscle.errors import StreamError
from mindmuscle.io.live import Chunk
from mindmuscle.signals.emg.gaps import GapClock

__all__ = ["LslSource"]

_MAX_CHUNK = 8192
_quiet = False


def _quiet_logging(pylsl: object) -> None:
    """liblsl logs to stderr by default; the view says what matters (lost, stalled) itself."""
    global _quiet
    if not _quiet:
        _quiet = True
        with contextlib.suppress(Exception):  # an old liblsl without it just stays chatty
            pylsl.set_config_content("[log]\nlevel = -3\n")  # type: ignore[attr-defined]


class LslSource:
    """An LSL inlet on the first stream whose name (else type) is ``name``.

    Timestamps are mapped to this machine's LSL clock (clock sync), so they compare with
    :meth:`local_clock`, and smoothed by a :class:`~mindmuscle.signals.emg.gaps.GapClock`, not
    by liblsl: its smoothing fits one line through every sample, so after the sending app
    paused, the samples got the times of those that never came (no gap seen, and the time ran
    backwards). A stream whose outlet disappears raises :class:`~mindmuscle.errors.StreamError`
    from :meth:`read`.
    """

    def __init__(
        self, name: str, *, timeout_s: float = 5.0, smoothing: Literal["gaps", "liblsl"] = "gaps"
    ) -> None:
        import pylsl

        self._lsl = pylsl
        _quiet_logging(pylsl)
        found = pylsl.resolve_byprop("name", name, minimum=1, timeout=timeout_s)
        if not found:
            found = pylsl.resolve_byprop("type", name, minimum=1, timeout=min(1.0, timeout_s))
        if not found:
            others = sorted({f"{s.name()} ({s.type()})" for s in pylsl.resolve_streams(0.5)})
            seen = f"streams seen: {', '.join(others)}" if others else "no LSL stream is visible"
            raise StreamError(
                f"no LSL stream named or of type {name!r} within {timeout_s:g} s ({seen}); "
                "start the sending app, and check that it is on this network."
            )
        info = found[0]
        rate = float(info.nominal_srate())
        if rate <= 0:
            raise StreamError(
                f"the LSL stream {info.name()!r} has no regular sampling rate (irregular "
                "streams such as markers are not EMG); choose an EMG stream."
            )
        flags = pylsl.proc_clocksync
        if smoothing == "liblsl":  # the way before the gap clock (the benchmark compares them)
            flags |= pylsl.proc_dejitter | pylsl.proc_monotonize
        self._inlet = pylsl.StreamInlet(info, max_buflen=60, recover=False, processing_flags=flags)
        full = self._inlet.info(timeout=timeout_s)
        n = full.channel_count()
        labels = full.get_channel_labels() or []
        self.labels = [
            (lab or f"{i + 1}") for i, lab in enumerate(labels[:n] + [""] * (n - len(labels)))
        ]
        units = full.get_channel_units() or []
        self.unit = units[0] if units and units[0] else "uV"
        self.sfreq_hz = rate
        self.description = f"LSL stream {info.name()!r} ({info.type()}, {n} channels, {rate:g} Hz)"
        # The data stream opens at the first read: samples buffered before the lifter's first
        # frame would only show up late.
        self._opened = False
        self._open_timeout_s = timeout_s
        self._n = n
        self._clock = GapClock(rate) if smoothing == "gaps" else None

    def read(self, timeout_s: float) -> Chunk:
        # liblsl's pull_chunk with a timeout waits for the whole buffer (or the timeout): a
        # chunk would lag by the timeout. So: wait for one sample, then take what is there.
        if not self._opened:
            self._inlet.open_stream(timeout=self._open_timeout_s)
            self._opened = True
        try:
            samples, ts = self._inlet.pull_chunk(timeout=0.0, max_samples=_MAX_CHUNK, as_numpy=True)
            if not len(ts):
                first, t_first = self._inlet.pull_sample(timeout=timeout_s)
                if t_first is None:
                    return Chunk(np.zeros((self._n, 0)), np.zeros(0))
                more, ts_more = self._inlet.pull_chunk(
                    timeout=0.0, max_samples=_MAX_CHUNK, as_numpy=True
                )
                rows = [np.asarray(first, dtype=np.float64).reshape(1, self._n)]
                if len(ts_more):
                    rows.append(np.asarray(more, dtype=np.float64).reshape(-1, self._n))
                samples = np.concatenate(rows)
                ts = np.concatenate([[t_first], np.asarray(ts_more, dtype=np.float64)])
        except self._lsl.util.LostError:
            raise StreamError(
                "the LSL stream was lost (its sending app stopped or the network dropped)"
            ) from None
        data = np.asarray(samples, dtype=np.float64).reshape(len(ts), self._n)
        times = np.asarray(ts, dtype=np.float64) if self._clock is None else self._clock.stamp(ts)
        return Chunk(np.ascontiguousarray(data.T), times)

    def local_clock(self) -> float:
        return float(self._lsl.local_clock())

    def close(self) -> None:
        self._inlet.close_stream()
