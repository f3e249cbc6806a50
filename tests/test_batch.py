"""Many recordings at once: every row equals the single-file analysis of its file, on this
machine's processes and on a real Dask scheduler on loopback; a file that cannot be read gets a
row with the reason and the others go on."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.errors import InvalidInputError
from mindmuscle.services.batch import BatchOptions, analyse_one, batch_files, run_batch
from mindmuscle.services.motion import analyze_file

WATCH = Path(__file__).resolve().parents[2] / "shared" / "data" / "imu" / "watch"
needs_watch = pytest.mark.skipif(
    not (WATCH / "labels.csv").is_file(), reason=f"{WATCH} is absent (../shared/data)"
)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """Three real watch recordings (with their labels beside them) and a file that is not one."""
    if not (WATCH / "labels.csv").is_file():
        pytest.skip(f"{WATCH} is absent (../shared/data)")
    out = tmp_path / "lab"
    out.mkdir()
    for f in sorted(WATCH.glob("*.csv"))[:3]:  # labels.csv sorts after the recordings
        if f.name != "labels.csv":
            shutil.copy(f, out / f.name)
    shutil.copy(WATCH / "labels.csv", out / "labels.csv")
    (out / "notes.csv").write_text("day,what\n2026-12-01,bench\n", encoding="utf-8")
    return out


def _recordings(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.csv") if p.name not in ("labels.csv", "notes.csv"))


def test_a_folder_gives_its_recordings_without_the_labels_beside_them(folder: Path) -> None:
    files = batch_files("motion", [folder])
    assert [f.name for f in files] == sorted([p.name for p in _recordings(folder)] + ["notes.csv"])
    # A file named twice (alone and in its folder) is analysed once.
    again = batch_files("motion", [files[0], folder])
    assert again.count(files[0]) == 1 and len(again) == len(files)
    with pytest.raises(InvalidInputError, match=r"^'nowhere' is not a file or a folder\.$"):
        batch_files("motion", ["nowhere"])
    empty = folder / "empty"
    empty.mkdir()
    with pytest.raises(InvalidInputError, match=r"^No emg file found in what was given"):
        batch_files("emg", [empty])


def test_every_row_is_the_single_file_analysis_and_a_bad_file_keeps_its_reason(
    folder: Path,
) -> None:
    files = batch_files("motion", [folder])
    seen = []
    one = run_batch("motion", files, BatchOptions(), workers=1, on_row=lambda r: seen.append(r))
    two = run_batch("motion", files, BatchOptions(), workers=2)
    assert [r.file for r in one.rows] == [str(f) for f in files]
    assert len(seen) == len(files)
    assert [(r.file, r.values, r.error) for r in one.rows] == [
        (r.file, r.values, r.error) for r in two.rows
    ]
    assert two.where == "this machine, 2 processes"
    for rec in _recordings(folder):
        row = next(r for r in one.rows if r.file == str(rec))
        alone = analyze_file(rec)
        assert row.error is None
        assert (row.values["reps"], row.values["active_start_s"]) == (
            alone.reps,
            alone.active_start_s,
        )
    (bad,) = one.refused
    assert bad.file == str(folder / "notes.csv") and bad.values == {}
    assert "missing column(s) ax, ay, az" in (bad.error or "")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed", reason="the lab extra (Dask) is absent")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield str(cluster.scheduler_address)


def test_a_dask_cluster_gives_the_same_rows_from_the_files_bytes(
    folder: Path, scheduler: str
) -> None:
    assert scheduler.startswith("tcp://127.0.0.1:")
    files = batch_files("motion", [folder])
    here = run_batch("motion", files, BatchOptions(), workers=1)
    there = run_batch("motion", files, BatchOptions(), scheduler=scheduler)
    assert there.where == f"the Dask cluster at {scheduler}"
    assert [(r.file, r.values, r.error) for r in there.rows] == [
        (r.file, r.values, r.error) for r in here.rows
    ]


def test_an_unreachable_scheduler_is_one_line() -> None:
    pytest.importorskip("distributed", reason="the lab extra (Dask) is absent")
    with pytest.raises(InvalidInputError) as err:
        run_batch("motion", [Path("x.csv")], BatchOptions(), scheduler="tcp://127.0.0.1:9")
    text = str(err.value)
    assert text.startswith("No Dask scheduler answered at 'tcp://127.0.0.1:9' (")
    assert text.endswith("give its address, e.g. tcp://10.0.0.5:8786.") and "\n" not in text


def test_the_terminal_writes_every_row_and_names_what_it_refused(
    folder: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "rows.csv"
    result = runner.invoke(app, ["batch", "motion", str(folder), "--out", str(out)])
    n = len(_recordings(folder))
    lines = result.output.splitlines()
    assert result.exit_code == 1, result.output
    assert lines[0].startswith(f"Analysed {n + 1} files in ")
    assert lines[0].endswith(f"{n} analysed, 1 refused; rows in {out}.")
    assert lines[1].startswith(f"Refused: {folder / 'notes.csv'}, line 1: missing column(s)")
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == n + 1
    assert list(rows[0])[:3] == ["file", "reps", "partial_reps"] and list(rows[0])[-1] == "error"
    by_file = {Path(r["file"]).name: r for r in rows}
    first = _recordings(folder)[0]
    assert by_file[first.name]["reps"] == str(analyze_file(first).reps)
    assert by_file["notes.csv"]["reps"] == "" and by_file["notes.csv"]["error"]

    as_json = tmp_path / "rows.json"
    result = runner.invoke(app, ["batch", "motion", *map(str, _recordings(folder)), "-o",
                                 str(as_json), "--workers", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(json.loads(as_json.read_text(encoding="utf-8"))["rows"]) == n

    bad = runner.invoke(app, ["batch", "motion", str(folder), "--out", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2
    assert "'--out'" in bad.output and "give a .csv or a .json file" in bad.output


@needs_watch
def test_one_file_is_analysed_as_its_command_does() -> None:
    rec = sorted(WATCH.glob("*_R*.csv"))[0]
    row = analyse_one("motion", rec, BatchOptions())
    assert row.error is None and row.values["reps"] == analyze_file(rec).reps
    assert row.seconds > 0
