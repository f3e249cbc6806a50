"""The terminal commands: a scripted guided session in a real process, and the quick commands.

:class:`Driver` runs ``.venv/bin/mindmuscle session`` as a subprocess and answers its ``? ...``
prompts through standard input, as a lifter at the keyboard would.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app

BIN = Path(sys.executable).parent / "mindmuscle"
CURL = "dumbbell_biceps_curl"
SET_1 = "00000000-0000-4000-8000-000000000001"
runner = CliRunner()

Answer = Callable[[str], str | None]


def cli(*args: str) -> str:
    """Run a command in-process; return its output (fails the test on a non-zero exit)."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


class Driver:
    """A ``mindmuscle`` process driven through its standard input."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "COLUMNS": "200"}
        self.proc = subprocess.Popen(
            [str(BIN), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            env=env,
        )
        self.lines: list[str] = []
        self._q: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._q.put(line.rstrip("\n"))
        self._q.put(None)

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def until(self, pattern: str, answer: Answer, timeout_s: float = 60.0) -> str:
        """Read lines, answering prompts with ``answer``, until a line matches ``pattern``."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line matched {pattern!r}; got:\n" + "\n".join(self.lines))
            try:
                line = self._q.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(
                    f"process ended before {pattern!r}; got:\n" + "\n".join(self.lines)
                )
            self.lines.append(line)
            if re.search(pattern, line):
                return line
            if line.startswith("? "):
                reply = answer(line[2:])
                if reply is not None:
                    self.send(reply)

    def finish(self, timeout_s: float = 30.0) -> int:
        """Close standard input, wait for the exit status, and keep the remaining output."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=timeout_s)
        while (line := self._q.get(timeout=timeout_s)) is not None:
            self.lines.append(line)
        return code

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no clean-up of any kind
        self.proc.wait(timeout=10)


def lifter(ratings: list[int]) -> Answer:
    """Answers of a lifter who rates the target ``ratings[i]`` on the i-th reflection."""
    given = iter(ratings)

    def answer(prompt: str) -> str | None:
        if prompt.startswith("Ready"):
            return ""
        if prompt.startswith("Target rating"):
            return str(next(given))
        if prompt.startswith("Focus rating"):
            return "8"
        if prompt.startswith("Reps in reserve"):
            return "2"
        if prompt.startswith("Rest"):
            return None  # let the (scaled) rest run out: an Enter could land in the next set
        return ""  # reps, load, felt elsewhere: accept the defaults

    return answer


def session_args(url: str, *extra: str) -> list[str]:
    return ["session", "--db", url, "--time-scale", "0.01", "--no-sound", "--no-voice", *extra]


def stored_sets(url: str) -> list[dict[str, object]]:
    return list(json.loads(cli("history", "--json", "--db", url))["sets"])


@pytest.fixture
def url(tmp_path: Path) -> str:
    u = f"sqlite:///{tmp_path / 'cli.db'}"
    cli("init", "--no-input", "--db", u)
    return u


def test_scripted_session_three_sets_with_reflections(url: str) -> None:
    d = Driver(*session_args(url, "--exercise", CURL))
    answer = lifter([2, 8, 8])
    d.until(r"^== Dumbbell Biceps Curl: 3 sets", answer)
    first = d.until(r"^Set 1 started:", answer)
    d.until(r"^Set confirmed and stored: .* set 1,", answer)
    adapted = d.until(r"^Next set:", answer)
    second = d.until(r"^Set 2 started:", answer)
    d.until(r"^Summary: 3 sets", answer)
    assert d.finish() == 0

    # The low rating of set 1 is visible in set 2's prescription: another cue, a slower eccentric.
    assert "try another cue" in adapted and "lower more slowly" in adapted  # words, not ids
    tempo_1 = re.search(r"tempo (\d+)-", first)
    tempo_2 = re.search(r"tempo (\d+)-", second)
    assert tempo_1 is not None and tempo_2 is not None
    assert int(tempo_2.group(1)) == int(tempo_1.group(1)) + 1
    assert first.split("focus: ")[1] != second.split("focus: ")[1]
    assert any(line.startswith("Visualise:") for line in d.lines)
    assert any(line.startswith("Squeeze test:") for line in d.lines)
    assert any(re.match(r"rep 1 [A-Z]", line) for line in d.lines)
    # A next set is announced after sets 1 and 2 only: after the session's last set, none.
    nexts = [i for i, line in enumerate(d.lines) if line.startswith("Next set:")]
    confirmed = [i for i, line in enumerate(d.lines) if line.startswith("Set confirmed")]
    assert len(nexts) == 2 and len(confirmed) == 3
    assert confirmed[0] < nexts[0] < confirmed[1] < nexts[1] < confirmed[2]

    sets = stored_sets(url)
    assert [s["set_index"] for s in sets] == [0, 1, 2]
    assert [s["reflection"]["target_rating"] for s in sets] == [2, 8, 8]  # type: ignore[index]
    # The guided reflection asks three things only (reps x load, the rating, elsewhere);
    # focus and reps in reserve are for `log`.
    assert [s["reflection"]["focus_rating"] for s in sets] == [None, None, None]  # type: ignore[index]
    assert [s["reps_in_reserve"] for s in sets] == [None, None, None]
    assert all(s["source"] == "guided" and s["exercise_id"] == CURL for s in sets)
    assert len({s["uuid"] for s in sets}) == 3


def test_input_closed_keeps_the_session_for_resume(url: str) -> None:
    first = runner.invoke(app, session_args(url, "--exercise", CURL), input="")
    assert first.exit_code == 0, first.output
    assert "Input closed: the session is kept" in first.output
    again = runner.invoke(app, session_args(url), input="")
    assert again.exit_code == 1
    assert "Session 1 was interrupted with 0 sets done" in again.output.replace("\n", " ")
    resumed = runner.invoke(app, session_args(url, "--resume"), input="")
    assert "Resuming session 1: 0 sets done;" in resumed.output


def test_db_upgrade_reports_the_revision(tmp_path: Path) -> None:
    from mindmuscle.store.engine import _head_revision

    out = cli("db", "upgrade", "--db", str(tmp_path / "u.db"))
    assert f"schema revision {_head_revision()} (the latest)" in out


def test_init_stores_the_profile(tmp_path: Path) -> None:
    u = str(tmp_path / "p.db")
    out = cli(
        "init", "--units", "lb", "--goal", "strength", "--experience", "some", "--bar", "45",
        "--plates", "45,25,10,5,2.5", "--bodyweight", "180", "--no-input", "--db", u,
    )  # fmt: skip
    assert "Profile saved: strength, some lifter, lb; bar 45, plates 45, 25, 10, 5, 2.5" in out
    from mindmuscle.services.profile import get_profile
    from mindmuscle.store import open_database

    profile = get_profile(db=open_database(u), user_id=1)
    assert profile.units == "lb" and profile.equipment.bar == 45.0
    assert profile.bodyweight_kg == pytest.approx(81.6466, abs=1e-3)


def test_init_refuses_a_bad_goal(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["init", "--goal", "huge", "--no-input", "--db", str(tmp_path / "b.db")]
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: --goal 'huge' is not allowed: choose hypertrophy, strength or endurance."
    )


def test_log_then_history_and_map(url: str) -> None:
    assert "No rated sets yet" in cli("map", "--db", url)
    cli(
        "log", CURL, "--load", "12", "--reps", "10", "--rating", "7", "--elsewhere",
        "front_delt=5", "--rir", "2", "--tempo", "3-0-1-1", "--uuid", SET_1, "--db", url,
    )  # fmt: skip
    cli(
        "log",
        CURL,
        "--load",
        "12",
        "--reps",
        "10",
        "--rating",
        "7",
        "--uuid",
        SET_1,
        "--db",
        url,
    )
    sets = stored_sets(url)
    assert len(sets) == 1
    s = sets[0]
    assert (s["uuid"], s["load_kg"], s["reps"], s["tempo"], s["reps_in_reserve"]) == (
        SET_1, 12.0, 10, "3-0-1-1", 2,
    )  # fmt: skip
    assert s["reflection"] == {
        "target_rating": 7,
        "felt_elsewhere": {"front_delt": 5},
        "focus_rating": None,
        "reps_in_reserve": 2,
        "note": "",
    }
    payload = json.loads(cli("history", "--json", "--db", url))
    assert payload["e1rm"][CURL]["n_sets"] == 1
    table = cli("history", "--db", url)
    assert "History: the one set, newest first" in table
    assert "Estimated 1RM: Dumbbell Biceps Curl" in table
    scores = json.loads(cli("map", "--json", "--db", url))
    assert scores["biceps"]["count"] == 1
    assert "Connection map" in cli("map", "--db", url)


def test_log_and_today_take_an_exercise_by_name(url: str) -> None:
    cli("log", "Dumbbell Biceps Curl", "--load", "12", "--reps", "10", "--db", url)
    cli("log", "barbell back squat", "--load", "60", "--reps", "5", "--db", url)
    assert [s["exercise_id"] for s in stored_sets(url)] == [CURL, "barbell_back_squat"]
    plan = json.loads(cli("today", "--sleep", "4", "--energy", "4", "--stress", "2", "--focus",
                          "4", "-e", "Dumbbell Biceps Curl", "--json", "--db", url))  # fmt: skip
    assert [e["exercise_id"] for e in plan["plan"]["exercises"]] == [CURL]


def test_log_in_pounds_is_stored_in_kilograms(url: str) -> None:
    out = cli(
        "log",
        CURL,
        "--load",
        "25",
        "--units",
        "lb",
        "--reps",
        "8",
        "--rating",
        "6",
        "--json",
        "--db",
        url,
    )
    assert json.loads(out)["load_kg"] == pytest.approx(11.33981, abs=1e-5)


def test_log_refuses_unknown_ids_and_bad_ratings(url: str) -> None:
    result = runner.invoke(
        app, ["log", "dumbell_curl", "--reps", "8", "--rating", "6", "--db", url]
    )
    assert result.exit_code == 1
    assert "No exercise has the name, alias or id 'dumbell_curl'" in result.output
    result = runner.invoke(
        app, ["log", CURL, "--reps", "8", "--rating", "6", "--elsewhere", "front_delt", "--db", url]
    )
    assert result.exit_code == 1
    assert "must be written muscle=rating" in result.output
    result = runner.invoke(
        app,
        ["log", CURL, "--reps", "8", "--rating", "6", "--elsewhere", "front_delts=4", "--db", url],
    )
    assert result.exit_code == 1
    assert "No muscle has the name, alias or id 'front_delts'" in result.output


def test_today_stores_readiness_and_plan(url: str) -> None:
    out = cli(
        "today", "--sleep", "4", "--energy", "4", "--stress", "2", "--focus", "4", "-e", CURL,
        "--json", "--db", url,
    )  # fmt: skip
    today = json.loads(out)
    assert today["plan"]["decision"] == "train"
    assert [p["exercise_id"] for p in today["plan"]["exercises"]] == [CURL]
    text_out = cli(
        "today", "--sleep", "1", "--energy", "1", "--stress", "5", "--focus", "1", "--db", url
    )
    assert text_out.startswith("Today: ")


def test_a_corrupt_database_is_named_in_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    result = runner.invoke(app, ["history", "--db", str(bad)])
    assert result.exit_code == 1
    assert f"{bad} is not a SQLite database" in result.output.replace("\n", "")
    assert bad.read_text() == "not a database"


def test_every_command_has_help() -> None:
    for command in ("init", "today", "session", "log", "history", "map", "drill"):
        out = cli(command, "--help")
        assert "--db" in out


def test_drill_stores_ratings(url: str) -> None:
    result = runner.invoke(
        app, ["drill", "--minutes", "2", "--time-scale", "0.001", "--no-sound", "--db", url],
        input="6\n\n4\n7\n5\n3\n6\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Drill done; ratings stored" in result.output
    from mindmuscle.services.drills import list_drill_ratings
    from mindmuscle.store import open_database

    ratings = list_drill_ratings(db=open_database(url), user_id=1)
    assert ratings and ratings[0].rating == 6


def test_drill_json_prints_the_plan_without_storing(url: str) -> None:
    planned = json.loads(cli("drill", "--json", "--minutes", "10", "--db", url))
    # No ratings yet: 8 muscles, 5 x (flex 2 s, hold 5 s, release 5 s) + 15 s to switch = 600 s.
    assert planned["total_s"] == 600 and len(planned["items"]) == 8
    first = planned["items"][0]
    assert (first["flex_s"], first["hold_s"], first["release_s"], first["reps"]) == (
        2.0,
        5.0,
        5.0,
        5,
    )
    from mindmuscle.services.drills import list_drill_ratings
    from mindmuscle.store import open_database

    assert list_drill_ratings(db=open_database(url), user_id=1) == []


def test_a_drill_day_points_to_the_drill(url: str) -> None:
    cli("today", "--sleep", "2", "--energy", "2", "--stress", "4", "--focus", "2", "--db", url)
    out = runner.invoke(app, session_args(url), input="").output
    assert "Today: drill" in out and "mindmuscle drill" in out


def test_today_asks_the_readiness_questions_and_checks_the_answers(url: str) -> None:
    ok = runner.invoke(app, ["today", "-e", CURL, "--db", url], input="4\n4\n2\n4\n")
    assert ok.exit_code == 0, ok.output
    assert "Sleep last night" in ok.output and "Today: train" in ok.output
    # A bad answer is asked again; the answers given stay.
    again = runner.invoke(app, ["today", "-e", CURL, "--db", url], input="7\n4\n4\n2\n4\n")
    assert again.exit_code == 0, again.output
    assert "7 is not allowed" in again.stderr
    assert again.output.count("Sleep last night") == 2


def test_plan_reads_the_stored_profile_and_history_and_options_override(url: str) -> None:
    cli("init", "--units", "lb", "--goal", "strength", "--no-input", "--db", url)
    cli("log", CURL, "--load", "30", "--units", "lb", "--reps", "10", "--rating", "7", "--db", url)
    stored = json.loads(cli("plan", "--exercise", CURL, "--json", "--db", url))
    assert (stored["units"], stored["goal"]) == ("lb", "strength")
    (curl,) = [p for p in stored["exercises"] if p["exercise_id"] == CURL]
    assert curl["load_source"] == "history"
    args = ["--exercise", CURL, "--goal", "endurance", "--units", "kg", "--e1rm", f"{CURL}=20"]
    given = json.loads(cli("plan", *args, "--json", "--db", url))
    assert (given["units"], given["goal"]) == ("kg", "endurance")
    (curl,) = [p for p in given["exercises"] if p["exercise_id"] == CURL]
    assert curl["load_source"] == "given" and curl["e1rm_kg"] == 20.0


def test_plan_without_a_database_does_not_create_one(tmp_path: Path, monkeypatch) -> None:
    missing = tmp_path / "none.db"
    monkeypatch.setenv("MINDMUSCLE_DATABASE_URL", f"sqlite:///{missing}")
    out = json.loads(cli("plan", "--exercise", CURL, "--json"))
    assert out["units"] == "kg"
    assert not missing.exists()
