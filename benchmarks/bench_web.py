"""Web app latency with ten years of history: the today page, the progress page, recording a set.

Generates about 100,000 sets (ten years, five sessions a week, half of them rated), starts the
real server (uvicorn in a subprocess on a free loopback port, one worker) and loads it with 50
concurrent clients (httpx, asyncio). Each endpoint is measured in its own phase with a bounded
number of requests, in two load models:

- ``gym``: 50 lifters, each sending a request and then pausing 0.5-1.5 s (random, seeded), the
  way phones at a gym use the app (about 50 requests/s in all);
- ``flood``: 50 clients sending back to back with no pause (the server's ceiling).

The reference row in each model is ``GET /api/csrf``, the cheapest route of the same server:
the floor of the stack (uvicorn, FastAPI, the load generator) in the same run.

Goals (issue 4): p95 under 50 ms for pages and under 20 ms for recording a set, no errors.
Issue 14: the same on PostgreSQL with 4 workers (``--postgres-url``, or MINDMUSCLE_TEST_PG_URL
as CI sets it): a database of its own is created there and dropped afterwards, and a last table
compares SQLite with ``--workers`` and PostgreSQL with ``--pg-workers``, the first plan of the
day (goal under 0.5 s) included.

    .venv/bin/python benchmarks/bench_web.py [--sets 100000] [--requests 1000] [--clients 100]
        [--postgres-url postgresql+psycopg://...] [--pg-workers 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from mindmuscle.catalog import load_catalog
from mindmuscle.coach.models import Profile
from mindmuscle.server import WORKER_HEALTHCHECK_S
from mindmuscle.services.history import logged_sets, user_catalog
from mindmuscle.services.profile import save_profile
from mindmuscle.services.sessions import preview_plan
from mindmuscle.store import open_database
from mindmuscle.store.tables import ReflectionRow, SetRow

EXERCISES = [
    "barbell_back_squat", "barbell_bench_press", "conventional_deadlift", "barbell_row",
    "barbell_overhead_press", "lat_pulldown", "dumbbell_biceps_curl", "cable_triceps_pushdown",
    "dumbbell_lateral_raise", "leg_press", "leg_curl", "leg_extension", "cable_fly",
    "seated_cable_row", "romanian_deadlift", "standing_calf_raise", "face_pull", "hammer_curl",
]  # fmt: skip


def generate_history(db_url: str, n_sets: int, now: datetime) -> int:
    """Insert about ``n_sets`` sets over ten years (5 sessions a week); returns the count."""
    rng = random.Random(0)
    catalog = load_catalog()
    for e in EXERCISES:
        catalog.exercise(e)
    db = open_database(db_url)
    save_profile(db=db, user_id=1, profile=Profile(experience="experienced"))
    days = 10 * 365
    sessions = int(days * 5 / 7)
    per_session = max(1, round(n_sets / sessions))
    start = now - timedelta(days=days)
    sets: list[dict[str, Any]] = []
    reflections: list[dict[str, Any]] = []
    set_id = 0
    for k in range(sessions):
        day = start + timedelta(days=k * 7 / 5, hours=rng.uniform(6, 20))
        progress = k / sessions
        chosen = rng.sample(EXERCISES, 5)
        for i in range(per_session):
            ex = chosen[i % len(chosen)]
            set_id += 1
            u = str(uuid.UUID(int=set_id))
            sets.append(
                {
                    "id": set_id, "user_id": 1, "uuid": u, "exercise_id": ex,
                    "performed_at": day + timedelta(minutes=3 * i),
                    "load_kg": round(20 + 60 * progress + rng.uniform(-5, 5), 1),
                    "reps": rng.randint(6, 12), "set_type": "working", "rir": rng.randint(0, 4),
                    "tempo": {"eccentric_s": 3, "bottom_pause_s": 0, "concentric_s": 1,
                              "top_squeeze_s": 1},
                    "focus_mode": rng.choice(["internal", "external"]), "source": "log",
                    "notes": "",
                }
            )  # fmt: skip
            if rng.random() < 0.5:
                rating = min(10, max(0, round(4 + 4 * progress + rng.gauss(0, 1.5))))
                reflections.append(
                    {
                        "user_id": 1, "set_id": set_id, "set_uuid": u,
                        "target_rating": rating,
                        "felt_elsewhere": {}, "focus_rating": rng.randint(4, 9), "note": "",
                    }
                )  # fmt: skip
    with db.session() as s:
        for i in range(0, len(sets), 5000):
            s.execute(insert(SetRow), sets[i : i + 5000])
        for i in range(0, len(reflections), 5000):
            s.execute(insert(ReflectionRow), reflections[i : i + 5000])
        if db.dialect == "postgresql":  # the ids were given: move the sequence past them
            s.execute(
                text("SELECT setval(pg_get_serial_sequence('sets', 'id'), MAX(id)) FROM sets")
            )
    db.close()
    # Ten years of sets were written over ten years, and autovacuum has seen them: a database
    # loaded a moment ago has no statistics and no visibility map yet, so it is analysed here.
    engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    return len(sets)


def plan_in_process(db_url: str, now: datetime) -> tuple[float, float]:
    """Seconds to plan from the history's totals and recent sets, and from every set."""
    db = open_database(db_url)
    try:
        catalog = user_catalog(db=db, user_id=1)
        t0 = time.perf_counter()
        summed = preview_plan(db=db, user_id=1, now=now, readiness=None, catalog=catalog)
        totals_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        every = logged_sets(db=db, user_id=1)
        full = preview_plan(
            db=db, user_id=1, now=now, readiness=None, catalog=catalog, history=every
        )
        every_s = time.perf_counter() - t0
    finally:
        db.close()
    if summed != full:
        raise SystemExit("the plan from the totals differs from the plan from every set")
    return totals_s, every_s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, db_url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "MINDMUSCLE_DATA_DIR": str(data_dir), "MINDMUSCLE_DATABASE_URL": db_url}
    cmd = [
        sys.executable, "-m", "uvicorn", "mindmuscle.web:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--no-access-log", "--workers", str(workers),
        "--timeout-worker-healthcheck", str(WORKER_HEALTHCHECK_S),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/csrf", timeout=1).status_code == 200:
                settle(proc.pid)
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def _cpu_ticks(pid: int) -> int:
    """CPU time (clock ticks) of ``pid`` and its child processes (the workers), from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total


def settle(pid: int, timeout_s: float = 120.0) -> None:
    """Wait until the server's processes are idle: the first worker answers while the others
    still start, and the first plan of the day on a running server does not share the cores
    with starting workers."""
    if not Path(f"/proc/{pid}/stat").exists():
        return
    deadline = time.monotonic() + timeout_s
    last = _cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = _cpu_ticks(pid)
        if now - last <= 5:  # at most 50 ms of CPU in the last second
            return
        last = now


async def run_phase(
    base: str,
    token: str,
    cookies: dict[str, str],
    make_request: Any,
    *,
    clients: int,
    total: int,
    think_s: tuple[float, float] | None,
    seed: int,
) -> tuple[list[float], int]:
    """``total`` requests from ``clients`` concurrent clients; latencies in ms and errors."""
    latencies: list[float] = []
    errors = 0
    failures: list[str] = []
    remaining = total
    # A connection idle for as long as the server keeps it (uvicorn: 5 s) may be closed by the
    # server just as the client sends on it; clients drop idle connections earlier (as browsers
    # retry such a request, which httpx does not).
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0
    )

    async def client(i: int, http: httpx.AsyncClient) -> None:
        nonlocal remaining, errors
        rng = random.Random(seed * 1000 + i)
        if think_s:
            await asyncio.sleep(rng.uniform(0, think_s[1]))  # lifters do not arrive together
        while remaining > 0:
            remaining -= 1
            method, path, body = make_request(rng)
            t0 = time.perf_counter()
            try:
                r = await http.request(method, path, json=body)
                ok = r.status_code == 200
                if not ok:
                    failures.append(f"{r.status_code} {r.text[:120]}")
            except httpx.HTTPError as exc:
                ok = False
                failures.append(repr(exc))
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += not ok
            if think_s:
                await asyncio.sleep(rng.uniform(*think_s))

    async with httpx.AsyncClient(
        base_url=base,
        headers={"X-CSRF-Token": token},
        cookies=cookies,
        limits=limits,
        timeout=60,
    ) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    for f in sorted(set(failures))[:3]:
        print("  error:", f)
    return latencies, errors


def fsync_ms(folder: Path, n: int = 200) -> list[float]:
    """Times of writing and fsyncing 100 bytes in ``folder``: the floor of a durable commit."""
    out = []
    path = folder / "fsync-probe"
    with path.open("wb") as fh:
        for _ in range(n):
            t0 = time.perf_counter()
            fh.write(b"x" * 100)
            fh.flush()
            os.fsync(fh.fileno())
            out.append((time.perf_counter() - t0) * 1000)
    path.unlink()
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


Row = tuple[str, str, list[float], int, float, float | None]


def run_config(
    label: str, db_url: str, data_dir: Path, *, workers: int, clients: int, requests: int,
    n_sets: int,
) -> dict[str, Any]:  # fmt: skip
    """Generate the history in ``db_url``, start the server and run every phase."""
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    n = generate_history(db_url, n_sets, now)
    print(
        f"[{label}] history: {n} sets over ten years, written in {time.perf_counter() - t0:.1f} s"
    )
    totals_s, every_s = plan_in_process(db_url, now)
    print(f"[{label}] plan in process: {totals_s:.2f} s from the totals, {every_s:.2f} s from "
          "every set (the reference: the way it was); the same plan")  # fmt: skip
    proc, base = start_server(data_dir, db_url, workers)
    rows: list[Row] = []
    try:
        http = httpx.Client(base_url=base, timeout=120)
        token = http.get("/api/csrf").json()["token"]
        http.headers["X-CSRF-Token"] = token
        t0 = time.perf_counter()
        r = http.post("/api/today", json={"readiness": {"sleep": 4, "energy": 4, "stress": 2,
                                                           "focus": 4}})  # fmt: skip
        r.raise_for_status()
        plan_s = time.perf_counter() - t0
        plan = r.json()
        print(f"[{label}] today's plan from {n} sets (once a day): {plan_s:.2f} s")
        t0 = time.perf_counter()
        assert http.get("/progress").status_code == 200
        progress_s = time.perf_counter() - t0
        print(f"[{label}] progress computed from {n} sets (first view; then cached): "
              f"{progress_s:.2f} s")  # fmt: skip
        for _ in range(4 * workers - 1):  # new connections, so every worker reads it once
            assert httpx.get(f"{base}/progress", timeout=120).status_code == 200
        p = plan["plan"]["exercises"][0]

        def set_request(rng: random.Random) -> tuple[str, str, dict[str, Any]]:
            body = {
                "uuid": str(uuid.UUID(int=rng.getrandbits(122) | (4 << 76))),
                # Not in today's session: a thousand sets would make it a session no one trains.
                "session_id": None, "exercise_id": p["exercise_id"],
                "set_index": rng.randint(0, p["sets"] - 1), "performed_at": now.isoformat(),
                "reps": rng.randint(8, 12), "load_kg": p["load_kg"], "tempo": p["tempo"],
                "focus_mode": p["focus"]["mode"], "cue": p["focus"]["cue"],
                "reflection": {"target_rating": rng.randint(3, 9), "focus_rating": 7,
                               "reps_in_reserve": 2, "felt_elsewhere": {}},
                "prescription": p,
            }  # fmt: skip
            return "POST", "/api/sets", body

        phases: list[tuple[str, Any, float | None]] = [
            ("GET /api/csrf (reference)", lambda rng: ("GET", "/api/csrf", None), None),
            ("GET /today", lambda rng: ("GET", "/today", None), 50.0),
            ("GET /progress", lambda rng: ("GET", "/progress", None), 50.0),
            ("POST /api/sets", set_request, 20.0),
        ]
        cookies = dict(http.cookies)
        for model, think in (("gym", (0.5, 1.5)), ("flood", None)):
            for seed, (name, make, goal) in enumerate(phases):
                t0 = time.perf_counter()
                lat, errors = asyncio.run(
                    run_phase(base, token, cookies, make, clients=clients,
                              total=requests, think_s=think, seed=seed)
                )  # fmt: skip
                wall = time.perf_counter() - t0
                rows.append((model, name, lat, errors, wall, goal))
        stored = len(http.get("/api/sets", params={"limit": 1000}).json())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"\n[{label}] {clients} concurrent clients, {requests} requests per row, "
          f"{workers} uvicorn worker(s), {n} sets of history")  # fmt: skip
    head = f"{'model':6} {'endpoint':28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} "
    print(head + f"{'errors':>6}  goal")
    for model, name, lat, errors, wall, goal in rows:
        p95 = pct(lat, 95)
        verdict = "" if goal is None else f"p95 < {goal:g} ms: {'yes' if p95 < goal else 'NO'}"
        print(
            f"{model:6} {name:28} {statistics.median(lat):8.1f} {p95:8.1f} {pct(lat, 99):8.1f} "
            f"{len(lat) / wall:7.0f} {errors:6d}  {verdict}"
        )
    print(f"(the last 1000 sets read back: {stored})")
    return {
        "label": label, "n": n, "plan_s": plan_s, "progress_s": progress_s, "rows": rows,
        "totals_s": totals_s, "every_s": every_s,
    }  # fmt: skip


def compare(results: list[dict[str, Any]]) -> None:
    """One table: each configuration in a column."""
    labels = [r["label"] for r in results]
    width = max(24, *(len(label) + 2 for label in labels))
    print("\n" + f"{'':40}" + "".join(f"{label:>{width}}" for label in labels))
    print(f"{'first plan of the day (s, goal < 0.5)':40}"
          + "".join(f"{r['plan_s']:>{width}.2f}" for r in results))  # fmt: skip
    print(f"{'  in process, from the totals (s)':40}"
          + "".join(f"{r['totals_s']:>{width}.2f}" for r in results))  # fmt: skip
    print(f"{'  in process, from every set (ref., s)':40}"
          + "".join(f"{r['every_s']:>{width}.2f}" for r in results))  # fmt: skip
    print(f"{'first progress view (s)':40}"
          + "".join(f"{r['progress_s']:>{width}.2f}" for r in results))  # fmt: skip
    for i, (model, name, *_rest) in enumerate(results[0]["rows"]):
        cells = []
        for r in results:
            lat, errors = r["rows"][i][2], r["rows"][i][3]
            cells.append(f"{pct(lat, 95):.1f} ms / {errors} err")
        print(f"{model + ' ' + name + ' p95':40}" + "".join(f"{c:>{width}}" for c in cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", type=int, default=100_000, help="sets of history to generate")
    ap.add_argument("--requests", type=int, default=1000, help="requests per endpoint and model")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument(
        "--postgres-url",
        default=os.environ.get("MINDMUSCLE_TEST_PG_URL"),
        help="a PostgreSQL server (any database of it; the benchmark creates its own database "
        "there) to compare with: SQLite with --workers against PostgreSQL with --pg-workers "
        "(default: MINDMUSCLE_TEST_PG_URL; none: SQLite only)",
    )
    ap.add_argument("--pg-workers", type=int, default=4)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mm-bench-"))
    results = [
        run_config(
            f"SQLite, {args.workers} worker(s)", f"sqlite:///{tmp / 'bench.db'}", tmp,
            workers=args.workers, clients=args.clients, requests=args.requests, n_sets=args.sets,
        )
    ]  # fmt: skip
    if args.postgres_url:
        name = f"mm_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        pg_url = make_url(args.postgres_url).set(database=name)
        pg_url = pg_url.difference_update_query(["options"])
        try:
            pg_dir = tmp / "pg"
            pg_dir.mkdir()
            results.append(
                run_config(
                    f"PostgreSQL, {args.pg_workers} workers",
                    pg_url.render_as_string(hide_password=False), pg_dir,
                    workers=args.pg_workers, clients=args.clients, requests=args.requests,
                    n_sets=args.sets,
                )
            )  # fmt: skip
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
    compare(results)
    floor = fsync_ms(tmp)
    print(f"reference: fsync of the database disk alone (a set is durable only after one): "
          f"p50 {statistics.median(floor):.1f} ms, p95 {pct(floor, 95):.1f} ms")  # fmt: skip
    print(f"(the SQLite database is in {tmp})")


if __name__ == "__main__":
    main()
