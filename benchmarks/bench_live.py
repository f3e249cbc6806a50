"""Live EMG: 16 channels at 2 kHz through a real LSL outlet on loopback, into the live
pipeline and on to the set page in Chromium.

    .venv/bin/python benchmarks/bench_live.py [--seconds 15] [--minutes N]

A sender process pushes simulated EMG (bursts at known times on every channel) in real time:
a chunk of 20 samples every 10 ms, each stamped with the LSL clock. Each row resolves the
stream by name and runs it for ``--seconds``:

* reference: a bare pylsl inlet that only pulls the chunks (what receiving costs);
* mindmuscle: ``mindmuscle live``'s source, pipeline and frames (20 per second), as the
  command runs them, without drawing; twice on the same stream at once, each in its own
  process: with liblsl's timestamp smoothing (before) and with the gap clock (now), so their
  CPU and latency compare under the same load;
* to Chromium: the real web server (uvicorn) with the stream as its live sensor
  (``serve --live``), and the page's own module (static/js/live.js) in headless Chromium
  receiving the frames over the WebSocket. The latency runs from the sample's LSL timestamp to
  the moment the page received the frame (``performance.timeOrigin + performance.now()``),
  the two clocks aligned in this process (LSL's ``local_clock`` against the wall clock, and the
  page's clock against the wall clock, each to within the alignment shown). CPU is the server
  process's (user + system, every thread) over the wall time. Dropped samples are those the
  server's pipeline found missing from the timestamps.

``--minutes N`` runs only the Chromium row for N minutes (the issue's run is 10).
``--gap-only`` runs only the known gap: a stream whose sending app is silent for 1 s, both ways
of smoothing on it at once: the samples each counts missing, and each sample's time against the
time it was sent with.

Per row: samples sent and received, dropped samples (sent minus received, after the stream
drained), CPU share of one core (user + system time of this process, which includes liblsl's
receiving threads, over the wall time), and the latency from a sample's LSL timestamp to the
frame that shows it (p50, p99, max; the reference row: to the chunk's arrival), from the
first second on: on connecting, an LSL outlet first sends what it buffered, so the first
frames show samples a few hundred milliseconds old.

Goals (issue 16): no dropped sample, under a quarter of one core, p99 under 50 ms from the
sample to the browser.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

FS = 2000.0
N_CHANNELS = 16
CHUNK = 20
_SETTLE_S = 1.0  # on connecting, an LSL outlet sends what it buffered: the first second lags


def _send(name: str, seconds: float, ready: Any, done: Any, result: Any, go: Any = None) -> None:
    """The sender process: real-time pushes of a precomputed 20 s loop of simulated EMG."""
    import pylsl

    from mindmuscle.signals.emg.simulate import simulate_emg

    rng = np.random.default_rng(0)
    bursts = [(1.0 + 3.0 * i, 3.0 + 3.0 * i) for i in range(6)]
    loop = np.vstack(
        [
            simulate_emg(20.0, FS, bursts, amplitudes=[0.2 + 0.02 * c] * 6, rng=rng)
            for c in range(N_CHANNELS)
        ]
    ).T.astype(np.float32)
    info = pylsl.StreamInfo(name, "EMG", N_CHANNELS, FS, "float32", name)
    outlet = pylsl.StreamOutlet(info, chunk_size=CHUNK, max_buffered=60)
    ready.set()
    while not outlet.wait_for_consumers(1.0):
        pass
    if go is not None:
        go.wait(60)  # every receiver is connected
    t0 = pylsl.local_clock()
    sent = 0
    total = int(seconds * FS)
    while sent < total:
        due = min(total, int((pylsl.local_clock() - t0) * FS))
        due -= (due - sent) % CHUNK if due < total else 0
        if due <= sent:
            time.sleep(0.002)
            continue
        idx = np.arange(sent, due) % loop.shape[0]
        # Each sample's timestamp: when it was due, so latency counts from the sensor's moment.
        outlet.push_chunk(loop[idx], timestamp=t0 + (due - 1) / FS)
        sent = due
    result.put(sent)
    done.set()
    time.sleep(3.0)  # keep the outlet until the receiver has drained it


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _run(
    label: str, seconds: float, body: Callable[[str, float, Any], tuple[int, list[float]]]
) -> dict[str, Any]:
    name = f"bench-live-{uuid.uuid4().hex[:8]}"
    ctx = mp.get_context("spawn")
    ready, done, result = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=_send, args=(name, seconds, ready, done, result), daemon=True)
    proc.start()
    ready.wait(30)
    cpu0, wall0 = _cpu(), time.perf_counter()
    received, latencies = body(name, seconds, done)
    cpu, wall = _cpu() - cpu0, time.perf_counter() - wall0
    sent = int(result.get(timeout=30))
    proc.join(10)
    lat = np.array(latencies) * 1000.0
    return {
        "label": label,
        "sent": sent,
        "received": received,
        "dropped": sent - received,
        "cpu_pct": 100.0 * cpu / wall,
        "p50": float(np.percentile(lat, 50)) if lat.size else float("nan"),
        "p95": float(np.percentile(lat, 95)) if lat.size else float("nan"),
        "p99": float(np.percentile(lat, 99)) if lat.size else float("nan"),
        "max": float(lat.max()) if lat.size else float("nan"),
    }


def _paired_receiver(
    name: str, seconds: float, smoothing: str, connected: Any, done: Any, out: Any
) -> None:
    """One receiver process of :func:`_paired`: the pipeline, its CPU and wall time."""
    from mindmuscle.io.live.lsl import LslSource
    from mindmuscle.services.live import build_pipeline, run_live

    source = LslSource(name, timeout_s=10, smoothing=smoothing)  # type: ignore[arg-type]
    source.read(0.0)  # opens the stream
    connected.set()
    mapping = ",".join(f"{c + 1}=muscle{c + 1}" for c in range(N_CHANNELS))
    pipeline = build_pipeline(source, mapping)
    latencies: list[float] = []
    stalls: list[float] = []

    def on_frame(frame: Any, latency: float) -> None:
        if frame.stream == "ok":
            if frame.t >= _SETTLE_S:
                latencies.append(latency)
        else:
            stalls.append(frame.t)

    cpu0, wall0 = _cpu(), time.perf_counter()
    summary = run_live(
        source,
        pipeline,
        on_frame=on_frame,
        seconds=seconds + 30.0,
        should_stop=lambda: done.is_set() and bool(stalls) and stalls[-1] >= seconds - 1.0,
    )
    cpu, wall = _cpu() - cpu0, time.perf_counter() - wall0
    source.close()
    out.put((smoothing, summary.samples, latencies, 100.0 * cpu / wall))


def _paired(seconds: float) -> list[dict[str, Any]]:
    """liblsl's smoothing and the gap clock on one stream at once, each in its own process: the
    same load for both, so their CPU and latency compare within this run."""
    name = f"bench-live-{uuid.uuid4().hex[:8]}"
    ctx = mp.get_context("spawn")
    ready, done, result, go = ctx.Event(), ctx.Event(), ctx.Queue(), ctx.Event()
    sender = ctx.Process(target=_send, args=(name, seconds, ready, done, result, go), daemon=True)
    sender.start()
    ready.wait(30)
    out = ctx.Queue()
    connected = {k: ctx.Event() for k in ("liblsl", "gaps")}
    procs = [
        ctx.Process(target=_paired_receiver, args=(name, seconds, k, ev, done, out), daemon=True)
        for k, ev in connected.items()
    ]
    for p in procs:
        p.start()
    for ev in connected.values():
        ev.wait(60)
    time.sleep(0.5)
    go.set()
    got = {}
    for _ in procs:
        smoothing, received, latencies, cpu_pct = out.get(timeout=seconds + 90)
        got[smoothing] = (received, latencies, cpu_pct)
    sent = int(result.get(timeout=30))
    for p in [*procs, sender]:
        p.join(10)
    rows = []
    for smoothing, label in (
        ("liblsl", "pipeline, liblsl smoothing (before)"),
        ("gaps", "pipeline, gap clock (now)"),
    ):
        received, latencies, cpu_pct = got[smoothing]
        lat = np.array(latencies) * 1000.0
        rows.append(
            {
                "label": label,
                "sent": sent,
                "received": received,
                "dropped": sent - received,
                "cpu_pct": cpu_pct,
                "p50": float(np.percentile(lat, 50)) if lat.size else float("nan"),
                "p95": float(np.percentile(lat, 95)) if lat.size else float("nan"),
                "p99": float(np.percentile(lat, 99)) if lat.size else float("nan"),
                "max": float(lat.max()) if lat.size else float("nan"),
            }
        )
    return rows


def _reference(name: str, seconds: float, done: Any) -> tuple[int, list[float]]:
    import pylsl

    info = pylsl.resolve_byprop("name", name, timeout=10)[0]
    inlet = pylsl.StreamInlet(
        info, max_buflen=60, processing_flags=pylsl.proc_clocksync | pylsl.proc_dejitter
    )
    inlet.open_stream(timeout=10)
    received, latencies = 0, []
    quiet_since = None
    while True:
        _, ts = inlet.pull_chunk(timeout=0.05, max_samples=8192, as_numpy=True)
        now = pylsl.local_clock()
        if len(ts):
            if received >= _SETTLE_S * FS:
                latencies.append(now - float(ts[-1]))
            received += len(ts)
            quiet_since = None
        elif done.is_set():
            quiet_since = quiet_since or now
            if now - quiet_since > 1.0:
                return received, latencies


# --- to Chromium -------------------------------------------------------------------------------

CHROMIUM = Path(os.environ.get("MINDMUSCLE_CHROMIUM", "/usr/bin/chromium"))
_PAGE_PANEL = """
async () => {
  const m = await import("/static/js/live.js");
  const panel = document.createElement("div");
  panel.innerHTML = '<span data-live-basis></span><button data-live-tone hidden></button>'
    + '<div data-live-bars></div><p data-live-state></p>';
  document.body.append(panel);
  const bars = new m.LiveBars(panel, null, { toneAt: () => 0 });
  bars.start(null);
  window.mmBench = bars;
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process, every thread (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _lsl_minus_wall() -> float:
    """LSL's local_clock minus the wall clock, read back to back (the tightest of 50 reads)."""
    import pylsl

    best = (float("inf"), 0.0)
    for _ in range(50):
        w0 = time.time()
        lsl = pylsl.local_clock()
        w1 = time.time()
        best = min(best, (w1 - w0, lsl - (w0 + w1) / 2))
    return best[1]


def _page_minus_wall(page: Any) -> tuple[float, float]:
    """The page's clock minus the wall clock (s), and how tightly that is known (s)."""
    best = (float("inf"), 0.0)
    for _ in range(20):
        w0 = time.time()
        ms = page.evaluate("performance.timeOrigin + performance.now()")
        w1 = time.time()
        best = min(best, (w1 - w0, ms / 1000.0 - (w0 + w1) / 2))
    return best[1], best[0] / 2


def _chromium(name: str, seconds: float, done: Any) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is absent: install Debian's chromium for the browser row")
    folder = Path(tempfile.mkdtemp(prefix="bench-live-"))
    port = _free_port()
    mapping = ",".join(f"{c + 1}=muscle{c + 1}" for c in range(N_CHANNELS))
    env = {
        **os.environ,
        "MINDMUSCLE_DATA_DIR": str(folder),
        "MINDMUSCLE_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "MINDMUSCLE_LIVE_SOURCE": f"lsl:{name}",
        "MINDMUSCLE_LIVE_MAP": mapping,
    }
    cmd = [
        sys.executable, "-m", "uvicorn", "mindmuscle.web:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/csrf", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start: {(folder / 'server.log').read_text()}")
            time.sleep(0.1)
        args = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
            page = browser.new_page(base_url=base, bypass_csp=True)
            page.goto("/session")
            page_minus_wall, page_err = _page_minus_wall(page)
            lsl_minus_wall = _lsl_minus_wall()
            cpu0, wall0 = _proc_cpu_s(server.pid), time.perf_counter()
            page.evaluate(_PAGE_PANEL)
            while not done.is_set():
                page.wait_for_timeout(500)
            page.wait_for_timeout(1500)  # the last frames reach the page
            cpu, wall = _proc_cpu_s(server.pid) - cpu0, time.perf_counter() - wall0
            stats = page.evaluate("window.mmLive")
            page.evaluate("window.mmBench.stop()")
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    receipts = np.array(stats["receipts"], dtype=np.float64).reshape(-1, 3)
    receipts = receipts[receipts[:, 0] > 0]
    first = receipts[0, 0] if receipts.size else 0.0
    # received (page clock, s) -> wall clock -> LSL clock; minus the sample's LSL timestamp
    lsl_received = receipts[:, 1] / 1000.0 - page_minus_wall + lsl_minus_wall
    keep = receipts[:, 0] >= first + _SETTLE_S
    return {
        "latencies": (lsl_received - receipts[:, 0])[keep].tolist(),
        "to_frame": (receipts[:, 2] - receipts[:, 0])[keep].tolist(),
        "to_page": (lsl_received - receipts[:, 2])[keep].tolist(),
        "frames": int(receipts.shape[0]),  # frames of samples ("stalled" ones at the end not)
        "dropped": int(stats["dropped"]),
        "cpu_pct": 100.0 * cpu / wall,
        "align_ms": 1000.0 * page_err,
    }


def _browser_row(seconds: float) -> dict[str, Any]:
    name = f"bench-live-{uuid.uuid4().hex[:8]}"
    ctx = mp.get_context("spawn")
    ready, done, result = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=_send, args=(name, seconds, ready, done, result), daemon=True)
    proc.start()
    ready.wait(30)
    out = _chromium(name, seconds, done)
    sent = int(result.get(timeout=30))
    proc.join(10)
    lat = np.array(out["latencies"]) * 1000.0
    return {
        "label": "mindmuscle to Chromium (WebSocket)",
        "sent": sent,
        "received": f"{out['frames']} fr",
        "frames": out["frames"],
        "dropped": out["dropped"],
        "cpu_pct": out["cpu_pct"],
        "p50": float(np.percentile(lat, 50)) if lat.size else float("nan"),
        "p95": float(np.percentile(lat, 95)) if lat.size else float("nan"),
        "p99": float(np.percentile(lat, 99)) if lat.size else float("nan"),
        "max": float(lat.max()) if lat.size else float("nan"),
        "frames_expected": int(seconds * 20),
        "align_ms": out["align_ms"],
        "legs": {
            name: (float(np.percentile(v, 50)), float(np.percentile(v, 99)))
            for name, v in (
                ("sample -> frame out of the server's pipeline", np.array(out["to_frame"]) * 1e3),
                ("frame out -> received in Chromium", np.array(out["to_page"]) * 1e3),
            )
            if v.size
        },
    }


# --- a known gap -------------------------------------------------------------------------------

GAP_FS = 1000.0
GAP_SECONDS = 8.0
GAP_AT = (3.0, 4.0)  # the sending app hangs: these samples are never sent


def _gap_send(name: str, ready: Any, done: Any, result: Any) -> None:
    """Simulated EMG with bursts and, on a second channel, each sample's number; the samples of
    ``GAP_AT`` are never sent. Real time, 20-sample chunks stamped with each sample's time."""
    import pylsl

    from mindmuscle.signals.emg.simulate import simulate_emg

    n = int(GAP_SECONDS * GAP_FS)
    bursts = [(1.0, 2.5), (4.5, 6.0)]
    x = simulate_emg(GAP_SECONDS, GAP_FS, bursts, amplitudes=[0.5, 0.5])
    table = np.column_stack([x, np.arange(n)]).astype(np.float32)
    info = pylsl.StreamInfo(name, "EMG", 2, GAP_FS, "float32", name)
    outlet = pylsl.StreamOutlet(info, chunk_size=20)
    ready.set()
    while not outlet.wait_for_consumers(1.0):
        pass
    time.sleep(1.0)  # both receivers are connected
    t0 = pylsl.local_clock()
    result.put(t0)
    skip = (int(GAP_AT[0] * GAP_FS), int(GAP_AT[1] * GAP_FS))
    for i in range(0, n, 20):
        time.sleep(max(0.0, t0 + i / GAP_FS - pylsl.local_clock()))
        if skip[0] <= i < skip[1]:
            continue
        outlet.push_chunk(table[i : i + 20], timestamp=t0 + (i + 19) / GAP_FS)
    done.set()
    time.sleep(2.0)


def _gap_receive(name: str, smoothing: str, done: Any, out: dict[str, Any]) -> None:
    from mindmuscle.io.live.lsl import LslSource
    from mindmuscle.services.live import build_pipeline, run_live

    source = LslSource(name, timeout_s=10, smoothing=smoothing)  # type: ignore[arg-type]
    pipeline = build_pipeline(source, "1=biceps")
    times: list[Any] = []
    index: list[Any] = []
    frame_t: list[float] = []
    read = source.read

    def keep(timeout_s: float) -> Any:
        chunk = read(timeout_s)
        times.append(chunk.timestamps)
        index.append(chunk.data[1])
        return chunk

    source.read = keep  # type: ignore[method-assign]
    run_live(
        source,
        pipeline,
        on_frame=lambda f, _l: frame_t.append(f.t),
        seconds=GAP_SECONDS + 20.0,
        should_stop=lambda: done.is_set() and pipeline.t >= GAP_SECONDS - 0.01,
    )
    source.close()
    out.update(
        times=np.concatenate(times),
        index=np.concatenate(index).astype(np.int64),
        frame_t=np.array(frame_t),
        dropped=pipeline.dropped_samples,
        onsets=[r.onset_s for r in pipeline.reps],
    )


def _gap_rows() -> list[dict[str, Any]]:
    """Both ways of smoothing on one stream at once, with a known gap: what each counts and
    how far each sample's time is from the time it was sent with."""
    import threading

    from mindmuscle.signals.emg.gaps import missing_samples

    name = f"bench-gap-{uuid.uuid4().hex[:8]}"
    ctx = mp.get_context("spawn")
    ready, done, result = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=_gap_send, args=(name, ready, done, result), daemon=True)
    proc.start()
    ready.wait(30)
    outs: dict[str, dict[str, Any]] = {"liblsl": {}, "gaps": {}}
    threads = [
        threading.Thread(target=_gap_receive, args=(name, k, done, v)) for k, v in outs.items()
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    t0 = float(result.get(timeout=30))
    proc.join(10)
    true_missing = int((GAP_AT[1] - GAP_AT[0]) * GAP_FS)
    rows = []
    for smoothing, out in outs.items():
        ts, idx = out["times"], out["index"]
        err_ms = 1000.0 * (ts - (t0 + idx / GAP_FS))
        after = idx >= int(GAP_AT[1] * GAP_FS)
        steps = np.diff(out["frame_t"])
        rows.append(
            {
                "label": {"liblsl": "liblsl smoothing (before)"}.get(smoothing, "gap clock (now)"),
                "true": true_missing,
                "counted": missing_samples(ts, GAP_FS).samples,
                "pipeline": out["dropped"],
                "err_first": float(np.abs(err_ms[after][0])) if after.any() else float("nan"),
                "err_max": float(np.abs(err_ms[after]).max()) if after.any() else float("nan"),
                "err_end": float(np.abs(err_ms[-1])),
                "back": int((steps < 0).sum()),
                "back_s": float(-steps.min()) if steps.size and steps.min() < 0 else 0.0,
                "onset_after": out["onsets"][1] - 4.5 if len(out["onsets"]) > 1 else float("nan"),
            }
        )
    return rows


def _print_gap_rows(rows: list[dict[str, Any]]) -> None:
    print(
        f"\nA known gap: 1 channel at {GAP_FS:g} Hz over LSL loopback, the sending app silent "
        f"from {GAP_AT[0]:g} to {GAP_AT[1]:g} s ({rows[0]['true']} samples never sent), both "
        "receivers on the same stream at once; time error = a sample's time minus the time it "
        "was sent with (ms), after the gap\n"
    )
    head = f"{'':28} {'missing':>8} {'counted':>8} {'live view':>9} {'err first':>9} "
    head += f"{'err max':>8} {'err end':>8} {'t back':>7} {'by s':>6} {'rep 2 onset err s':>17}"
    print(head)
    for r in rows:
        print(
            f"{r['label']:28} {r['true']:>8} {r['counted']:>8} {r['pipeline']:>9} "
            f"{r['err_first']:>9.1f} {r['err_max']:>8.1f} {r['err_end']:>8.1f} {r['back']:>7} "
            f"{r['back_s']:>6.2f} {r['onset_after']:>17.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per row")
    parser.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="only the Chromium row, for this many minutes (the issue's run: 10)",
    )
    parser.add_argument(
        "--gap-only", action="store_true", help="only the known-gap comparison (about 15 s)"
    )
    args = parser.parse_args()
    if args.gap_only:
        _print_gap_rows(_gap_rows())
        return
    gap_rows: list[dict[str, Any]] = []
    if args.minutes:
        seconds = 60.0 * args.minutes
        rows = [_browser_row(seconds)]
    else:
        seconds = args.seconds
        rows = [
            _run("pylsl inlet only (reference)", seconds, _reference),
            *_paired(seconds),
            _browser_row(seconds),
        ]
        gap_rows = _gap_rows()
    load = os.getloadavg()[0]
    print(
        f"\n{N_CHANNELS} channels at {FS:g} Hz over LSL loopback, {seconds:g} s per row; "
        "latency from the sample's LSL timestamp to: the chunk's arrival (reference), the frame "
        "out of the pipeline (mindmuscle), the page's receipt of the WebSocket message "
        f"(Chromium); machine load {load:.1f} on {os.cpu_count()} cores\n"
    )
    head = f"{'':36} {'sent':>9} {'received':>9} {'dropped':>8} {'CPU % core':>10} "
    head += f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    print(head)
    for r in rows:
        print(
            f"{r['label']:36} {r['sent']:>9} {r['received']:>9} {r['dropped']:>8} "
            f"{r['cpu_pct']:>10.1f} {r['p50']:>7.1f} {r['p95']:>7.1f} "
            f"{r['p99']:>7.1f} {r['max']:>7.1f}"
        )
    if len(rows) == 4:
        before, now = rows[1], rows[2]
        cpu = now["cpu_pct"] / before["cpu_pct"]
        print(
            f"\ngap clock / liblsl smoothing, both on one stream at once: CPU {cpu:.2f}x,"
            f" p50 {now['p50'] / before['p50']:.2f}x, p99 {now['p99'] / before['p99']:.2f}x"
        )
    web = rows[-1]
    print(
        f"\nChromium row: {web['frames']} frames received of {web['frames_expected']} expected "
        f"(20 a second); page clock aligned to within {web['align_ms']:.1f} ms"
    )
    for leg, (p50, p99) in web["legs"].items():
        print(f"  {leg:46} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
    print("\n| goal (issue 16) | goal | measured (Chromium row) | met |")
    print("|---|---|---|---|")
    checks = [
        ("sample to browser frame, p99", "< 50 ms", f"{web['p99']:.1f} ms", web["p99"] < 50),
        ("dropped samples", "0", str(web["dropped"]), web["dropped"] == 0),
        ("CPU of the server", "< 25% of a core", f"{web['cpu_pct']:.1f}%", web["cpu_pct"] < 25),
    ]
    for what, goal, got, ok in checks:
        print(f"| {what} | {goal} | {got} | {'yes' if ok else 'NO'} |")
    if gap_rows:
        _print_gap_rows(gap_rows)


if __name__ == "__main__":
    main()
