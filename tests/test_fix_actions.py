"""Each error that a channel's action fixes is worded by each channel: the terminal names its
command, the web app its page, button or route; neither shows the other's way.

One web test and one terminal test per message, with the exact words. Where a channel never
meets the message (the terminal has no admin, the web app no experiment set attached by id),
the test words the service's own error as that channel would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app as cli_app
from mindmuscle.cli import load_all_commands
from mindmuscle.cli._errors import worded
from mindmuscle.errors import MindMuscleError
from mindmuscle.services import accounts
from mindmuscle.services import history as history_service
from mindmuscle.services.experiments import (
    attach_experiment_set,
    new_experiment,
    record_experiment_set,
)
from mindmuscle.services.live import save_calibrations
from mindmuscle.services.motion import MAX_FILE_SAMPLES, analyze_motion_upload
from mindmuscle.store import LOCAL_USER_ID, CalibrationCreate, open_database
from mindmuscle.web.errors import web_worded
from mindmuscle.web.skill_tests_api import stopped_words
from tests.test_skill_test import _feed_test, _frame
from tests.test_web_accounts import _login
from tests.test_web_api import _client
from tests.test_web_data import emg_csv
from tests.test_web_skill_test import ORIGIN, _until_end
from tests.test_web_skill_test import _client as _live_client

MADE = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _cli(*args: str) -> tuple[int, str]:
    load_all_commands()
    result = CliRunner().invoke(cli_app, list(args))
    return result.exit_code, result.stderr.strip()


def _raised(call: Any) -> MindMuscleError:
    with pytest.raises(MindMuscleError) as caught:
        call()
    return caught.value


# Accounts: the local user, a lifter who is not an admin, an admin's own account.


@pytest.fixture()
def team(tmp_path: Path) -> TestClient:
    c = _client(tmp_path, host="0.0.0.0")
    db = c.app.state.ctx.db  # type: ignore[attr-defined]
    ids = {
        "coach": accounts.add_user(db=db, name="coach", password="whistle blower", is_admin=True),
        "alex": accounts.add_user(db=db, name="alex", password="correct horse"),
    }
    c.ids = ids  # type: ignore[attr-defined]
    return c


def test_web_the_local_user_is_not_removed_and_its_password_route_is_named(
    team: TestClient,
) -> None:
    _login(team, "coach", "whistle blower")
    r = team.delete("/api/users/local")
    assert (r.status_code, r.json()["action"]) == (422, "set_local_password")
    assert r.json()["message"] == (
        "'local' is the local user, who owns what was recorded on this machine; it cannot be "
        "removed. Its coach, an admin whose client it is, changes its password (PUT "
        "/api/users/local/password)."
    )


def test_cli_the_local_user_is_not_removed_and_its_password_command_is_named(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    open_database(url).close()
    assert _cli("user", "remove", "local", "--yes", "--db", url) == (
        1,
        "Error: 'local' is the local user, who owns what was recorded on this machine; it "
        "cannot be removed. `mindmuscle user passwd local` changes its password.",
    )


def test_web_a_lifter_is_told_to_ask_the_admin(team: TestClient) -> None:
    _login(team, "alex", "correct horse")
    r = team.get("/api/users")
    assert (r.status_code, r.json()["message"]) == (
        403,
        "Only an admin manages accounts. Ask your admin.",
    )


def test_cli_a_lifter_is_told_the_servers_command(team: TestClient) -> None:
    db = team.app.state.ctx.db  # type: ignore[attr-defined]
    alex = team.ids["alex"]  # type: ignore[attr-defined]
    exc = _raised(lambda: accounts.admin_accounts(db=db, admin_id=alex, now=MADE))
    assert worded(exc) == (
        "Only an admin manages accounts. Accounts are managed on the server with `mindmuscle user`."
    )


def test_web_an_admins_own_account_is_left_to_another_admin(team: TestClient) -> None:
    _login(team, "coach", "whistle blower")
    r = team.delete("/api/users/coach")
    assert (r.status_code, r.json()["message"]) == (
        422,
        "'coach' is your own account: it is not removed here, so the team keeps an admin. "
        "Another admin can remove it.",
    )


def test_cli_an_admins_own_account_names_the_servers_command(team: TestClient) -> None:
    db = team.app.state.ctx.db  # type: ignore[attr-defined]
    coach = team.ids["coach"]  # type: ignore[attr-defined]
    exc = _raised(lambda: accounts.admin_remove_user(db=db, admin_id=coach, name="coach"))
    assert worded(exc) == (
        "'coach' is your own account: it is not removed here, so the team keeps an admin. "
        "Remove it with `mindmuscle user remove coach`."
    )


# The connection test: a calibration too old, a muscle without %MVC on the sensor.


def _old_calibration(db: Any) -> None:
    save_calibrations(
        db, LOCAL_USER_ID,
        [CalibrationCreate(muscle="biceps", level=0.4, unit="mV", sfreq_hz=1000.0, trial=1,
                           window_start_s=0.5, placement="", source="test", created_at=MADE)],
    )  # fmt: skip


def test_web_an_old_calibration_points_to_the_connection_test_page(tmp_path: Path) -> None:
    with _live_client(tmp_path, "synthetic") as c:
        _old_calibration(c.app.state.ctx.db)  # type: ignore[attr-defined]
        with c.websocket_connect("/api/live/skill-test?muscle=biceps", headers=ORIGIN) as ws:
            [message] = _until_end(ws)
    assert message == {
        "type": "stopped",
        "message": f"the calibration of biceps ({MADE:%Y-%m-%d %H:%M}) cannot be used: older "
        f"than this session (made {MADE:%Y-%m-%d %H:%M}). Calibrate biceps again, on the "
        "computer with the sensor: the Connection test page shows how.",
    }


# test_skill_test.py::test_cli_with_an_old_calibration_says_so_in_one_line holds the terminal's
# words for the same error ("Calibrate again (`mindmuscle live calibrate --muscle biceps`), or
# pass --accept-stale ...").


def test_web_a_muscle_without_mvc_on_the_sensor_points_to_the_connection_test_page() -> None:
    test = _feed_test([10.0, 20.0, 40.0])
    for k in range(100):  # 5 s: into the first hold
        test.take(_frame(100.0 + k * 0.05, 10.0))
    test.take(_frame(105.0, None))
    assert stopped_words(test) == (
        "biceps has no %MVC on this sensor (a calibration made in another unit?): the test is "
        "not complete, so nothing was stored. Calibrate biceps again, on the computer with the "
        "sensor: the Connection test page shows how."
    )


# A set's EMG: stored already, or none to download.


def _set_with_emg(c: TestClient, tmp_path: Path) -> tuple[int, Path]:
    body = {
        "uuid": "00000000-0000-0000-0000-00000000e319",
        "exercise_id": "dumbbell_biceps_curl",
        "set_index": 0,
        "performed_at": "2026-12-07T09:00:00Z",
        "reps": 5,
        "load_kg": 12.0,
        "reflection": {"target_rating": 8, "felt_elsewhere": {}},
    }
    r = c.post("/api/sets", json=body)
    assert r.status_code == 200, r.text
    set_id = int(r.json()["set"]["id"])
    csv = tmp_path / "curl.csv"
    csv.write_bytes(emg_csv()[0])
    first = c.post(
        f"/api/sets/{set_id}/emg",
        files={"file": ("curl.csv", csv.read_bytes(), "text/csv")},
        data={"map": "1=biceps"},
    )
    assert first.status_code == 200, first.text
    return set_id, csv


def test_web_a_second_recording_points_to_the_replace_box(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        set_id, csv = _set_with_emg(c, tmp_path)
        again = c.post(
            f"/api/sets/{set_id}/emg",
            files={"file": ("curl.csv", csv.read_bytes(), "text/csv")},
            data={"map": "1=biceps"},
        )
    assert (again.status_code, again.json()["action"]) == (422, "replace_set_emg")
    assert again.json()["message"] == (
        "The Dumbbell Biceps Curl set of 2026-12-07 09:00 UTC has its EMG already. "
        "To store this recording instead, "
        "tick 'Replace the EMG this set has' on the EMG page."
    )


def test_cli_a_second_recording_names_the_replace_option(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        set_id, csv = _set_with_emg(c, tmp_path)
    url = f"sqlite:///{tmp_path / 'web.db'}"
    assert _cli("set", "emg", str(set_id), str(csv), "--map", "1=biceps", "--db", url) == (
        1,
        f"Error: {CURL} has its EMG already. To store this recording "
        f"instead, replace it (`mindmuscle set emg {set_id} FILE --replace`).",
    )


CURL = "The Dumbbell Biceps Curl set of 2026-12-07 09:00 UTC"


def _set_without_emg(c: TestClient) -> int:
    body = {
        "uuid": "00000000-0000-0000-0000-00000000e320",
        "exercise_id": "dumbbell_biceps_curl",
        "set_index": 0,
        "performed_at": "2026-12-07T09:00:00Z",
        "reps": 5,
        "load_kg": 12.0,
        "reflection": {"target_rating": 8, "felt_elsewhere": {}},
    }
    r = c.post("/api/sets", json=body)
    assert r.status_code == 200, r.text
    return int(r.json()["set"]["id"])


def test_web_a_set_without_emg_points_to_the_emg_page(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        set_id = _set_without_emg(c)
        r = c.get(f"/api/sets/{set_id}/emg/file")
    assert (r.status_code, r.json()["message"]) == (
        404,
        f"{CURL} has no EMG recording. Attach one on the EMG page: "
        "choose the set under 'Belongs to'.",
    )


def test_cli_a_set_without_emg_names_the_attach_command(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        set_id = _set_without_emg(c)
    url = f"sqlite:///{tmp_path / 'web.db'}"
    out = str(tmp_path / "set.xdf")
    assert _cli("set", "emg-file", str(set_id), out, "--db", url) == (
        1,
        f"Error: {CURL} has no EMG recording. Attach one with "
        f"`mindmuscle set emg {set_id} FILE --map CH=MUSCLE,...`.",
    )


# A deleted set in an experiment; a motion file longer than a set.


def _deleted_experiment_set(tmp_path: Path) -> tuple[MindMuscleError, int]:
    db = open_database(f"sqlite:///{tmp_path / 'exp.db'}")
    info = new_experiment(db=db, user_id=LOCAL_USER_ID, preset="curl-focus", seed=1, e1rm_kg=20.0)
    rec = record_experiment_set(
        db=db, user_id=LOCAL_USER_ID, experiment_id=info.id, set_number=1, target_rating=5,
        now=MADE,
    )  # fmt: skip
    history_service.delete_set(db=db, user_id=LOCAL_USER_ID, ref=rec.set_uuid, now=MADE)
    set_id = history_service.get_set(db=db, user_id=LOCAL_USER_ID, ref=rec.set_uuid).set.id
    exc = _raised(
        lambda: attach_experiment_set(
            db=db,
            user_id=LOCAL_USER_ID,
            experiment_id=info.id,
            set_number=2,
            set_uuid=rec.set_uuid,
        )
    )
    db.close()
    assert str(exc).endswith("is deleted; restore it before recording it in an experiment.")
    return exc, set_id


def test_web_a_deleted_set_points_to_undo_and_the_restore_route(tmp_path: Path) -> None:
    exc, _set_id = _deleted_experiment_set(tmp_path)
    assert web_worded(exc) == f"{exc} Restore it first: Undo on the History page."


def test_cli_a_deleted_set_names_the_restore_command(tmp_path: Path) -> None:
    exc, set_id = _deleted_experiment_set(tmp_path)
    assert worded(exc) == f"{exc} `mindmuscle set restore {set_id}` restores it."


def _long_motion(tmp_path: Path) -> MindMuscleError:
    path = tmp_path / "long.csv"
    rows = "\n".join(f"{k / 100:.2f},0,0,1" for k in range(MAX_FILE_SAMPLES + 1))
    path.write_text(f"t,ax,ay,az\n{rows}\n")
    return _raised(lambda: analyze_motion_upload(path))


def test_web_a_long_motion_file_is_cut_and_uploaded_again(tmp_path: Path) -> None:
    assert web_worded(_long_motion(tmp_path)) == (
        "long.csv holds 120001 samples over 1200 s; the web app analyses at most 120000 "
        "samples and 20 minutes (one set). Cut the file to the set and upload it again."
    )


def test_cli_a_long_motion_file_names_the_motion_command(tmp_path: Path) -> None:
    assert worded(_long_motion(tmp_path)) == (
        "long.csv holds 120001 samples over 1200 s; the web app analyses at most 120000 "
        "samples and 20 minutes (one set). Cut the file to the set, or analyse it whole with "
        "`mindmuscle motion FILE`."
    )


def _unassigned_exercise() -> MindMuscleError:
    from mindmuscle.catalog import load_catalog
    from mindmuscle.catalog.matching import user_exercise_for
    from mindmuscle.experiments.design import make_design

    warm_up = user_exercise_for("Warm Up", load_catalog()).exercise
    return _raised(
        lambda: make_design(
            exercise=warm_up,
            conditions=["internal", "none"],
            loads_pct_e1rm=[60.0],
            sets_per_condition=2,
            seed=1,
        )
    )


def test_web_an_experiment_on_an_exercise_without_targets_points_to_the_exercises_page() -> None:
    assert web_worded(_unassigned_exercise()) == (
        "Warm Up has no target muscle yet, and an experiment measures how a target muscle is "
        "felt. Assign its targets first on the Exercises page (Warm Up: Assign targets)."
    )


def test_cli_an_experiment_on_an_exercise_without_targets_names_the_assign_command() -> None:
    assert worded(_unassigned_exercise()) == (
        "Warm Up has no target muscle yet, and an experiment measures how a target muscle is "
        "felt. Assign its targets first: `mindmuscle exercise assign user_warm_up --targets "
        "MUSCLE[,MUSCLE]`."
    )


def test_every_action_has_words_in_both_channels() -> None:
    from typing import get_args

    from mindmuscle.cli._errors import ACTIONS
    from mindmuscle.errors import Action
    from mindmuscle.web.errors import WEB_ACTIONS

    assert sorted(ACTIONS) == sorted(WEB_ACTIONS) == sorted(get_args(Action))
    for words in (*ACTIONS.values(), *WEB_ACTIONS.values()):
        assert ("mindmuscle " in words) == (words in ACTIONS.values()), words


def test_an_experiment_set_without_a_load_is_worded_by_each_channel(tmp_path: Path) -> None:
    """No --load in the web's words: the page says where to type it, the terminal its option."""
    from mindmuscle.services.experiments import new_experiment, record_experiment_set

    db = open_database(f"sqlite:///{tmp_path / 'x.db'}")
    info = new_experiment(db=db, user_id=LOCAL_USER_ID, preset="curl-focus", seed=1)
    with pytest.raises(MindMuscleError) as refused:
        record_experiment_set(
            db=db, user_id=LOCAL_USER_ID, experiment_id=info.id, set_number=1, target_rating=6,
            now=datetime.now(UTC),
        )  # fmt: skip
    exc = refused.value
    said = (
        "No load for set 1: it is 60% of your estimated 1RM, which this experiment was not "
        "given, so the load you lifted is needed."
    )
    assert web_worded(exc) == f"{said} Type it under Load."
    assert worded(exc) == (
        f"{said} Give it, in your units: `mindmuscle experiment record {info.id} --set 1 "
        "--load LOAD ...`."
    )
