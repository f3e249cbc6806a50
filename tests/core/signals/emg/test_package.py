"""The EMG package (signals/emg/__init__.py): its public API."""

from __future__ import annotations

import mindmuscle.signals.emg as emg


def test_public_api_is_complete() -> None:
    public = {
        name
        for name in dir(emg)
        if not name.startswith("_") and name not in {"annotations"} and not _is_module(name)
    }
    assert public == set(emg.__all__)
    assert emg.__all__ == sorted(emg.__all__)


def _is_module(name: str) -> bool:
    return type(getattr(emg, name)).__name__ == "module"
