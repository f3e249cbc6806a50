"""Editing, deleting and restoring a set in a long history, and the progress page after each.

Generates about 100,000 sets (ten years, as ``bench_web.py``), then times, in the same process
and the same database:

- the writes: ``edit_set``, ``delete_set`` and ``restore_set`` of the services (validation,
  revision and commit included);
- ``ProgressCache.get`` after each of them (an edit, a delete or a restore makes the cache read
  the user's sets again) against the reference rows of the same run: the cache answering with
  nothing changed, and after one new set (read incrementally, by id).

    .venv/bin/python benchmarks/bench_edits.py [--sets 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import generate_history

from mindmuscle.services import history as history_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.progress import ProgressCache
from mindmuscle.store import open_database


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        n = generate_history(url, args.sets, now)
        db = open_database(url)
        catalog = user_catalog(db=db, user_id=1)
        cache = ProgressCache()
        cache.get(db=db, user_id=1, catalog=catalog, now=now)  # warm
        target = history_service.history(db=db, user_id=1, limit=1)[0].id
        rows: list[tuple[str, list[float]]] = []
        edit_ms: list[float] = []
        delete_ms: list[float] = []
        restore_ms: list[float] = []
        after: dict[str, list[float]] = {"edit": [], "delete": [], "restore": [], "new set": []}
        unchanged: list[float] = []

        def progress() -> float:
            t0 = time.perf_counter()
            cache.get(db=db, user_id=1, catalog=catalog, now=now)
            return (time.perf_counter() - t0) * 1000

        for k in range(args.repeat):
            edit = history_service.SetEdit(reps=5 + k % 3, target_rating=k % 10)
            edit_ms += timed(
                lambda e=edit: history_service.edit_set(  # type: ignore[misc]
                    db=db, user_id=1, ref=target, edit=e, now=now, catalog=catalog
                ),
                1,
            )
            after["edit"].append(progress())
            unchanged.append(progress())
            delete_ms += timed(
                lambda: history_service.delete_set(
                    db=db, user_id=1, ref=target, now=now, catalog=catalog
                ),
                1,
            )
            after["delete"].append(progress())
            restore_ms += timed(
                lambda: history_service.restore_set(
                    db=db, user_id=1, ref=target, now=now, catalog=catalog
                ),
                1,
            )
            after["restore"].append(progress())
            history_service.record_set(
                db=db,
                user_id=1,
                data=history_service.SetInput(
                    exercise_id="leg_extension",
                    performed_at=now - timedelta(minutes=k),
                    load_kg=50.0,
                    reps=8,
                ),
                catalog=catalog,
            )
            after["new set"].append(progress())
        db.close()
    rows = [
        ("edit_set", edit_ms),
        ("delete_set", delete_ms),
        ("restore_set", restore_ms),
        ("progress after an edit", after["edit"]),
        ("progress after a delete", after["delete"]),
        ("progress after a restore", after["restore"]),
        ("progress after a new set (reference)", after["new set"]),
        ("progress, nothing changed (reference)", unchanged),
    ]
    print(f"history: {n} sets; {args.repeat} repetitions; milliseconds")
    print(f"{'':40} {'median':>8} {'max':>8}")
    for name, values in rows:
        print(f"{name:40} {statistics.median(values):8.1f} {max(values):8.1f}")


if __name__ == "__main__":
    main()
