"""Start-up of the ``mindmuscle`` command against ``python -c pass``, in CPU seconds.

    .venv/bin/python benchmarks/bench_cli.py [--runs 5] [--sets 3000]

Each command runs as a child process ``--runs`` times; its CPU time (user + system, from
``resource.getrusage(RUSAGE_CHILDREN)``) is the median of the runs. CPU time, not wall time:
the machine is shared, and waiting for a core is not the command's cost. The reference row is a
bare interpreter (``python -c pass``) measured in the same run; "over python" is what MindMuscle
itself costs. The data folder is a fresh temporary one holding a database with ``--sets`` sets
imported from a generated Strong export (the size of a few years of logging), so ``history``
and ``plan`` read real rows.

Goals (issue 13): ``--help`` and ``--version`` within 0.3 s CPU, ``exercises``, ``plan --json``
and ``history`` within 1 s CPU.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_import import write_export

MINDMUSCLE = [str(Path(sys.executable).with_name("mindmuscle"))]  # the console script
COMMANDS: list[tuple[str, list[str], float]] = [
    ("--help", ["--help"], 0.3),
    ("--version", ["--version"], 0.3),
    ("exercises", ["exercises"], 1.0),
    ("plan --json", ["plan", "--json"], 1.0),
    ("history", ["history"], 1.0),
]


def cpu_seconds(argv: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        )
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sets", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MINDMUSCLE_")},
            "MINDMUSCLE_DATA_DIR": tmp,
            "COLUMNS": "80",
        }
        export = Path(tmp) / "strong.csv"
        write_export(export, args.sets)
        subprocess.run(
            [*MINDMUSCLE, "import", str(export)],
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        reference = cpu_seconds([sys.executable, "-c", "pass"], env, args.runs)
        rows = [("python -c pass", reference, 0.0, None)]
        for label, argv, goal in COMMANDS:
            t = cpu_seconds([*MINDMUSCLE, *argv], env, args.runs)
            rows.append((f"mindmuscle {label}", t, t - reference, goal))
    print(f"CPU seconds, median of {args.runs} runs; database with {args.sets} sets")
    print(f"{'command':<24} {'CPU s':>7} {'over python':>12} {'goal':>6}  met")
    for label, t, over, goal in rows:
        met = "" if goal is None else ("yes" if t <= goal else "NO")
        shown = "" if goal is None else f"{goal:.1f}"
        print(f"{label:<24} {t:>7.3f} {over:>12.3f} {shown:>6}  {met}")


if __name__ == "__main__":
    main()
