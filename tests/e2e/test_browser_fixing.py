"""A set the server refused waits on the phone as "needs fixing"; fixing one field and sending
it again stores every other value exactly as the lifter gave it."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan

pytestmark = pytest.mark.browser

# Queues a set in the page's own outbox and sends it, as the set page does after Save.
QUEUE = """async ([id, body]) => {
  const outbox = await import('/static/js/outbox.js');
  await outbox.enqueue(id, '/api/sets', body);
  await outbox.flush({ force: true });
  return (await outbox.get(id)).status;
}"""


def test_fixing_the_reps_keeps_the_load_exactly(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    plan = server.http.get("/api/sessions/active").json()["session"]["plan"]
    prescription = plan["exercises"][0]
    now = page.evaluate("new Date().toISOString()")
    before = len(server.sets())
    # 21.25 kg (two 1.25 kg plates) in kg, and 10 kg shown as 22.05 lb: each with 500 reps,
    # which the server refuses.
    sets = {}
    for units, load_kg in (("kg", 21.25), ("lb", 10.0)):
        set_uuid = str(uuid.uuid4())
        body = {
            "uuid": set_uuid,
            "exercise_id": prescription["exercise_id"],
            "set_index": 0,
            "performed_at": now,
            "reps": 500,
            "load_kg": load_kg,
            "reflection": {"target_rating": 6, "felt_elsewhere": {}},
            "prescription": {**prescription, "units": units},
        }
        assert page.evaluate(QUEUE, [set_uuid, body]) == "refused"
        sets[units] = set_uuid
    page.wait_for_function("document.getElementById('sync').textContent === '2 sets need fixing'")
    page.click("#sync")
    page.wait_for_selector("#fixing[open]")
    assert page.input_value(f"#fix-load-{sets['kg']}") == "21.25"
    assert page.input_value(f"#fix-load-{sets['lb']}") == "22.05"
    shot(page, "fixing-refused-sets")
    for set_uuid in sets.values():
        page.fill(f"#fix-reps-{set_uuid}", "10")
        page.locator(".fix-item", has=page.locator(f"#fix-reps-{set_uuid}")).locator(
            "text=Send again"
        ).click()
        page.wait_for_function(f"!document.getElementById('fix-reps-{set_uuid}')")
    page.wait_for_function("document.getElementById('sync').hidden")
    stored = {s["uuid"]: s for s in server.sets()}
    assert len(stored) == before + 2
    assert (stored[sets["kg"]]["reps"], stored[sets["kg"]]["load_kg"]) == (10, 21.25)
    assert (stored[sets["lb"]]["reps"], stored[sets["lb"]]["load_kg"]) == (10, 10.0)
    assert page.errors == []
