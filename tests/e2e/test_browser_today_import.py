"""Today at 390x844 after importing a workout log on the import page: the plan suggests the
exercises the export shows the lifter trains, with loads from their imported working sets, and
says it took them from the imported history."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import Server
from tests.e2e.test_browser_workout import first_run, look
from tests.test_plan_imported import NOW, OLDER, _hevy

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def test_today_plans_from_an_imported_log(page, server: Server, tmp_path: Path) -> None:
    # The synthetic export of the service tests, its workouts 14 and 7 days before today.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    export = _hevy(tmp_path / "hevy.csv", {now - (NOW - at): rows for at, rows in OLDER.items()})
    first_run(page)
    page.goto("/import")
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#import-file", str(export))
    page.click("#import-preview")
    page.wait_for_selector("#import-report:not([hidden])")
    page.click("#import-confirm")
    page.wait_for_selector("#import-done:not([hidden])")
    assert page.inner_text("#done-title") == "Imported 24 sets"

    page.goto("/today")
    page.wait_for_selector("#readiness-form")
    page.click("#skip-readiness")
    page.wait_for_selector("#start-session")
    cards = page.locator("article.card[data-exercise]")
    assert [cards.nth(i).get_attribute("data-exercise") for i in range(cards.count())] == [
        "barbell_curl",
        "leg_press",
        "dumbbell_bench_press",
        "pull_up",
    ]
    loads = page.locator("article.card .kv div:nth-child(2) b").all_inner_texts()
    assert loads == ["25 kg", "110 kg", "26 kg", "body weight"]
    curl = page.locator("article[data-exercise=barbell_curl]")
    assert curl.locator("h3").inner_text() == "Barbell Curl"
    curl.locator("summary").click()
    why = curl.locator("ul.why").inner_text()
    assert "Barbell Curl is the isolation exercise for Biceps you do most (6 sets from your " in why
    assert "imported history)" in why
    assert "Load 25 kg = 62.9% of an e1RM of 39.74 kg (estimated by brzycki from your " in why
    assert "Zorb" not in page.inner_text("main")
    own = curl.locator("li", has_text="you do most")
    own.evaluate("li => li.scrollIntoView({block: 'center'})")
    look(page, "today-imported")
    assert page.errors == []
