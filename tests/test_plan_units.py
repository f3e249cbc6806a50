"""Today's plan follows the lifter's unit: a plan made in kg reads in lb on the Today page, in
the phone's session and in the terminal's session once the lifter switches to lb that day;
the plan stored stays in kg."""

from __future__ import annotations

import re
from pathlib import Path

from mindmuscle.coach.loads import format_load
from mindmuscle.services import sessions as session_service
from mindmuscle.store import repo
from tests.test_web_api import _client, _plan

KG_LOAD = re.compile(r"\d+(?:\.\d+)? kg\b")


def test_a_plan_made_in_kg_reads_in_lb_after_the_switch(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        made = _plan(c)  # the profile in kg, then the readiness check: the plan in kg
        made_ex = made["plan"]["exercises"]
        assert made_ex[0]["units"] == "kg" and made_ex[0]["load_kg"] is not None
        assert c.put("/api/profile", json={"units": "lb"}).status_code == 200

        page = c.get("/today").text
        for p in made_ex:
            if p["load_kg"] is not None:
                assert f"<b>{format_load(p['load_kg'], 'lb')}</b>" in page
        assert KG_LOAD.findall(page) == []  # no load in kg left, reasons included

        active = c.get("/api/sessions/active").json()["session"]
        got = active["plan"]["exercises"]
        assert active["plan"]["units"] == "lb"
        assert [(p["units"], p["load_kg"]) for p in got] == [("lb", p["load_kg"]) for p in made_ex]
        assert [p["load_display"] for p in got] == [
            format_load(p["load_kg"], "lb") for p in made_ex
        ]

        db = c.app.state.ctx.db  # type: ignore[attr-defined]
        sid = made["session_id"]
        # The terminal's session reads the same plan in lb.
        info = session_service.get_session(db=db, user_id=1, session_id=sid)
        assert info.plan is not None and info.plan.exercises[0].units == "lb"
        # What is stored is what was made: in kg.
        with db.session(readonly=True) as s:
            row = repo.get_session(session=s, user_id=1, session_id=sid)
            assert row.plan is not None and row.plan["exercises"][0]["units"] == "kg"

        # Back to kg: as made.
        assert c.put("/api/profile", json={"units": "kg"}).status_code == 200
        again = c.get("/api/sessions/active").json()["session"]["plan"]["exercises"]
        assert [p["load_display"] for p in again] == [p["load_display"] for p in made_ex]
