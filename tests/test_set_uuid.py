"""A set's uuid across the channels: the client's id, the key that stores a retried write once.

The set model takes only a UUID; a malformed one is one line naming the field, the value and
what is allowed, in the API and the terminal alike. Sets stored before the rule (``log --uuid``
once stored any text) stay correctable, and an import's uuid5 ids pass the rule.
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.services.export import export_json
from mindmuscle.services.history import SetEdit, edit_set, get_set, history
from mindmuscle.services.imports import import_file
from mindmuscle.store import open_database, repo
from mindmuscle.store.schemas import SetCreate
from tests.test_web_data import _client, _upload_log

WORDS = "a set's uuid must be a UUID of 36 characters (8-4-4-4-12 hexadecimal digits)"
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def _web_set(set_uuid: object) -> dict[str, object]:
    return {
        "uuid": set_uuid,
        "exercise_id": "dumbbell_biceps_curl",
        "set_index": 0,
        "performed_at": "2026-03-01T10:00:00Z",
        "reps": 8,
        "load_kg": 12.0,
        "reflection": {"target_rating": 6, "felt_elsewhere": {}},
    }


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("notauuid", "'notauuid'"),
        ("0e44f168894c42d783d91d1e5a3c6f20", "'0e44f168894c42d783d91d1e5a3c6f20'"),
        ("", "''"),
        (42, "42"),
    ],
)
def test_the_api_refuses_a_malformed_uuid_in_one_line(
    tmp_path: Path, given: object, shown: str
) -> None:
    with _client(tmp_path) as client:
        r = client.post("/api/sets", json=_web_set(given))
        assert r.status_code == 422
        body = r.json()
        allowed = WORDS if isinstance(given, str) else "it must be text"
        assert body["message"] == f"uuid {shown} is not allowed: {allowed}."
        assert [d["field"] for d in body["details"]] == ["uuid"]
        assert client.get("/api/sets").json() == []
        good = str(uuid.uuid4())
        assert client.post("/api/sets", json=_web_set(good)).status_code == 200
        assert [s["uuid"] for s in client.get("/api/sets").json()] == [good]


def test_the_terminal_refuses_a_malformed_uuid_in_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "u.db")
    log = ["log", "dumbbell_biceps_curl", "--reps", "8", "--load", "12", "--rating", "6"]
    bad = runner.invoke(app, [*log, "--uuid", "set-1", "--db", db])
    assert bad.exit_code == 1
    assert bad.stderr == f"Error: --uuid 'set-1' is not allowed: {WORDS}.\n"
    assert "Traceback" not in bad.output
    good = str(uuid.uuid4())
    for _ in range(2):  # a retry with the same id stores the set once
        ok = runner.invoke(app, [*log, "--uuid", good, "--db", db, "--json"])
        assert ok.exit_code == 0, ok.output
        assert json.loads(ok.output)["uuid"] == good
    sets = json.loads(runner.invoke(app, ["history", "--json", "--db", db]).output)["sets"]
    assert [s["uuid"] for s in sets] == [good]


def test_a_set_stored_before_the_rule_can_still_be_corrected(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with db.session() as s:  # as `log --uuid notauuid` stored it before the rule
            repo.add_set(
                session=s,
                user_id=1,
                data=SetCreate(
                    uuid="notauuid",
                    exercise_id="dumbbell_biceps_curl",
                    performed_at=T0,
                    load_kg=12.0,
                    reps=10,
                ),
            )
        detail = edit_set(db=db, user_id=1, ref="notauuid", edit=SetEdit(reps=8), now=T0)
        assert (detail.set.uuid, detail.set.reps) == ("notauuid", 8)
        assert [r.changes for r in detail.revisions] == [{"reps": [10, 8]}]
        assert get_set(db=db, user_id=1, ref="notauuid").set.reps == 8
    finally:
        db.close()


def test_an_export_holding_such_a_set_is_refused_in_one_line_naming_it(tmp_path: Path) -> None:
    old = open_database(f"sqlite:///{tmp_path / 'old.db'}")
    with old.session() as s:
        repo.add_set(
            session=s,
            user_id=1,
            data=SetCreate(
                uuid="notauuid",
                exercise_id="dumbbell_biceps_curl",
                performed_at=T0,
                load_kg=12.0,
                reps=10,
            ),
        )
    out = io.StringIO()
    export_json(db=old, user_id=1, out=out)
    old.close()
    path = tmp_path / "backup.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    (tmp_path / "web").mkdir()
    with _client(tmp_path / "web") as client:
        r = _upload_log(client, "backup.json", path.read_bytes(), dry_run="false")
        assert r.status_code == 422, r.text
        message = r.json()["message"]
        assert "\n" not in message
        assert f"set notauuid: uuid 'notauuid' is not allowed: {WORDS}" in message
        assert client.get("/api/sets").json() == []  # nothing half-imported


def test_imported_rows_get_uuid5_ids_that_pass_the_rule(tmp_path: Path, shared_data: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'imp.db'}")
    try:
        report = import_file(
            db=db,
            user_id=1,
            path=shared_data / "logs" / "openweight" / "strong-real.csv",
            unit="kg",
        )
        assert report.sets_added == 30
        uuids = [s.uuid for s in history(db=db, user_id=1)]
        assert len(set(uuids)) == 30
        assert {uuid.UUID(u).version for u in uuids} == {5}
        assert all(str(uuid.UUID(u)) == u for u in uuids)
    finally:
        db.close()
