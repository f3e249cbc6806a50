"""Log import speed and memory against a bare ``csv.reader`` pass over the same file, in one run.

    .venv/bin/python benchmarks/bench_import.py [--sets 10000 100000] [--runs 3]

Data: generated Strong semicolon exports (the S2 dialect, with a unit column, decimal commas in
RPE, durations like ``1h 23m``): 25 sets per workout, 5 exercises (one not in the catalogue).

Rows per file size:
* ``csv.reader`` (reference): the file read row by row with the csv module, nothing else;
* ``open_log`` (parse): MindMuscle's reader: detection, every value checked and converted,
  exercise blocks, the import key of every set;
* ``import_file`` (SQLite): parse + exercise matching + dedupe queries + inserts, one
  transaction, into a new SQLite file.

Time is the median of ``--runs`` (the import runs once per size: a second run would dedupe).
Peak memory is traced with tracemalloc in separate runs; "constant memory" means the parse
peak does not grow with the file.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from mindmuscle.io.logs import open_log
from mindmuscle.services.imports import import_file
from mindmuscle.store import open_database

EXERCISES = (
    "Bench Press (Barbell)",
    "Squat (Barbell)",
    "Lat Pulldown (Machine)",
    "Lateral Raise (Dumbbell)",
    "My Own Carry",
)
HEADER = (
    "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
    "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n"
)


def write_export(path: Path, n_sets: int) -> None:
    start = datetime(2015, 1, 1, 7, 30)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for i in range(n_sets):
            w, k = divmod(i, 25)
            e, s = divmod(k, 5)
            day = (start + timedelta(days=w)).strftime("%Y-%m-%d %H:%M:%S")
            load = 20 + (w % 40) * 2.5 + s
            fh.write(
                f'{day};"Day {w % 3}";{EXERCISES[e]};{s + 1};{load:g};kg;{8 + s % 3};8,5;;;;'
                f";;1h {w % 60}m\n"
            )


def csv_reference(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh, delimiter=";")) - 1


def parse(path: Path) -> int:
    with open_log(path) as log:
        return sum(1 for _ in log)


def timed(fn: Callable[[], int], runs: int) -> tuple[float, int]:
    times = []
    n = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), n


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n_sets in args.sets:
            path = Path(tmp) / f"strong-{n_sets}.csv"
            write_export(path, n_sets)
            size_mib = path.stat().st_size / 2**20
            ref_s, n_ref = timed(lambda p=path: csv_reference(p), args.runs)
            parse_s, n_parse = timed(lambda p=path: parse(p), args.runs)
            assert n_ref == n_parse == n_sets, (n_ref, n_parse, n_sets)
            parse_peak = peak_mib(lambda p=path: parse(p))

            def run_import(p: Path = path, label: str = "a") -> int:
                db = open_database(str(Path(tmp) / f"{p.stem}-{label}.db"))
                try:
                    return import_file(db=db, user_id=1, path=p).sets_added
                finally:
                    db.close()

            import_s, n_added = timed(run_import, 1)
            assert n_added == n_sets
            import_peak = peak_mib(lambda p=path: run_import(p, "mem"))
            rows.append((n_sets, size_mib, ref_s, parse_s, parse_peak, import_s, import_peak))
    head = (
        f"{'sets':>8} {'MiB':>6} {'csv.reader s':>12} {'parse s':>8} {'x csv':>6} "
        f"{'sets/s':>8} {'parse peak MiB':>14} {'import s':>9} {'sets/s':>8} "
        f"{'import peak MiB':>15}"
    )
    print(head)
    print("-" * len(head))
    for n, mib, ref_s, parse_s, parse_peak, import_s, import_peak in rows:
        print(
            f"{n:>8} {mib:>6.1f} {ref_s:>12.3f} {parse_s:>8.3f} {parse_s / ref_s:>6.1f} "
            f"{n / parse_s:>8.0f} {parse_peak:>14.2f} {import_s:>9.2f} {n / import_s:>8.0f} "
            f"{import_peak:>15.2f}"
        )
    if len(rows) > 1:
        growth = rows[-1][4] / rows[0][4]
        factor = rows[-1][0] / rows[0][0]
        print(f"\nparse peak memory grows x{growth:.2f} for x{factor:.0f} more sets")


if __name__ == "__main__":
    main()
