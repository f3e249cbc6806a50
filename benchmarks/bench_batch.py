"""Batch analysis speed: many real motion recordings, against analysing them one by one.

    .venv/bin/python benchmarks/bench_batch.py [--files 49] [--runs 3] [--workers 2]

Data: the watch recordings of ``../shared/data/imu/watch`` (100 Hz, whole sets with the idle
time around them), repeated to ``--files`` files when asked for more.

Rows, each the median of ``--runs``:
* ``analyze_file`` loop (reference): every file read and analysed in turn, in this process;
* ``run_batch``, 1 process: the same through the batch service (its overhead: rows, timing);
* ``run_batch``, N processes: this machine's worker processes (started fresh each run);
* ``run_batch``, Dask: a local Dask cluster of N single-thread worker processes on loopback
  (started once, outside the timing), each file sent as its bytes, as to a lab's cluster.

Every run's counts are checked equal to the reference's. The machine is shared and noisy: read
the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from mindmuscle.services.batch import BatchOptions, batch_files, run_batch
from mindmuscle.services.motion import analyze_file

WATCH = Path(__file__).resolve().parents[2] / "shared" / "data" / "imu" / "watch"


def _median_time(fn: Callable[[], list[int]], runs: int) -> tuple[float, list[int]]:
    times, out = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=0, help="Files (default: every recording).")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not WATCH.is_dir():
        raise SystemExit(f"{WATCH} is absent: the benchmark reads ../shared/data/imu/watch.")
    files = batch_files("motion", [WATCH])
    if args.files:
        files = (files * (args.files // len(files) + 1))[: args.files]
    options = BatchOptions()

    def reference() -> list[int]:
        return [analyze_file(f).reps for f in files]

    def batch(**how: object) -> Callable[[], list[int]]:
        def run() -> list[int]:
            result = run_batch("motion", files, options, **how)  # type: ignore[arg-type]
            return [int(r.values.get("reps") or 0) for r in result.rows]

        return run

    rows: list[tuple[str, float]] = []
    ref_s, ref_counts = _median_time(reference, args.runs)
    rows.append(("analyze_file loop (reference)", ref_s))
    for name, fn in (
        ("run_batch, 1 process", batch(workers=1)),
        (f"run_batch, {args.workers} processes", batch(workers=args.workers)),
    ):
        seconds, counts = _median_time(fn, args.runs)
        assert counts == ref_counts, f"{name}: counts differ from the reference"
        rows.append((name, seconds))
    try:
        from distributed import LocalCluster
    except ImportError:
        print("(Dask is not installed: the lab extra; its row is left out)")
    else:
        with LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            seconds, counts = _median_time(batch(scheduler=cluster.scheduler_address), args.runs)
        assert counts == ref_counts, "Dask: counts differ from the reference"
        rows.append((f"run_batch, Dask ({args.workers} worker processes)", seconds))

    recorded = sum(float(analyze_file(f).duration_s) for f in files[:1]) * len(files)
    print(f"\n{len(files)} watch recordings, median of {args.runs} runs\n")
    print("| how | seconds | files/s | vs reference |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {len(files) / seconds:.1f} | {ref_s / seconds:.2f}x |")
    print(f"\n(about {recorded / 60:.0f} min of recordings)")


if __name__ == "__main__":
    main()
