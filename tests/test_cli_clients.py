"""``mindmuscle client``: the server's owner reads a coach's clients, as the coach does on the
web: the list, and a client's sets with their reflections; anyone else's name is one line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from mindmuscle.cli import app, load_all_commands
from mindmuscle.coach.models import Reflection
from mindmuscle.coach.sets import SetInput
from mindmuscle.services import accounts
from mindmuscle.services import history as history_service
from mindmuscle.store import open_database


def _cli(*args: str) -> tuple[int, str]:
    load_all_commands()
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return r.exit_code, r.output


def test_the_owner_reads_a_coachs_clients(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    db = open_database(url)
    accounts.add_user(db=db, name="ben", password="whistle blower", is_admin=True)
    alex = accounts.add_user(db=db, name="alex", password="correct horse", coach="ben")
    accounts.add_user(db=db, name="kim", password="kim's password")
    reflection = Reflection(
        target_rating=8, felt_elsewhere={"front_delt": 3}, focus_rating=6,
        note="left arm burned first",
    )  # fmt: skip
    at = datetime(2026, 11, 21, 10, tzinfo=UTC)
    data = SetInput(exercise_id="dumbbell_biceps_curl", performed_at=at, load_kg=20.0, reps=10,
                    reflection=reflection)  # fmt: skip
    history_service.record_set(db=db, user_id=alex, data=data)
    db.close()

    code, out = _cli("client", "list", "--coach", "ben", "--db", url)
    assert (code, out.split()[:2]) == (0, ["alex", "kg"])
    assert "no workout yet" in out  # a set logged outside a workout
    code, out = _cli("client", "show", "alex", "--coach", "ben", "--db", url)
    assert code == 0, out
    assert out.splitlines() == [
        "Sat 21 Nov 2026",
        "  Dumbbell Biceps Curl  10 x 20 kg  felt 8/10  also Front deltoid (anterior head) 3/10"
        "  focus 6/10  \u201cleft arm burned first\u201d",
    ]
    code, out = _cli("client", "show", "alex", "--coach", "ben", "--json", "--db", url)
    (day,) = json.loads(out)
    assert day["sets"][0]["reflection"]["note"] == "left arm burned first"

    assert _cli("client", "show", "kim", "--coach", "ben", "--db", url) == (
        1,
        "Error: You have no client 'kim'; your clients are: alex.\n",
    )
    assert _cli("client", "list", "--coach", "alex", "--db", url) == (
        1,
        "Error: 'alex' is not an admin; a coach is an admin, and the admins are: ben.\n",
    )
