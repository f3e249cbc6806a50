"""BrainFlow boards: the synthetic board, a playback file, and real boards by id and address.

``brainflow:BOARD[:ADDRESS]``: BOARD is BrainFlow's id (``0`` Cyton, ``-1`` synthetic) or name
(``cyton``, ``ganglion``, ``synthetic``, ``callibri_emg``...); ADDRESS is a serial port
(``/dev/ttyUSB0``, ``COM3``), a Bluetooth MAC address or an IP address, whichever the board
needs. ``brainflow:playback:FILE`` replays a file written by BrainFlow (recorded from the
synthetic board unless ``MASTER`` is given as ``brainflow:playback:FILE@MASTER``).
"""

from __future__ import annotations

import contextlib
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from mindmuscle.errors import InvalidInputError, StreamError
from mindmuscle.io.live import Chunk, address_kind
from mindmuscle.signals.emg.gaps import GapClock

__all__ = ["BrainFlowSource", "board_id_of", "check_board"]

_POLL_S = 0.005
_CHUNK_S = 0.01


# BrainFlow finds its native library through pkg_resources on first use and warns that this
# is deprecated: a note for BrainFlow's developers, not for a lifter.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)


def _brainflow() -> Any:
    """brainflow's board module, imported when a board is used."""
    from brainflow import board_shim

    return board_shim


def board_id_of(board: str) -> int:
    """BrainFlow's board id for a number or a name (``cyton`` or ``CYTON_BOARD``).

    Raises
    ------
    InvalidInputError
        The board is not one BrainFlow knows (the message lists some it does).
    """
    board_ids = _brainflow().BoardIds
    text = board.strip()
    if text.lstrip("-").isdigit():
        value = int(text)
        if value not in {b.value for b in board_ids}:
            raise InvalidInputError(
                f"BrainFlow has no board id {value}: use e.g. -1 (synthetic), 0 (Cyton), "
                "1 (Ganglion), 2 (Cyton Daisy), or the board's name."
            )
        return value
    key = text.upper().replace("-", "_")
    for name in (key, f"{key}_BOARD", key.removesuffix("_FILE") + "_FILE_BOARD"):
        if name in board_ids.__members__:
            return int(board_ids[name].value)
    some = ", ".join(n.removesuffix("_BOARD").lower() for n in list(board_ids.__members__)[4:12])
    raise InvalidInputError(
        f"BrainFlow has no board {board!r}: give its id or name, e.g. synthetic, playback, "
        f"{some} (see BrainFlow's list of supported boards)."
    )


def check_board(board: str, address: str | None) -> None:
    """Refuse a board BrainFlow does not have, or a playback file that does not exist, before
    anything is opened.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        With what was given and what is allowed.
    """
    board_id = board_id_of(board)
    if board_id == _brainflow().BoardIds.PLAYBACK_FILE_BOARD.value and address:
        file = address.partition("@")[0]
        if not Path(file).is_file():
            raise InvalidInputError(
                f"brainflow:playback:{file}: no such file (check the path); give a file "
                "BrainFlow wrote, as brainflow:playback:FILE[@MASTER]."
            )


class BrainFlowSource:
    """The EMG channels of a BrainFlow board, streamed (timestamps in Unix seconds)."""

    def __init__(self, board: str, address: str | None = None) -> None:
        bf = _brainflow()
        BoardIds, BoardShim, BrainFlowInputParams = (  # noqa: N806 - BrainFlow's class names
            bf.BoardIds,
            bf.BoardShim,
            bf.BrainFlowInputParams,
        )
        from brainflow.exit_codes import BrainFlowError

        BoardShim.disable_board_logger()
        board_id = board_id_of(board)
        params = BrainFlowInputParams()
        data_board = board_id
        if board_id == BoardIds.PLAYBACK_FILE_BOARD.value:
            if not address:
                raise InvalidInputError(
                    "brainflow:playback needs the file: brainflow:playback:FILE[@MASTER]."
                )
            file, _, master = address.partition("@")
            check_board(board, address)
            params.file = file
            data_board = board_id_of(master) if master else BoardIds.SYNTHETIC_BOARD.value
            params.master_board = data_board
        elif address:
            setattr(params, address_kind(address), address)
        try:
            rows = BoardShim.get_emg_channels(data_board)
        except BrainFlowError:
            rows = BoardShim.get_exg_channels(data_board)
        self._rows = list(rows)
        self._ts_row = BoardShim.get_timestamp_channel(data_board)
        # The board's sample counter (0-255, wrapping) tells lost samples exactly; BrainFlow's
        # timestamps are taken when a packet arrives, so they jitter too much to tell.
        self._count_row = BoardShim.get_package_num_channel(data_board)
        self._last_count: int | None = None
        self.sfreq_hz = float(BoardShim.get_sampling_rate(data_board))
        # The counter places the lost samples; the arrival times, smoothed, give the rest.
        self._clock = GapClock(self.sfreq_hz, counter_wrap=256)
        self._chunk = max(1, round(_CHUNK_S * self.sfreq_hz))
        self.labels = [f"{i + 1}" for i in range(len(self._rows))]
        self.unit = "uV"
        self._shim: Any = BoardShim(board_id, params)
        where = f" at {address}" if address else ""
        self.description = (
            f"BrainFlow {BoardShim.get_board_descr(data_board).get('name', board)}{where} "
            f"({len(self._rows)} EMG channels, {self.sfreq_hz:g} Hz)"
        )
        try:
            self._shim.prepare_session()
            self._shim.start_stream()
        except BrainFlowError as exc:
            self._release()
            raise StreamError(
                f"BrainFlow cannot open board {board!r}{where} ({exc}); check that it is on, "
                "paired or plugged in, and that the port or address is right."
            ) from None

    def read(self, timeout_s: float) -> Chunk:
        from brainflow.exit_codes import BrainFlowError

        deadline = time.monotonic() + timeout_s
        try:
            while self._shim.get_board_data_count() < self._chunk and time.monotonic() < deadline:
                time.sleep(_POLL_S)
            table = self._shim.get_board_data()
        except BrainFlowError as exc:
            raise StreamError(f"the BrainFlow board stopped streaming ({exc})") from None
        data = np.ascontiguousarray(table[self._rows], dtype=np.float64)
        ts = np.asarray(table[self._ts_row], dtype=np.float64)
        counts = table[self._count_row].astype(np.int64)
        dropped = 0
        if counts.size:
            prev = counts[0] - 1 if self._last_count is None else self._last_count
            lost = np.maximum(np.diff(counts, prepend=prev) % 256 - 1, 0)
            self._last_count = int(counts[-1])
            before = self._clock.missing
            ts = self._clock.stamp(ts, lost)
            # What the counter lost, and the whole turns of it that the times show (a gap of
            # 256 samples or more leaves the counter where it was).
            dropped = self._clock.missing - before
        return Chunk(data, ts, dropped)

    def local_clock(self) -> float:
        return time.time()

    def _release(self) -> None:
        with contextlib.suppress(Exception):  # closing a board that failed to open
            if self._shim.is_prepared():
                self._shim.release_session()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a board that already stopped
            self._shim.stop_stream()
        self._release()
