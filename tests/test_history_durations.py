"""How long a workout lasted, as History and ``mindmuscle workout show`` tell it.

Imported sets all carry their workout's start, so the time from the first to the last set is
zero: the duration is the one the export gave (Strong's Duration column in its dialects, Hevy's
start and end), stored as the workout's end. When an export gave none, none is shown.
"""

from __future__ import annotations

import csv
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.services.history import workout_duration_s
from tests.test_web_data import _client, _upload_log

T0 = datetime(2024, 1, 5, 10, 0, tzinfo=UTC)

# (file under ../shared/data/logs, unit for files that state none, the workouts' durations in
# seconds, newest first, as each export states them).
EXPORTS = [
    # Strong S1: "1h 45m" and "1h 43m" in its Duration column.
    ("openweight/strong-real.csv", "kg", [6300.0, 6180.0]),
    # Strong S3: "Duration (sec)" 4422 and 1267.
    ("vis-strong-go/example.csv", None, [4422.0, 1267.0]),
    ("vis-strong-go/exampleB.csv", None, [4186.0, 2227.0]),
    # The older Strong dialect has no Duration column: nothing is known.
    ("vis-strong-go/alt.csv", "kg", [None]),
    # Hevy: 02 Jul 2025 17:56 to 18:57, 30 Jun 2025 19:56 to 20:58.
    ("openweight/hevy-real.csv", None, [3660.0, 3720.0]),
]


def _workouts(client: TestClient) -> list[dict[str, object]]:
    r = client.get("/api/sessions", params={"limit": 1000})
    assert r.status_code == 200, r.text
    got: list[dict[str, object]] = r.json()
    return got


def _import(client: TestClient, path: Path, unit: str | None) -> None:
    form = {"dry_run": "false"} | ({"unit": unit} if unit else {})
    r = _upload_log(client, path.name, path.read_bytes(), **form)
    assert r.status_code == 200, r.text


# ------------------------------------------------------------------ the rule, on its own


def test_an_imports_stored_end_gives_the_duration_though_every_set_shares_one_time() -> None:
    end = T0 + timedelta(hours=1, minutes=43)
    got = workout_duration_s(started_at=T0, ended_at=end, set_times=[T0, T0, T0], source="import")
    assert got == 6180.0


def test_without_an_end_the_sets_span_the_workout() -> None:
    times = [T0 + timedelta(minutes=m) for m in (0, 7, 31)]
    got = workout_duration_s(started_at=T0, ended_at=None, set_times=times, source="import")
    assert got == 1860.0


@pytest.mark.parametrize("source", ["guided", "log", "experiment"])
def test_a_workout_run_here_is_timed_by_its_sets(source: str) -> None:
    # Planned at a morning readiness check, trained in the evening, its end heard at night.
    times = [T0 + timedelta(hours=9, minutes=m) for m in (0, 25, 48)]
    end = T0 + timedelta(hours=13)
    got = workout_duration_s(started_at=T0, ended_at=end, set_times=times, source=source)
    assert got == 48 * 60.0


@pytest.mark.parametrize(
    "ended_at", [None, T0, T0 - timedelta(minutes=5)], ids=["no end", "end at start", "reversed"]
)
def test_nothing_is_made_up_when_neither_tells(ended_at: datetime | None) -> None:
    for times in ([T0, T0], []):
        got = workout_duration_s(started_at=T0, ended_at=ended_at, set_times=times, source="import")
        assert got is None


# ------------------------------------------------------------------ real exports, through the API


@pytest.mark.parametrize(("name", "unit", "durations"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_an_imported_workout_has_the_duration_of_its_export(
    tmp_path: Path, shared_data: Path, name: str, unit: str | None, durations: list[float | None]
) -> None:
    with _client(tmp_path) as client:
        _import(client, shared_data / "logs" / name, unit)
        listed = _workouts(client)
        assert [w["duration_s"] for w in listed] == durations
        assert {w["source"] for w in listed} == {"import"}
        # Every set of the workout shares its start: the sets alone would tell nothing.
        for w in listed:
            sets = client.get("/api/sets", params={"session_id": w["session_id"]}).json()
            assert len(sets) == w["sets"]
            assert {s["performed_at"] for s in sets} == {w["started_at"]}
            detail = client.get(f"/api/sessions/{w['session_id']}").json()
            assert detail["duration_s"] == w["duration_s"]


def test_all_80_workouts_of_a_real_hevy_export_keep_their_durations(
    tmp_path: Path, shared_data: Path
) -> None:
    path = shared_data / "logs" / "hevyconnect" / "workouts.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    wanted: dict[tuple[str, str], float] = {}
    for row in rows:
        start, end = (
            datetime.strptime(row[k], "%d %b %Y, %H:%M") for k in ("start_time", "end_time")
        )
        wanted[(start.isoformat(), row["title"])] = (end - start).total_seconds()
    assert len(wanted) == 80
    with _client(tmp_path) as client:
        _import(client, path, None)
        page1 = client.get("/api/sessions", params={"limit": 50}).json()
        page2 = client.get("/api/sessions", params={"limit": 50, "offset": 50}).json()
    listed = page1 + page2
    assert len(page1) == 50 and len(listed) == 80
    assert len({w["session_id"] for w in listed}) == 80
    assert sum(w["sets"] for w in listed) == len(rows)
    # The newest three, by hand from the file: 11:37-12:55, 10:40-10:56, 10:53-12:42.
    assert [w["duration_s"] for w in listed[:3]] == [4680.0, 960.0, 6540.0]
    assert sorted(w["duration_s"] for w in listed) == sorted(wanted.values())  # type: ignore[type-var]


def test_a_fitnotes_export_states_no_duration_and_none_is_shown(
    tmp_path: Path, shared_data: Path
) -> None:
    path = shared_data / "logs" / "kaiserlift-fitnotes" / "FitNotes_Export_2025_05_21_08_39_11.csv"
    with path.open(newline="", encoding="utf-8") as f:
        days = {row["Date"] for row in csv.DictReader(f)}
    with _client(tmp_path) as client:
        _import(client, path, None)
        listed = _workouts(client)
    assert len(listed) == len(days)
    assert {w["duration_s"] for w in listed} == {None}


def test_a_deleted_workout_or_set_leaves_the_list(tmp_path: Path, shared_data: Path) -> None:
    with _client(tmp_path) as client:
        _import(client, shared_data / "logs" / "openweight" / "strong-real.csv", "kg")
        newest, older = _workouts(client)
        assert client.delete(f"/api/sessions/{newest['session_id']}").status_code == 200
        assert [w["session_id"] for w in _workouts(client)] == [older["session_id"]]
        one = client.get("/api/sets", params={"session_id": older["session_id"]}).json()[0]
        assert client.delete(f"/api/sets/{one['id']}").status_code == 200
        (left,) = _workouts(client)
        assert (left["sets"], left["duration_s"]) == (older["sets"] - 1, 6180.0)


def test_a_guided_workout_is_timed_by_its_sets_not_by_when_it_was_planned_and_closed(
    tmp_path: Path,
) -> None:
    from tests.test_web_api import _plan, _set_body

    now = datetime.now(UTC).replace(microsecond=0)
    with _client(tmp_path) as client:
        plan = _plan(client)  # stored now: the readiness check
        for i, minutes_ago in enumerate((130, 110, 95)):  # the sets, stamped by the phone
            at = (now - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")
            body = _set_body(plan, uuid=str(uuid.UUID(int=i + 1)), set_index=i, performed_at=at)
            r = client.post("/api/sets", json=body)
            assert r.status_code == 200, r.text
        sid = plan["session_id"]
        assert client.post(f"/api/sessions/{sid}/end").status_code == 200  # heard late
        (w,) = _workouts(client)
        assert (w["session_id"], w["source"], w["sets"]) == (sid, "guided", 3)
        assert w["ended_at"] is not None
        assert w["duration_s"] == 35 * 60.0
        assert client.get(f"/api/sessions/{sid}").json()["duration_s"] == 35 * 60.0


def test_the_workouts_list_refuses_a_bad_page(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        r = client.get("/api/sessions", params={"limit": 0})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "query.limit '0' is not allowed: it must be greater than or equal to 1."
    )


# ------------------------------------------------------------------ the terminal


def test_workout_show_prints_the_exports_duration(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "w.db")
    strong = str(shared_data / "logs" / "openweight" / "strong-real.csv")
    done = runner.invoke(app, ["import", strong, "--unit", "kg", "--db", db])
    assert done.exit_code == 0, done.output
    alt = str(shared_data / "logs" / "vis-strong-go" / "alt.csv")
    assert runner.invoke(app, ["import", alt, "--unit", "kg", "--db", db]).exit_code == 0
    sets = json.loads(runner.invoke(app, ["history", "--json", "--db", db]).output)["sets"]
    ids = sorted({s["session_id"] for s in sets})
    assert len(ids) == 3
    lines = [
        runner.invoke(app, ["workout", "show", str(i), "--db", db]).output.splitlines()[0]
        for i in ids
    ]
    assert ", 1 h 43 min (import), 15 sets" in lines[0]
    assert ", 1 h 45 min (import), 15 sets" in lines[1]
    assert " min" not in lines[2] and "(import)" in lines[2]  # no Duration column: none shown
    shown = json.loads(
        runner.invoke(app, ["workout", "show", str(ids[0]), "--json", "--db", db]).output
    )
    assert shown["duration_s"] == 6180.0


def test_history_lists_workouts_with_how_long_each_took(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "h.db")
    logs = shared_data / "logs"
    for name, unit in (
        ("openweight/strong-real.csv", ["--unit", "kg"]),
        ("vis-strong-go/alt.csv", ["--unit", "kg"]),
        ("openweight/hevy-real.csv", []),
    ):
        done = runner.invoke(app, ["import", str(logs / name), *unit, "--db", db])
        assert done.exit_code == 0, done.output
    table = runner.invoke(app, ["history", "--workouts", "--db", db], env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.output
    rows = [line.split() for line in table.output.splitlines() if line.strip()[:1].isdigit()]
    # The start is shown in the local time zone; how long it took is the export's own.
    assert [(r[-1], r[-2], " ".join(r[3:-2])) for r in rows] == [
        ("import", "11", "1 h 1 min"),
        ("import", "11", "1 h 2 min"),
        ("import", "15", "1 h 45 min"),
        ("import", "15", "1 h 43 min"),
        ("import", "9", "-"),  # the old Strong dialect states no duration
    ]
    assert table.output.splitlines()[0].strip() == "Workouts: all 5 workouts, newest first"
    two = runner.invoke(app, ["history", "--workouts", "--limit", "2", "--json", "--db", db])
    got = json.loads(two.output)
    assert [(w["sets"], w["duration_s"]) for w in got] == [(11, 3660.0), (11, 3720.0)]
    none = runner.invoke(app, ["history", "--workouts", "--since", "2030-01-01", "--db", db])
    assert none.output.startswith("No workouts since 2030-01-01 yet")
    both = runner.invoke(app, ["history", "--workouts", "--exercise", "bench", "--db", db])
    assert both.exit_code == 2
    assert "--workouts lists whole workouts; leave out --exercise" in both.output
    assert "Traceback" not in both.output


def test_a_log_of_dates_only_shows_its_workouts_without_a_made_up_time(tmp_path: Path) -> None:
    log = tmp_path / "fitnotes.csv"
    log.write_text(
        "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
        '2022-09-14,Flat Barbell Bench Press,Chest,45.0,lbs,10,,,,""\n'
        '2022-09-22,Flat Barbell Bench Press,Chest,65.0,lbs,8,,,,""\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    db = str(tmp_path / "f.db")
    assert runner.invoke(app, ["import", str(log), "--db", db]).exit_code == 0
    table = runner.invoke(
        app, ["history", "--workouts", "--db", db], env={"TZ": "America/New_York"}
    )
    rows = [line.split() for line in table.output.splitlines() if line.strip()[:1].isdigit()]
    assert [r[1:] for r in rows] == [
        ["2022-09-22", "-", "1", "import"],
        ["2022-09-14", "-", "1", "import"],
    ]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, ""),
        (20, ""),
        (38 * 60, "38 min"),
        (103 * 60, "1 h 43 min"),
        (11 * 3600 + 59 * 60, "11 h 59 min"),
        (14 * 3600 + 20 * 60, "14 h"),
        (24 * 3600 + 3 * 60, "1 day"),
        (30 * 3600 + 40 * 60, "1 day 7 h"),
        (72 * 3600, "3 days"),
    ],
)
def test_how_long_reads_in_days_and_hours_for_a_resumed_workout(
    seconds: float | None, text: str
) -> None:
    from mindmuscle.cli.history import took

    assert took(seconds) == text


def test_a_guided_workout_resumed_the_next_day_reads_1_day(tmp_path: Path) -> None:
    from tests.test_web_api import _plan, _set_body

    now = datetime.now(UTC).replace(microsecond=0)
    with _client(tmp_path) as client:
        plan = _plan(client)
        for i, minutes_ago in enumerate((24 * 60 + 10, 24 * 60 + 5, 7)):  # two sets, one today
            at = (now - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")
            body = _set_body(plan, uuid=str(uuid.UUID(int=i + 1)), set_index=i, performed_at=at)
            assert client.post("/api/sets", json=body).status_code == 200
        (w,) = _workouts(client)
        assert w["duration_s"] == (24 * 60 + 3) * 60.0
    out = CliRunner().invoke(app, ["history", "--workouts", "--db", str(tmp_path / "web.db")])
    assert out.exit_code == 0, out.output
    row = next(line for line in out.output.splitlines() if "guided" in line)
    assert " 1 day " in row and "24 h" not in row
