"""Experiments end to end: design, a scripted run with an EMG file per set, analysis and report."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mindmuscle.catalog import find_unsupported_claims, load_catalog
from mindmuscle.cli import app
from mindmuscle.coach.models import Reflection
from mindmuscle.errors import FileFormatError, InvalidInputError, NotFoundError
from mindmuscle.services.experiments import (
    AnalysisResult,
    analyze_experiment,
    attach_experiment_set,
    experiment_session,
    experiment_status,
    new_experiment,
    record_experiment_set,
)
from mindmuscle.services.sessions import GuidedRun
from mindmuscle.session import LoopOptions
from mindmuscle.store import Database, open_database, repo

SFREQ_HZ = 1000.0
USER = 1
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
FAST = LoopOptions(time_scale=0.001, visualisation_s=1, count_in_s=0)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(f"sqlite:///{tmp_path / 'mm.db'}")


def write_emg(
    path: Path,
    amplitudes: dict[str, float],
    *,
    reps: int = 5,
    seed: int = 0,
    with_time: bool = True,
) -> Path:
    """A synthetic set: ``reps`` bursts of 0.6 s (noise times the amplitude) with 0.4 s rests."""
    rng = np.random.default_rng(seed)
    burst, rest = int(0.6 * SFREQ_HZ), int(0.4 * SFREQ_HZ)
    gate = np.concatenate([np.zeros(rest)] + [np.r_[np.ones(burst), np.zeros(rest)]] * reps)
    cols = {ch: (0.02 + a * gate) * rng.normal(0.0, 1.0, gate.size) for ch, a in amplitudes.items()}
    header = (["t"] if with_time else []) + list(cols)
    t = np.arange(gate.size) / SFREQ_HZ
    table = np.column_stack(([t] if with_time else []) + list(cols.values()))
    np.savetxt(path, table, delimiter=",", header=",".join(header), comments="", fmt="%.5g")
    return path


def run_experiment(db: Database, tmp_path: Path, *, ratio: float) -> int:
    """Design and run a curl experiment where internal-cue sets have ``ratio`` x biceps EMG."""
    info = new_experiment(
        db=db,
        user_id=USER,
        exercise_id="dumbbell_biceps_curl",
        conditions=["internal", "external"],
        loads_pct_e1rm=[40, 60, 80],
        sets_per_condition=3,
        seed=11,
        e1rm_kg=20.0,
    )
    design = info.design
    target = design.channels[design.targets[0]]
    for s in info.sets:
        amps = {ch: 0.5 for ch in design.channels.values()}
        amps[target] = (ratio if s.condition == "internal" else 1.0) * s.load_pct_e1rm / 60.0
        f = write_emg(tmp_path / f"set{s.number}.csv", amps, seed=s.number)
        record_experiment_set(
            db=db,
            user_id=USER,
            experiment_id=info.id,
            set_number=s.number,
            target_rating=7 if s.condition == "internal" else 5,
            now=T0 + timedelta(minutes=3 * s.number),
            emg_path=f,
        )
    return info.id


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnalysisResult, Path]:
    """One experiment run and analysed (internal-cue sets have 1.3 x the biceps EMG)."""
    tmp_path = tmp_path_factory.mktemp("run")
    db = open_database(f"sqlite:///{tmp_path / 'mm.db'}")
    exp_id = run_experiment(db, tmp_path, ratio=1.3)
    info = experiment_status(db=db, user_id=USER, experiment_id=exp_id)
    assert info.status == "done" and info.n_done == 18 and info.next_set is None
    result = analyze_experiment(
        db=db,
        user_id=USER,
        experiment_id=exp_id,
        report_path=tmp_path / "out" / "report.html",
        png_dir=tmp_path / "figs",
        n_resamples=500,
    )
    db.close()
    return result, tmp_path


def test_designed_run_and_analysed_into_a_report(analysed: tuple[AnalysisResult, Path]) -> None:
    result, _ = analysed
    a = result.analysis
    target = a.design.targets[0]
    assert a.n_recorded == 18
    for load in (40.0, 60.0, 80.0):
        internal = a.cell("internal", load)
        external = a.cell("external", load)
        assert internal.n_sets == external.n_sets == 3
        assert internal.reps.mean == 5.0  # five bursts found in every file
        assert internal.target_rating.mean == 7.0 and external.target_rating.mean == 5.0
        ratio = internal.peak_mvc[target].mean / external.peak_mvc[target].mean  # type: ignore[operator]
        # the envelope of noise bursts scales with the amplitude: 1.3 within 5%
        assert ratio == pytest.approx(1.3, rel=0.05)
        effect = a.effect("internal", "peak_mvc", target, load)
        assert effect.comparison.g is not None and effect.comparison.g > 2.0
        assert effect.comparison.ci_low is not None and effect.comparison.ci_low > 0.0
        # 20 arrangements of 3 + 3 sets: the exact smallest two-sided p-value is 2 / 20
        assert effect.comparison.exact_p and effect.comparison.p_value == pytest.approx(0.1)
    overall = a.effect("internal", "peak_mvc", target, None)
    assert overall.comparison.kind == "paired" and overall.comparison.n_a == 3
    assert overall.comparison.mean_difference is not None
    assert overall.comparison.mean_difference > 5.0

    html = Path(result.report_path or "").read_text(encoding="utf-8")
    assert "What this data can and cannot show" in html
    assert "activation, not growth" in html and "vigotsky2022" in html
    assert "halperin2016" in html
    assert "Plotly.newPlot" in html and f'id="activation-{target}"' in html
    assert not re.search(r"<script[^>]+src=", html), "the report must not load scripts"
    assert "highest repetition peak" in html
    assert a.activation_unit == "% of peak" and "peak activation (% of peak)" in html
    names = sorted(Path(p).name for p in result.png_paths)
    assert f"activation_{target}.png" in names and "ratings.png" in names
    for p in result.png_paths:
        assert Path(p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_text_makes_no_unsupported_claim(analysed: tuple[AnalysisResult, Path]) -> None:
    result, _ = analysed
    html = Path(result.report_path or "").read_text(encoding="utf-8")
    body = html.split("</head>", 1)[1]
    text = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    claims = load_catalog().claims
    assert find_unsupported_claims(text, claims) == []
    assert find_unsupported_claims(" ".join(result.analysis.limitations), claims) == []


def test_equal_conditions_show_no_effect(db: Database, tmp_path: Path) -> None:
    exp_id = run_experiment(db, tmp_path, ratio=1.0)
    a = analyze_experiment(db=db, user_id=USER, experiment_id=exp_id, n_resamples=500).analysis
    effect = a.effect("internal", "peak_mvc", a.design.targets[0], 60.0)
    assert effect.comparison.p_value is not None and effect.comparison.p_value > 0.05
    assert effect.comparison.ci_low is not None and effect.comparison.ci_high is not None
    assert effect.comparison.ci_low < 0.0 < effect.comparison.ci_high


def test_records_are_stored_as_sets_with_cue_and_recording(db: Database, tmp_path: Path) -> None:
    info = new_experiment(db=db, user_id=USER, preset="calatayud2016", seed=2, e1rm_kg=100.0)
    assert len(info.sets) == 15 and info.status == "planned"
    first = info.next_set
    assert first is not None and first.load_pct_e1rm == 20.0 and first.load_kg == 20.0
    f = write_emg(tmp_path / "s1.csv", {"pec_sternal": 1.0, "triceps": 0.6}, with_time=False)
    rec = record_experiment_set(
        db=db,
        user_id=USER,
        experiment_id=info.id,
        set_number=1,
        target_rating=6,
        now=T0,
        emg_path=f,
        sfreq_hz=SFREQ_HZ,
    )
    assert rec.emg_reps == 5 and rec.reps == 5 and rec.load_kg == 20.0
    assert set(rec.peak) == {"pec_sternal", "triceps"}
    with db.session() as s:
        row = repo.get_set(session=s, user_id=USER, uuid=rec.set_uuid)
        assert row.source == "experiment" and row.exercise_id == "barbell_bench_press"
        assert row.focus_mode == first.focus and row.cue == first.cue
        assert row.reflection is not None and row.reflection.target_rating == 6
        recs = repo.list_recordings(session=s, user_id=USER, set_uuid=rec.set_uuid)
        assert len(recs) == 1 and recs[0].kind == "emg" and recs[0].file_name == "s1.csv"
    after = experiment_status(db=db, user_id=USER, experiment_id=info.id)
    assert after.status == "running" and after.sets[0].done and after.next_set is not None
    assert after.next_set.number == 2
    with pytest.raises(InvalidInputError, match="already recorded"):
        record_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=1, target_rating=5, now=T0
        )
    with pytest.raises(InvalidInputError, match="sets are 1-15"):
        record_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=16, target_rating=5, now=T0
        )
    with pytest.raises(NotFoundError, match="No experiment with id 99"):
        experiment_status(db=db, user_id=USER, experiment_id=99)
    # with one set recorded there is nothing to compare yet, and the report says so
    a = analyze_experiment(db=db, user_id=USER, experiment_id=info.id, n_resamples=100).analysis
    assert all(e.comparison.g is None for e in a.effects)
    assert any("1 of 15 planned sets" in n for n in a.limitations)


def test_no_load_without_e1rm_asks_for_one(db: Database, tmp_path: Path) -> None:
    info = new_experiment(db=db, user_id=USER, preset="curl-focus", seed=1)
    with pytest.raises(InvalidInputError, match="so the load you lifted is needed"):
        record_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=1, target_rating=5, now=T0
        )
    rec = record_experiment_set(
        db=db,
        user_id=USER,
        experiment_id=info.id,
        set_number=1,
        target_rating=5,
        now=T0,
        load_kg=12.0,
        reps=10,
    )
    assert rec.reps == 10 and rec.emg_reps == 0 and rec.peak == {}


def test_bad_emg_file_is_named_with_line_and_column(db: Database, tmp_path: Path) -> None:
    info = new_experiment(db=db, user_id=USER, preset="calatayud2016", seed=2, e1rm_kg=100.0)
    f = tmp_path / "bad.csv"
    f.write_text("t,pec_sternal,triceps\n0,1,1\n0.001,x,2\n")
    with pytest.raises(FileFormatError, match=r"bad\.csv, line 3, column pec_sternal"):
        record_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=1, target_rating=5, now=T0,
            emg_path=f,
        )  # fmt: skip
    assert experiment_status(db=db, user_id=USER, experiment_id=info.id).n_done == 0


def test_mvc_recording_gives_percent_mvc(db: Database, tmp_path: Path) -> None:
    info = new_experiment(db=db, user_id=USER, preset="calatayud2016", seed=2, e1rm_kg=100.0)
    mvc = write_emg(tmp_path / "mvc.csv", {"pec_sternal": 2.0, "triceps": 2.0}, reps=1, seed=99)
    for s in info.sets[:6]:
        f = write_emg(tmp_path / f"s{s.number}.csv", {"pec_sternal": 1.0, "triceps": 0.5})
        record_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=s.number, target_rating=5,
            now=T0, emg_path=f, mvc_path=mvc,
        )  # fmt: skip
    a = analyze_experiment(db=db, user_id=USER, experiment_id=info.id, n_resamples=100).analysis
    assert "pec_sternal: % of its MVC recording" in a.normalisation
    assert a.activation_unit == "%MVC"
    for c in a.cells:
        if c.n_sets:
            # bursts of half (a quarter) of the MVC amplitude: 50% (25%) MVC within 10%
            assert c.peak_mvc["pec_sternal"].mean == pytest.approx(50.0, rel=0.1)
            assert c.peak_mvc["triceps"].mean == pytest.approx(25.0, rel=0.1)


def test_wrong_channels_in_emg_file(db: Database, tmp_path: Path) -> None:
    info = new_experiment(db=db, user_id=USER, preset="calatayud2016", seed=2, e1rm_kg=100.0)
    f = write_emg(tmp_path / "s.csv", {"deltoid": 1.0})
    with pytest.raises(FileFormatError, match="none of the design's EMG channels"):
        record_experiment_set(
            db=db,
            user_id=USER,
            experiment_id=info.id,
            set_number=1,
            target_rating=5,
            now=T0,
            emg_path=f,
        )


def test_new_experiment_errors(db: Database) -> None:
    with pytest.raises(InvalidInputError, match="Unknown preset 'nope'"):
        new_experiment(db=db, user_id=USER, preset="nope")
    with pytest.raises(InvalidInputError, match="not both"):
        new_experiment(db=db, user_id=USER, preset="curl-focus", exercise_id="barbell_curl")
    with pytest.raises(InvalidInputError, match="Give a preset"):
        new_experiment(db=db, user_id=USER)
    with pytest.raises(InvalidInputError, match="Unknown exercise id 'curlz'"):
        new_experiment(db=db, user_id=USER, exercise_id="curlz")
    with pytest.raises(InvalidInputError, match="outside 1-100%"):
        new_experiment(db=db, user_id=USER, exercise_id="barbell_curl", loads_pct_e1rm=[150])
    with pytest.raises(InvalidInputError, match="Sets per condition is 0"):
        new_experiment(db=db, user_id=USER, exercise_id="barbell_curl", sets_per_condition=0)
    drawn = new_experiment(db=db, user_id=USER, preset="curl-focus")
    assert 0 <= drawn.design.seed < 2**31


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MINDMUSCLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MINDMUSCLE_DATABASE_URL", raising=False)
    return tmp_path


def test_cli_new_status_record_analyze(cli_env: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        app, ["experiment", "new", "--preset", "curl-focus", "--seed", "3", "--json"]
    )
    assert out.exit_code == 0, out.output
    created = json.loads(out.output)
    assert created["design"]["seed"] == 3 and len(created["sets"]) == 10
    exp_id = str(created["id"])

    status = json.loads(runner.invoke(app, ["experiment", "status", exp_id, "--json"]).output)
    nxt = status["next"]
    assert nxt["number"] == 1 and status["n_done"] == 0
    channels = created["design"]["channels"]
    for s in created["sets"][:2]:
        amps = {ch: 0.5 for ch in channels.values()}
        f = write_emg(cli_env / f"s{s['number']}.csv", amps, seed=s["number"])
        rec = runner.invoke(
            app,
            [
                "experiment", "record", exp_id, "--set", str(s["number"]), "--emg", str(f),
                "--rating", "7", "--load", "12",
            ],
        )  # fmt: skip
        assert rec.exit_code == 0, rec.output
        assert f"Recorded set {s['number']}" in rec.output
        assert f"Next: set {s['number'] + 1} of 10" in rec.output
    text = runner.invoke(app, ["experiment", "status", exp_id]).output
    assert "(running, 2 of 10 sets done)" in text
    third = created["sets"][2]
    cue = third["cue"]
    assert f"Next: set 3 of 10, {third['condition']}, 60% e1RM, 10 reps; cue: {cue}" in text

    report = cli_env / "report.html"
    res = runner.invoke(
        app,
        ["experiment", "analyze", exp_id, "--report", str(report), "--png-dir",
         str(cli_env / "png"), "--json", "--resamples", "500"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["analysis"]["n_recorded"] == 2
    assert report.is_file() and (cli_env / "png" / "ratings.png").is_file()
    listed = json.loads(runner.invoke(app, ["experiment", "list", "--json"]).output)
    assert listed == [
        {"id": 1, "title": created["design"]["title"], "status": "running", "n_done": 2,
         "n_sets": 10}
    ]  # fmt: skip
    assert "running   2/10" in runner.invoke(app, ["experiment", "list"]).output
    plain = runner.invoke(app, ["experiment", "analyze", exp_id, "--resamples", "200"]).output
    assert "internal vs external, biceps peak activation (% of peak), 60% e1RM" in plain
    assert "No statistics: 1 and 1 sets" in plain
    assert "not growth" in plain


def test_cli_errors_are_one_line(cli_env: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["experiment", "new", "--exercise", "barbell_curl", "--loads", "0,60"])
    assert bad.exit_code == 1
    assert "Error: Load 0% e1RM is outside 1-100%" in bad.output
    assert "Traceback" not in bad.output
    words = runner.invoke(app, ["experiment", "new", "--exercise", "barbell_curl", "--loads", "a"])
    assert words.exit_code == 1 and "must be numbers separated by commas" in words.output
    missing = runner.invoke(app, ["experiment", "status", "42"])
    assert missing.exit_code == 1 and "No experiment with id 42" in missing.output
    none = runner.invoke(
        app, ["experiment", "new", "--exercise", "barbell_curl", "--conditions", "internal"]
    )
    assert none.exit_code == 1 and "needs at least two" in none.output


def test_cli_help_texts() -> None:
    runner = CliRunner()
    for cmd in ("new", "status", "record", "analyze", "list"):
        out = runner.invoke(app, ["experiment", cmd, "--help"])
        assert out.exit_code == 0 and "Usage" in out.output


# --- inside a normal guided session ---------------------------------------------------------------


def test_experiment_runs_in_a_guided_session_with_an_emg_file_per_set(
    db: Database, tmp_path: Path
) -> None:
    info = new_experiment(
        db=db,
        user_id=USER,
        exercise_id="dumbbell_biceps_curl",
        conditions=["internal", "external", "none"],
        loads_pct_e1rm=[50, 70],
        sets_per_condition=1,
        seed=5,
        e1rm_kg=30.0,
    )
    sess = experiment_session(db=db, user_id=USER, experiment_id=info.id, now=T0)
    assert sess.set_numbers == [1, 2, 3, 4, 5, 6]
    planned = {s.number: s for s in info.sets}
    for p, number in zip(sess.plan.exercises, sess.set_numbers, strict=True):
        assert p.sets == 1 and p.reps == (planned[number].reps,) * 2
        assert p.focus.mode == planned[number].focus
        assert p.focus.cue == (planned[number].cue or "")
        # 15 / 21 kg (50% / 70% of 30 kg) on 2 kg dumbbell steps: ties go to the lighter load
        assert p.load_kg == {50.0: 14.0, 70.0: 20.0}[planned[number].load_pct_e1rm]

    run = GuidedRun.start(db=db, user_id=USER, session_id=sess.session_id, options=FAST)
    run.handle(run.loop.start(0), now=T0)
    now_ms = 0
    shown: list[tuple[str, str]] = []
    while run.loop.state != "summary":
        loop = run.loop
        assert loop.state == "prime"
        events = loop.ready(now_ms)
        started = next(e for e in events if e.type == "set_started")
        shown.append((started.focus_mode, started.cue))
        run.handle(events, now=T0)
        while loop.state == "set":
            now_ms = max(now_ms, loop.next_due_ms() or now_ms)
            run.handle(loop.advance(now_ms), now=T0)
        number = sess.set_numbers[loop.position[0]]
        condition = planned[number].condition
        events = loop.reflect(
            now_ms,
            Reflection(target_rating=8 if condition == "internal" else 5),
            reps=loop.reps_done,
            load_kg=loop.current.load_kg if loop.current else None,
            set_uuid=run.new_set_uuid(),
        )
        stored = run.handle(events, now=T0 + timedelta(minutes=number))
        assert len(stored) == 1
        amps = {"biceps": 1.3 if condition == "internal" else 1.0, "forearm_flexors": 0.5}
        emg = write_emg(tmp_path / f"g{number}.csv", amps, seed=number)
        rec = attach_experiment_set(
            db=db,
            user_id=USER,
            experiment_id=info.id,
            set_number=number,
            set_uuid=stored[0].uuid,
            emg_path=emg,
        )
        assert rec.emg_reps == 5 and rec.condition == condition
        if run.loop.state == "rest":
            run.handle(run.loop.skip_rest(now_ms), now=T0)
    # the loop showed each condition's cue, and no cue for the uncued control
    assert sorted(shown) == sorted(
        (planned[n].focus, planned[n].cue or "") for n in sess.set_numbers
    )
    assert ("none", "") in shown
    done = experiment_status(db=db, user_id=USER, experiment_id=info.id)
    assert done.status == "done"
    a = analyze_experiment(db=db, user_id=USER, experiment_id=info.id, n_resamples=200).analysis
    internal = a.cell("internal", 50.0).peak_mvc["biceps"].mean
    external = a.cell("external", 50.0).peak_mvc["biceps"].mean
    assert internal is not None and external is not None
    assert internal / external == pytest.approx(1.3, rel=0.05)
    assert a.cell("internal", 70.0).target_rating.mean == 8.0
    with pytest.raises(InvalidInputError, match="Every set of experiment 1 is recorded"):
        experiment_session(db=db, user_id=USER, experiment_id=info.id, now=T0)


def test_attaching_a_set_of_another_condition_is_refused(db: Database) -> None:
    info = new_experiment(db=db, user_id=USER, preset="curl-focus", seed=1, e1rm_kg=20.0)
    sess = experiment_session(db=db, user_id=USER, experiment_id=info.id, now=T0, max_sets=2)
    assert sess.set_numbers == [1, 2] and len(sess.plan.exercises) == 2
    first, second = info.sets[0], info.sets[1]
    assert first.focus != second.focus
    other = record_experiment_set(
        db=db, user_id=USER, experiment_id=info.id, set_number=2, target_rating=5, now=T0
    )
    with pytest.raises(InvalidInputError, match="was done with focus"):
        attach_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=1, set_uuid=other.set_uuid
        )
    with pytest.raises(NotFoundError, match="No set with id 'nope'"):
        attach_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=1, set_uuid="nope"
        )


def test_experiment_commands_use_the_database_given_with_db(tmp_path: Path) -> None:
    runner = CliRunner()
    mine, other = str(tmp_path / "mine.db"), str(tmp_path / "other.db")
    made = runner.invoke(
        app, ["experiment", "new", "--preset", "curl-focus", "--json", "--db", mine]
    )
    assert made.exit_code == 0, made.output
    assert (
        len(json.loads(runner.invoke(app, ["experiment", "list", "--json", "--db", mine]).output))
        == 1
    )
    assert (
        json.loads(runner.invoke(app, ["experiment", "list", "--json", "--db", other]).output) == []
    )


def test_a_deleted_set_leaves_the_analysis_until_restored(db: Database) -> None:
    from mindmuscle.services import history as history_service

    info = new_experiment(db=db, user_id=USER, preset="curl-focus", seed=1, e1rm_kg=20.0)
    recs = [
        record_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=n, target_rating=5, now=T0
        )
        for n in (1, 2)
    ]

    def recorded() -> int:
        a = analyze_experiment(db=db, user_id=USER, experiment_id=info.id, n_resamples=100)
        return a.analysis.n_recorded

    assert recorded() == 2
    history_service.delete_set(db=db, user_id=USER, ref=recs[1].set_uuid, now=T0)
    assert recorded() == 1
    with pytest.raises(InvalidInputError, match="is deleted; restore it"):
        attach_experiment_set(
            db=db, user_id=USER, experiment_id=info.id, set_number=3, set_uuid=recs[1].set_uuid
        )
    history_service.restore_set(db=db, user_id=USER, ref=recs[1].set_uuid, now=T0)
    assert recorded() == 2
