// The connection test page: past tests with their error over weeks (plotly.js, served by the
// app; the figure comes from the server), and the test itself on the server's live sensor over
// a WebSocket. While testing the page shows words, the seconds left and plays sounds: never the
// level held (that would be feedback, and the test is without it).

import { api } from "./api.js";
import { dateLabel } from "./charts.js";
import { el } from "./upload.js";

const $ = (id) => document.getElementById(id);
let socket = null;
let tick = null;
let audio = null;

function whenPlotly() {
  return new Promise((resolve) => {
    const check = () => (window.Plotly ? resolve(window.Plotly) : setTimeout(check, 30));
    check();
  });
}

function showError(message) {
  const box = $("st-error");
  box.textContent = message || "";
  box.hidden = !message;
}

const pct = (x) => `${Number(x).toFixed(1)}%`;
const signed = (x) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(1)}`;
const when = (iso) => dateLabel(iso.slice(0, 10), true);

// --- sound: a rising tone to hold, two low ones to stop ----------------------------------------

function beep(freq, start, length = 0.18) {
  if (!audio) return;
  const t = audio.currentTime + start;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, t);
  gain.gain.exponentialRampToValueAtTime(0.4, t + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, t + length);
  osc.connect(gain).connect(audio.destination);
  osc.start(t);
  osc.stop(t + length + 0.02);
}
const holdSound = () => { beep(660, 0); beep(880, 0.2, 0.3); };
const stopSound = () => { beep(330, 0); beep(330, 0.3); };

// --- history -----------------------------------------------------------------------------------

function resultTable(table, test) {
  table.replaceChildren(
    el("caption", {}, "Per level: the %MVC you held, its error, and the SD around the target (%MVC points)"),
    el("thead", {}, el("tr", {}, ...["Target", "Held", "Error", "SD"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...test.targets.map((t) => el("tr", {},
      el("td", {}, `${t.target_pct}% MVC`), el("td", {}, pct(t.mean_pct)),
      el("td", {}, signed(t.error_pct)), el("td", {}, t.sd_pct.toFixed(1)),
    ))),
  );
}

// Names, not ids: the server sends them with every overview ("Biceps", "Biceps (left)").
const muscleNames = {};
const muscleName = (m) => muscleNames[m] || m.replaceAll("_", " ");

async function loadHistory(muscle) {
  const q = muscle ? `?muscle=${encodeURIComponent(muscle)}` : "";
  const data = await api(`/api/skill-tests${q}`);
  const pick = $("st-history-muscle");
  Object.assign(muscleNames, data.names || {});
  pick.replaceChildren(...data.muscles.map((m) => el("option", { value: m }, muscleName(m))));
  if (data.muscle) pick.value = data.muscle;
  $("st-pick-row").hidden = data.muscles.length < 2;
  $("st-empty").hidden = data.tests.length > 0;
  $("st-chart-card").hidden = !data.figure;
  $("st-history-card").hidden = data.tests.length === 0;
  const levels = [...new Set(data.tests.flatMap((t) => t.targets.map((x) => x.target_pct)))].sort((a, b) => a - b);
  $("st-history").replaceChildren(
    el("caption", {}, `${(data.muscle || "").replaceAll("_", " ")}: SD around the target (%MVC points)`),
    el("thead", {}, el("tr", {}, el("th", {}, "Date"), ...levels.map((l) => el("th", {}, `${l}%`)), el("th", {}, "Mean"))),
    el("tbody", {}, ...data.tests.map((t) => {
      const by = Object.fromEntries(t.targets.map((x) => [x.target_pct, x]));
      return el("tr", { "data-test": String(t.id) },
        el("td", {}, when(t.performed_at)),
        ...levels.map((l) => el("td", {}, by[l] ? by[l].sd_pct.toFixed(1) : "–")),
        el("td", {}, t.overall_sd_pct.toFixed(1)));
    })),
  );
  if (data.figure) {
    const Plotly = await whenPlotly();
    Plotly.react("st-chart", data.figure.data, data.figure.layout, { displayModeBar: false, responsive: true });
  }
  if (data.live) {
    const sel = $("st-muscle");
    const current = sel.value;
    sel.replaceChildren(...data.live.muscles.map((m) => el("option", { value: m.muscle },
      `${muscleName(m.muscle)}${m.calibrated ? "" : " (not calibrated)"}`)));
    const first = data.live.muscles.find((m) => m.calibrated);
    sel.value = current || (first ? first.muscle : (data.live.muscles[0] || {}).muscle || "");
  }
  return data;
}

// --- the test ----------------------------------------------------------------------------------

function countdown(seconds) {
  clearInterval(tick);
  const end = performance.now() + seconds * 1000;
  const show = () => {
    const left = Math.max(0, Math.ceil((end - performance.now()) / 1000));
    $("st-left").textContent = `${left} s`;
    if (left <= 0) clearInterval(tick);
  };
  show();
  tick = setInterval(show, 200);
}

let lastKind = null;

function showStep(m) {
  const holding = m.kind === "hold";
  if (lastKind === "hold") stopSound();
  lastKind = m.kind;
  $("st-live").classList.toggle("holding", holding);
  $("st-progress").textContent = `Hold ${m.number} of ${m.of}`;
  if (holding) {
    $("st-word").textContent = `${m.target_pct}%`;
    $("st-what").textContent = `Hold ${m.target_pct}% of your maximum now: steady, by feel.`;
    holdSound();
  } else {
    $("st-word").textContent = "Rest";
    $("st-what").textContent = `Relax. Next: ${m.target_pct}% of your maximum.`;
  }
  countdown(m.left_s);
  if (navigator.vibrate) navigator.vibrate(holding ? [120] : [40, 60, 40]);
}

function finish() {
  clearInterval(tick);
  $("st-live").hidden = true;
  $("st-run-card").hidden = false;
  socket = null;
}

function start() {
  showError("");
  $("st-result").hidden = true;
  const muscle = $("st-muscle").value;
  if (!muscle) { showError("Choose a muscle on the sensor."); return; }
  audio = audio || new (window.AudioContext || window.webkitAudioContext)();
  audio.resume();
  const params = new URLSearchParams({ muscle, ...Object.fromEntries(new URLSearchParams(location.search)) });
  params.set("muscle", muscle);
  const proto = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${proto}://${location.host}/api/live/skill-test?${params}`);
  $("st-run-card").hidden = true;
  $("st-live").hidden = false;
  $("st-progress").textContent = "";
  $("st-word").textContent = "Ready";
  $("st-what").textContent = "Connecting to the sensor…";
  $("st-left").textContent = "";
  $("st-live").scrollIntoView({ block: "start" });
  let ended = false;
  lastKind = null;
  socket.onmessage = async (event) => {
    const m = JSON.parse(event.data);
    if (m.type === "start") {
      $("st-what").textContent = `${m.holds} holds of ${m.hold_s} s, in a random order. Relax until the first word.`;
    } else if (m.type === "status") {
      // The sensor paused: the countdown waits with the test; the step comes again on resume.
      clearInterval(tick);
      $("st-what").textContent = m.message;
    } else if (m.type === "step") {
      showStep(m);
    } else if (m.type === "result") {
      ended = true;
      stopSound();
      finish();
      $("st-result").hidden = false;
      $("st-result-title").textContent = `Your result: ${muscleName(m.test.muscle)}`;
      resultTable($("st-result-table"), m.test);
      const before = m.previous ? ` Last test (${when(m.previous.performed_at)}): ${m.previous.overall_sd_pct.toFixed(1)}.` : "";
      $("st-result-note").textContent = `Mean SD around the target: ${m.test.overall_sd_pct.toFixed(1)} points of %MVC (lower is closer).${before} Stored.`;
      $("st-result").scrollIntoView({ block: "start" });
      await loadHistory(m.test.muscle);
      document.body.dataset.tested = String(m.test.id);
    } else if (m.type === "stopped") {
      ended = true;
      finish();
      showError(m.message);
    }
  };
  socket.onclose = () => {
    if (!ended) { finish(); showError("The connection to the server closed: the test is not complete, so nothing was stored."); }
  };
}

$("st-start").addEventListener("click", start);
$("st-stop").addEventListener("click", () => {
  if (socket) {
    const s = socket;
    finish();
    s.onclose = null;
    s.close();
    showError("Stopped: the test is not complete, so nothing was stored.");
  }
});
$("st-history-muscle").addEventListener("change", (e) => loadHistory(e.target.value).catch((err) => showError(err.message)));
loadHistory()
  .catch((err) => showError(err.message))
  .finally(() => { document.body.dataset.ready = "1"; });
