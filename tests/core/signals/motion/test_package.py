"""The motion package (signals/motion/__init__.py): its public API."""

from __future__ import annotations


def test_public_api_is_complete() -> None:
    import importlib

    import mindmuscle.signals.motion as motion

    assert len(set(motion.__all__)) == len(motion.__all__)
    for name in motion.__all__:
        assert hasattr(motion, name)
    for sub in ("analysis", "models", "stream", "tempo"):
        module = importlib.import_module(f"mindmuscle.signals.motion.{sub}")
        missing = set(module.__all__) - set(motion.__all__)
        assert not missing, f"{sub} exports {missing} that the package does not re-export"
