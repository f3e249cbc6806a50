"""Bad invocations of the command line: one line ``Error: ...`` on stderr, exit 1 (2 for usage).

Never a traceback, never a raw validation dump. The cases of issue 13 are listed one by one; more
argument lists are generated (hypothesis) from every safe command's own options and a pool of
bad values.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

from mindmuscle.catalog.models import Tempo
from mindmuscle.cli import app, load_all_commands
from mindmuscle.signals.motion import STANDARD_GRAVITY_MS2, simulate_set

FORBIDDEN = (
    "Traceback",
    "validation error",
    "pydantic",
    "input_value",
    "This is a bug",  # an exception no one words: the catch-all line
)


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a database, a motion recording and a few bad files."""
    root = tmp_path_factory.mktemp("cli-errors")
    runner = CliRunner()
    result = runner.invoke(app, ["db", "upgrade", "--db", str(root / "m.db")])
    assert result.exit_code == 0, result.output
    sim = simulate_set(reps=4, tempo=Tempo.parse("2-0-1-0"), seed=1)
    rows = np.column_stack([sim.t_s, sim.acc_ms2 / STANDARD_GRAVITY_MS2])
    lines = ["t,ax,ay,az"] + [",".join(f"{v:.6f}" for v in row) for row in rows]
    (root / "set.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "header_only.csv").write_text("t,ax,ay,az\n", encoding="utf-8")
    (root / "emg_header_only.csv").write_text("t,biceps\n", encoding="utf-8")
    # No time column: the sampling rate must be given (each channel names its own control).
    (root / "no_time.csv").write_text("ax,ay,az\n" + "0,0,1\n" * 50, encoding="utf-8")
    (root / "emg_no_time.csv").write_text("biceps\n" + "0.1\n" * 50, encoding="utf-8")
    (root / "rec.mat").write_bytes(b"MATLAB 5.0 MAT-file, Platform: GLNXA64" + bytes(range(256)))
    (root / "text.db").write_text("not a database\n", encoding="utf-8")
    (root / "binary.csv").write_bytes(bytes(range(256)) * 4)
    return root


def _env(place: Path) -> dict[str, str]:
    return {
        "MINDMUSCLE_DATA_DIR": str(place / "data"),
        "MINDMUSCLE_DATABASE_URL": f"sqlite:///{place / 'm.db'}",
        "COLUMNS": "80",
    }


def _check(result_code: int, stderr: str, args: list[str]) -> None:
    assert result_code in (1, 2), f"{args}: exit {result_code}\n{stderr}"
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"{args}: {len(lines)} lines on stderr:\n{stderr}"
    assert lines[0].startswith("Error: "), f"{args}: {lines[0]}"
    assert lines[0].isprintable(), f"{args}: control characters in {lines[0]!r}"
    for word in FORBIDDEN:
        assert word not in stderr, f"{args}: {word!r} in {stderr}"


def _invoke(place: Path, args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    # In a folder of its own: a generated value may be taken as a file name (--out 9,9).
    work = place / "cwd"
    work.mkdir(exist_ok=True)
    with contextlib.chdir(work):
        result = CliRunner().invoke(app, args, env={**_env(place), **(env or {})}, input="")
    return result.exit_code, result.stderr


EX = "barbell_bench_press"
LOG = ["log", EX, "--reps", "5", "--rating", "7"]

# (args, extra environment, expected exit code, a phrase the line must hold)
CASES: list[tuple[list[str], dict[str, str], int, str]] = [
    (["export", "--out", "/nonexistent/dir/x.csv"], {}, 1, "folder /nonexistent/dir"),
    (["motion", "{place}/set.csv", "--plot", "/nonexistent/dir/out.png"], {}, 1, "/nonexistent"),
    (["plan"], {"MINDMUSCLE_UNITS": "stone"}, 1, "MINDMUSCLE_UNITS"),
    (["plan"], {"MINDMUSCLE_PORT": "abc"}, 1, "MINDMUSCLE_PORT='abc'"),
    (["serve"], {"MINDMUSCLE_PORT": "abc"}, 1, "from 1 to 65535"),
    (["plan"], {"MINDMUSCLE_SQLITE_BUSY_TIMEOUT_MS": "-1"}, 1, "at least 0"),
    (["plan"], {"MINDMUSCLE_PRODUCTION": "maybe"}, 1, "true or false"),
    ([*LOG, "--mode", "sideways"], {}, 2, "sideways"),
    ([*LOG, "--set-type", "banana"], {}, 2, "banana"),
    (["init", "--bar", "-20", "--no-input"], {}, 1, "-20"),
    (["motion", "{place}/set.csv", "--rate", "-5"], {}, 2, "-5 Hz"),
    (["motion", "{place}/set.csv", "--rate", "0"], {}, 2, "0 Hz"),
    (["emg", "{place}/set.csv", "--notch", "55"], {}, 2, "55 Hz"),
    (["emg", "{place}/set.csv", "--rate", "-1"], {}, 2, "-1 Hz"),
    (["motion", "{place}/header_only.csv"], {}, 1, "no samples"),
    (["motion", "{place}/header_only.csv", "--rate", "50"], {}, 1, "no samples"),
    (["emg", "{place}/emg_header_only.csv"], {}, 1, "no data rows"),
    (["emg", "{place}/rec.mat"], {}, 1, "MATLAB"),
    (["emg", "{place}/binary.csv"], {}, 1, "binary"),
    (
        [
            "today",
            "--sleep",
            "3",
            "--energy",
            "3",
            "--stress",
            "3",
            "--focus",
            "3",
            "--sore",
            "front_delt=4",
        ],
        {},
        1,
        "front_delt=2",
    ),
    ([*LOG, "--elsewhere", "front_delt=11"], {}, 1, "front_delt"),
    (["history", "--db", "/nonexistent/dir/x.db"], {}, 1, "No MindMuscle database"),
    (["map", "--db", "/nonexistent/dir/x.db"], {}, 1, "No MindMuscle database"),
    (["export", "--db", "/nonexistent/dir/x.db"], {}, 1, "No MindMuscle database"),
    (["exercises", "--db", "/nonexistent/dir/x.db"], {}, 1, "(nothing was created)"),
    (["plan", "--db", "/nonexistent/dir/x.db"], {}, 1, "(nothing was created)"),
    (["set", "show", "1", "--db", "/nonexistent/dir/x.db"], {}, 1, "(nothing was created)"),
    (["workout", "show", "1", "--db", "/nonexistent/dir/x.db"], {}, 1, "(nothing was created)"),
    (["exercise", "show", EX, "--db", "/nonexistent/dir/x.db"], {}, 1, "(nothing was created)"),
    (["history", "--db", "{place}/text.db"], {}, 1, "not a SQLite database"),
    (["plan", "--db", "{place}/text.db"], {}, 1, "not a SQLite database"),
    (["plan", "--db", "postgresql+psycopg://u:p@127.0.0.1:1/x"], {}, 1, ""),
    (["history", "--db", "mysql://u@h/x"], {}, 1, "not supported"),
    (["exercise", "no_such_exercise"], {}, 1, "no_such_exercise"),
    (["exercises", "--muscle", "no_such_muscle"], {}, 1, "no_such_muscle"),
    (["exercises", "--mechanic", "sideways"], {}, 2, "sideways"),
    (["evidence", "no_such_study"], {}, 1, "no_such_study"),
    (["plan", "--readiness", "9,9,9,9"], {}, 1, "1-5"),
    (["plan", "--readiness", "a,b"], {}, 1, "SLEEP,ENERGY"),
    (["plan", "--goal", "muscle"], {}, 1, "muscle"),
    (["plan", "--experience", "guru"], {}, 1, "guru"),
    (["plan", "--units", "stone"], {}, 1, "stone"),
    (["plan", "--e1rm", "barbell_back_squat=abc"], {}, 1, "abc"),
    (["plan", "--e1rm", "barbell_back_squat=-5"], {}, 1, "above 0"),
    (["plan", "--sore", "quadriceps=2"], {}, 1, "--readiness"),
    (["plan", "-e", "no_such_exercise"], {}, 1, "no_such_exercise"),
    (["import", "/nonexistent/log.csv"], {}, 1, "no such file"),
    (["import", "{place}/binary.csv"], {}, 1, "not a known workout-log export"),
    (["import", "{place}/set.csv", "--threshold", "2"], {}, 2, "--threshold"),
    (["import", "{place}/set.csv", "--map", "nothing"], {}, 1, "NAME=EXERCISE_ID"),
    (["export", "--format", "xml"], {}, 2, "xml"),
    (["motion", "/nonexistent/set.csv"], {}, 1, "/nonexistent/set.csv"),
    (["motion", "{place}/set.csv", "--units", "furlongs"], {}, 2, "furlongs"),
    (["motion", "{place}/set.csv", "--plot", "{place}/out.gif"], {}, 1, ".png or .html"),
    (["motion", "{place}/set.csv", "--tempo", "fast"], {}, 1, "fast"),
    (["motion", "{place}/set.csv", "--format", "xyz"], {}, 1, "xyz"),
    (["emg", "/nonexistent/emg.csv"], {}, 1, "/nonexistent/emg.csv"),
    (["emg", "{place}/set.csv", "--units", "kV"], {}, 2, "kV"),
    (["motion", "{place}/no_time.csv"], {}, 1, "Give the sampling rate with --rate HZ."),
    (["emg", "{place}/emg_no_time.csv"], {}, 1, "Give the sampling rate with --rate HZ."),
    (["motion", "evaluate", "-e", "no_such_exercise"], {}, 1, "no_such_exercise"),
    (["log", "no_such_exercise", "--reps", "5", "--rating", "5"], {}, 1, "no_such_exercise"),
    (["log", EX, "--reps", "-1", "--rating", "5"], {}, 2, "--reps"),
    (["log", EX, "--reps", "5", "--rating", "11"], {}, 2, "--rating"),
    ([*LOG, "--tempo", "abc"], {}, 1, "abc"),
    ([*LOG, "--at", "yesterday"], {}, 2, "--at yesterday is not allowed: it must be a date"),
    ([*LOG, "--units", "stone"], {}, 2, "stone"),
    (["today", "--sleep", "9"], {}, 2, "--sleep"),
    (["init", "--units", "stone", "--no-input"], {}, 1, "stone"),
    (["init", "--plates", "a,b", "--no-input"], {}, 1, "a,b"),
    (["init", "--goal", "muscle", "--no-input"], {}, 1, "muscle"),
    (["init", "--bodyweight", "-70", "--no-input"], {}, 1, "-70"),
    (["init", "--dumbbell-step", "30", "--dumbbell-max", "10", "--no-input"], {}, 1, "the rack"),
    (["serve", "--port", "0"], {}, 2, "--port"),
    (["experiment", "status", "999"], {}, 1, "999"),
    (["experiment", "new", "--preset", "no_such_preset"], {}, 1, "no_such_preset"),
    (["experiment", "new", "--loads", "a,b"], {}, 1, "a,b"),
    (["no-such-command"], {}, 2, "No such command"),
    (["plan", "--no-such-option"], {}, 2, "--no-such-option"),
    (["history", "--limit", "0"], {}, 2, "--limit 0 is not allowed: it must be greater than"),
    ([*LOG, "--load", "nan"], {}, 2, "--load nan is not allowed"),
    ([*LOG, "--uuid", "notauuid"], {}, 1, "--uuid 'notauuid' is not allowed: a set's uuid"),
    (
        [*LOG[:-2], "--rating", "7.5"],
        {},
        2,
        "--rating 7.5 is not allowed: a rating must be a whole",
    ),
    (["import", "{place}/set.csv", "--threshold=2"], {}, 2, "--threshold 2 is not allowed"),
    (["catalog", "import", "/nonexistent/exercises.json"], {}, 1, "/nonexistent"),
]


def _fill(args: list[str], place: Path) -> list[str]:
    return [a.replace("{place}", str(place)) for a in args]


def test_there_are_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    ("args", "env", "code", "phrase"), CASES, ids=[" ".join(c[0])[:60] for c in CASES]
)
def test_bad_invocation_is_one_line(
    place: Path, args: list[str], env: dict[str, str], code: int, phrase: str
) -> None:
    args = _fill(args, place)
    exit_code, stderr = _invoke(place, args, env)
    _check(exit_code, stderr, args)
    assert exit_code == code, f"{args}: {stderr}"
    assert phrase.replace("{place}", str(place)) in stderr, f"{args}: {stderr}"


def test_nothing_was_created_by_the_bad_invocations(place: Path) -> None:
    assert not Path("/nonexistent").exists()
    assert not (place / "data").exists()


@pytest.fixture
def read_only_sqlite() -> Iterator[None]:
    """Every SQLite connection refuses writes (as a read-only file does, even for root)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def query_only(dbapi_conn: object, _record: object) -> None:
        dbapi_conn.execute("PRAGMA query_only = ON")  # type: ignore[attr-defined]

    event.listen(Engine, "connect", query_only)
    try:
        yield
    finally:
        event.remove(Engine, "connect", query_only)


def test_a_read_only_database_is_one_line_and_stores_nothing(
    place: Path, read_only_sqlite: None
) -> None:
    args = [*LOG, "--db", str(place / "m.db")]
    exit_code, stderr = _invoke(place, args)
    _check(exit_code, stderr, args)
    assert "read-only" in stderr or "readonly" in stderr


def test_in_a_real_process_no_warning_or_traceback_leaks(place: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(place), **_env(place)}
    exe = str(Path(sys.executable).with_name("mindmuscle"))
    for args in (
        ["motion", f"{place}/header_only.csv", "--rate", "50"],
        ["emg", f"{place}/rec.mat"],
        ["plan", "--db", "postgresql+psycopg://u:p@127.0.0.1:1/x"],
        ["history", "--db", "/nonexistent/dir/x.db"],
    ):
        proc = subprocess.run(
            [exe, *args], capture_output=True, text=True, env=env, timeout=120, check=False
        )
        _check(proc.returncode, proc.stderr, args)
        assert "Warning" not in proc.stderr


# Generated argument lists: every safe command with its own options and bad values.
SAFE = [
    "plan",
    "exercises",
    "exercise",
    "evidence",
    "history",
    "map",
    "motion",
    "emg",
    "log",
    "init",
    "export",
    "import",
    "today",
]
BAD_VALUES = [
    "-5",
    "0",
    "abc",
    "nan",
    "inf",
    "1e309",
    "",
    "=",
    "x=y",
    "front_delt=99",
    "9,9",
    "{place}/gen/missing/f.csv",
    "99999999999999999999",
    "-",
    "💪",
    "--",
]


def _options() -> dict[str, list[str]]:
    load_all_commands()
    root = get_command(app)
    out: dict[str, list[str]] = {}
    for name in SAFE:
        command = root.commands[name]  # type: ignore[attr-defined]
        out[name] = sorted(
            o for p in command.params for o in p.opts if o.startswith("--") and o != "--help"
        )
    return out


OPTIONS = _options()


@st.composite
def bad_invocations(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(SAFE))
    args = [command]
    if command in ("motion", "emg", "import"):
        args.append(draw(st.sampled_from(["{place}/set.csv", "{place}/rec.mat", "/nope.csv"])))
    elif command in ("exercise", "log"):
        args.append(draw(st.sampled_from([EX, "no_such", ""])))
    for _ in range(draw(st.integers(1, 3)) if OPTIONS[command] else 0):
        args.append(draw(st.sampled_from(OPTIONS[command])))
        args.append(draw(st.sampled_from(BAD_VALUES)))
    if command == "log":
        args += ["--reps", "5", "--rating", "5"]
    if command == "init":
        args.append("--no-input")
    if command == "today":
        args += ["--json"]
    return args


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=bad_invocations())
def test_generated_bad_invocations(place: Path, args: list[str]) -> None:
    args = _fill(args, place)
    exit_code, stderr = _invoke(place, args)
    if exit_code == 0:
        return  # some generated lists are valid (e.g. --limit 5)
    _check(exit_code, stderr, args)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["export", "--format", "xml"],
            "Error: --format xml is not allowed: choose one of csv, json. "
            "See 'mindmuscle export --help'.",
        ),
        (
            ["log", EX, "--reps", "-1", "--rating", "5"],
            "Error: --reps -1 is not allowed: the reps must be a whole number from 0 to 200. "
            "See 'mindmuscle log --help'.",
        ),
        (
            ["log", EX, "--reps", "5", "--rating", "11"],
            "Error: --rating 11 is not allowed: a rating must be a whole number from 0 to 10. "
            "See 'mindmuscle log --help'.",
        ),
        (
            ["serve", "--port", "99999"],
            "Error: --port 99999 is not allowed: it must be a whole number from 1 to 65535. "
            "See 'mindmuscle serve --help'.",
        ),
    ],
)
def test_a_refused_option_value_says_what_was_given_and_what_is_allowed(
    place: Path, args: list[str], line: str
) -> None:
    # Exit 2: the command line itself is refused before the command runs (README, "Other
    # commands"); the words are the set model's own, as in the API.
    exit_code, stderr = _invoke(place, args)
    assert (exit_code, stderr.strip()) == (2, line)


def test_a_file_argument_that_is_no_file_names_what_was_given(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "bad"
    folder.mkdir()
    db = ["--db", f"sqlite:///{tmp_path / 'm.db'}"]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    log = "give the path of an exported log."
    gone = tmp_path / "gone.csv"
    cases = [
        (["import", str(folder)], f"Error: {folder} is a folder; give a file: the path of an "
         "exported log."),
        (["import", "/dev/null"], f"Error: /dev/null is empty; {log}"),
        (["import", str(gone)], f"Error: {gone}: no such file; {log}"),
        (["export", "-o", str(folder)], f"Error: --out {folder} is a folder; give a file, such "
         f"as {folder / 'sets.csv'}."),
        (["serve", "--host", "nonsense.invalid"], "Error: Cannot find host nonsense.invalid; "
         "give an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every network)."),
    ]  # fmt: skip
    for args, line in cases:
        r = runner.invoke(app, [*args, *db])
        assert (r.exit_code, r.output) == (1, line + "\n"), args
    assert sorted(p.name for p in folder.iterdir()) == []
    r = runner.invoke(app, ["import", str(empty), *db])
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {empty}") and "is empty" in r.output
