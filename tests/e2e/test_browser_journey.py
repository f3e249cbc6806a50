"""The journey of a lifter who brings a log: import a real Hevy export -> Today plans loads from
it (not the empty bar) -> a set at a changed load -> reflection -> History shows it -> edit it
-> Progress and e1RM follow. Values are checked through the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import SPEED, rate_target

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def e1rm_now(srv: Server, exercise_id: str) -> float | None:
    data = srv.http.get("/api/progress").json()
    series = next(e for e in data["exercises"] if e["exercise_id"] == exercise_id)
    value: float | None = series["e1rm_kg"][-1]
    return value


def test_import_plan_lift_edit_and_progress_follows(
    page,
    server: Server,
    shared_data: Path,
) -> None:
    export = shared_data / "logs" / "hevyconnect" / "workouts.csv"
    page.goto("/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    page.goto("/import")
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#import-file", str(export))
    page.click("#import-preview")
    page.wait_for_selector("#import-report:not([hidden])")
    page.click("#import-confirm")
    page.wait_for_selector("#import-done:not([hidden])")
    # Today plans from the imported history.
    page.goto("/today")
    page.click("#readiness-form button[type=submit]")
    page.wait_for_selector("#start-session")
    plan = server.http.get("/api/sessions/active").json()["session"]["plan"]["exercises"]
    from_history = [p for p in plan if p["load_source"] == "history"]
    assert from_history, [(p["exercise_id"], p["load_source"]) for p in plan]
    shot(page, "32-journey-today")
    # The first planned exercise, one step heavier than planned, 8 reps, felt 6.
    first = plan[0]
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    planned = float(page.input_value("#reflect-load") or 0)
    page.click("#load-plus")
    lifted = float(page.input_value("#reflect-load"))
    assert lifted > planned
    page.fill("#reflect-reps", "8")
    rate_target(page, "6")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("document.getElementById('sync').hidden")
    mine = [s for s in server.sets() if s["source"] != "import"]
    assert len(mine) == 1
    assert (mine[0]["exercise_id"], mine[0]["reps"]) == (first["exercise_id"], 8)
    assert mine[0]["load_kg"] == pytest.approx(lifted)
    before = e1rm_now(server, first["exercise_id"])
    # History shows it first; a correction to 12 reps moves e1RM.
    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    newest = page.locator("details.workout").first
    newest.locator("summary").click()
    row = page.locator(f"#set-{mine[0]['id']}")
    assert "8 × " in row.inner_text()
    row.locator("button:has-text('Edit')").click()
    page.fill("#edit-reps", "12")
    page.click("#set-form button[type=submit]")
    page.wait_for_function(
        f"document.getElementById('set-{mine[0]['id']}').textContent.includes('12 × ')"
    )
    shot(page, "33-journey-history-edited")
    edited = next(s for s in server.sets() if s["id"] == mine[0]["id"])
    assert edited["reps"] == 12
    after = e1rm_now(server, first["exercise_id"])
    if lifted > 0:
        assert before is not None and after is not None
        assert after > before  # this week holds only this set: 12 reps beat 8 at the same load
    page.goto("/progress")
    page.wait_for_function("document.body.dataset.chartsReady === '1'")
    assert int(page.inner_text("#total-sets")) >= 1923
    assert page.errors == []
