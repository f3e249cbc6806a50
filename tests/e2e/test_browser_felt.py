"""Felt versus measured on a phone: the history row says "felt 5/10, measured 60% MVC", Progress
lists the relations and the body map marks the muscle whose feeling and EMG disagree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, shot, start_server, stop_server
from tests.test_felt_display import build_history

pytestmark = pytest.mark.browser
pytest.importorskip("pyxdf")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("e2e-felt")
    from typer.testing import CliRunner

    from mindmuscle.cli import app

    url = f"sqlite:///{tmp / 'e2e.db'}"
    assert CliRunner().invoke(app, ["init", "--no-input", "--db", url]).exit_code == 0
    build_history(Path(tmp / "e2e.db")).close()
    srv = start_server(tmp)
    yield srv
    stop_server(srv)


def test_progress_marks_the_disagreeing_muscle_and_lists_relations(page, server: Server) -> None:
    page.goto("/progress")
    legend = page.locator("#disagree-legend")
    legend.wait_for()
    assert "Biceps" in legend.inner_text()
    marked = page.locator("#connmap .m.disagree")
    assert marked.count() == 2  # the biceps, left and right
    assert {marked.nth(i).get_attribute("data-muscle") for i in range(2)} == {"biceps"}
    # The dashed outline is drawn (the style reached the shape).
    dash = marked.first.evaluate("e => getComputedStyle(e).strokeDasharray")
    assert dash not in ("", "none")
    shot(page, "felt-progress-map")
    card = page.locator("#felt-measured")
    card.scroll_into_view_if_needed()
    text = card.inner_text()
    assert "no relation found over 9 sets" in text
    assert "not enough sets yet: 3 of 8 sets" in text
    shot(page, "felt-progress-relations")
    assert not page.errors  # type: ignore[attr-defined]


def test_history_row_shows_felt_beside_measured(page, server: Server) -> None:
    page.goto("/history")
    page.locator("details.workout").first.wait_for()
    page.locator("details.workout summary").first.click()
    rows = page.locator(".set-row")
    rows.first.wait_for()
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    with_emg = [t for t in texts if "measured" in t]
    assert len(with_emg) == 12, texts
    assert all(re.search(r"felt \d+/10, measured \d+% MVC", t) for t in with_emg)
    assert any("felt 9/10" in t and "measured" not in t for t in texts)  # the set without EMG
    page.locator(".set-row").filter(has_text="measured").first.scroll_into_view_if_needed()
    shot(page, "felt-history-rows")
    assert not page.errors  # type: ignore[attr-defined]
