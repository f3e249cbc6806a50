"""Shared fixtures: the real data folder, read in place and skipped when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("MINDMUSCLE_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or ``$MINDMUSCLE_SHARED_DATA``); skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent; these tests read it in place")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _private_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own empty data folder and no database URL from the environment.

    A database that a person made by hand in the default data folder (or a URL exported in the
    shell) must never change what a test sees; tests that want a database say which.
    """
    from mindmuscle.config import get_settings

    monkeypatch.setenv("MINDMUSCLE_DATA_DIR", str(tmp_path_factory.mktemp("data-dir")))
    monkeypatch.delenv("MINDMUSCLE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
