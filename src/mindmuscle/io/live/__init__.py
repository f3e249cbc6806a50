"""Live EMG sources: Lab Streaming Layer inlets, BrainFlow boards, and a simulated stream.

Every source gives the same three things: the stream's sampling rate, its channel labels and
unit, and :meth:`LiveSource.read`, which returns the next chunk of samples with their
timestamps (an empty chunk when nothing arrived within the timeout) and raises
:class:`~mindmuscle.errors.StreamError` when the stream is gone. ``local_clock()`` is the clock
the timestamps are in, so the latency from a sample to a frame can be measured.

::

    source = open_source("lsl:MyoWare")          # or "brainflow:synthetic", "synthetic"
    chunk = source.read(timeout_s=0.05)           # chunk.data: (n_channels, n_samples)
    source.close()

pylsl and brainflow are imported only when a source of theirs is opened (they load native
libraries; ``mindmuscle --help`` must not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import InvalidInputError

__all__ = ["Chunk", "LiveSource", "SourceSpec", "open_source", "parse_source"]

_MAC = re.compile(r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$")
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$")


@dataclass(frozen=True)
class Chunk:
    """Samples of every channel, shape (n_channels, n_samples), and one timestamp each (s)."""

    data: npt.NDArray[np.float64]
    timestamps: npt.NDArray[np.float64]
    dropped: int | None = None
    """Samples the source knows were lost before this chunk (None: judge from timestamps)."""

    @property
    def n_samples(self) -> int:
        return int(self.timestamps.size)


class LiveSource(Protocol):
    """What every live source offers (see the module docstring)."""

    description: str
    sfreq_hz: float
    labels: list[str]
    unit: str

    def read(self, timeout_s: float) -> Chunk: ...

    def local_clock(self) -> float: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SourceSpec:
    """A parsed ``--source``: ``kind`` is lsl, brainflow or synthetic."""

    kind: str
    name: str = ""
    address: str | None = None


def parse_source(text: str) -> SourceSpec:
    """Parse ``lsl:NAME``, ``brainflow:BOARD[:ADDRESS]`` or ``synthetic``.

    Examples
    --------
    >>> parse_source("brainflow:cyton:/dev/ttyUSB0")
    SourceSpec(kind='brainflow', name='cyton', address='/dev/ttyUSB0')
    >>> parse_source("lsl:Delsys EMG")
    SourceSpec(kind='lsl', name='Delsys EMG', address=None)
    """
    allowed = "lsl:NAME (a stream's name or type), brainflow:BOARD[:ADDRESS], or synthetic"
    kind, sep, rest = text.strip().partition(":")
    kind = kind.lower()
    if kind == "synthetic" and not sep:
        return SourceSpec("synthetic")
    if kind == "lsl" and rest.strip():
        return SourceSpec("lsl", rest.strip())
    if kind == "brainflow" and rest.strip():
        board, _, address = rest.partition(":")
        return SourceSpec("brainflow", board.strip().lower(), address.strip() or None)
    raise InvalidInputError(f"--source {text!r} is not a source: give {allowed}.")


def address_kind(address: str) -> str:
    """How BrainFlow should take an address: ``mac_address``, ``ip_address`` or ``serial_port``.

    Examples
    --------
    >>> address_kind("F0:12:34:56:78:9A"), address_kind("192.168.4.1"), address_kind("COM3")
    ('mac_address', 'ip_address', 'serial_port')
    """
    if _MAC.match(address):
        return "mac_address"
    if _IP.match(address):
        return "ip_address"
    return "serial_port"


def open_source(text: str | SourceSpec, *, timeout_s: float = 5.0) -> LiveSource:
    """Open the source a ``--source`` names (resolving an LSL stream waits up to ``timeout_s``)."""
    spec = parse_source(text) if isinstance(text, str) else text
    if spec.kind == "lsl":
        from mindmuscle.io.live.lsl import LslSource

        return LslSource(spec.name, timeout_s=timeout_s)
    if spec.kind == "brainflow":
        from mindmuscle.io.live.board import BrainFlowSource

        return BrainFlowSource(spec.name, spec.address)
    from mindmuscle.io.live.synthetic import SyntheticSource

    return SyntheticSource()
