// EMG page: upload a recording (on its own or with a set), then see envelopes with the
// repetitions shaded (plotly.js, served by the app), per-repetition features and quality flags.
// Picking other channels re-analyses the stored file without uploading it again.

import { api } from "./api.js";
import { el, postForm } from "./upload.js";

const $ = (id) => document.getElementById(id);
const form = $("emg-form");
const COLOURS = ["#ff7a1a", "#4cc9f0", "#9d8df1", "#29bf12", "#f72585", "#ffb020", "#c9cfda"];
let current = null;

function whenPlotly() {
  return new Promise((resolve) => {
    const check = () => (window.Plotly ? resolve(window.Plotly) : setTimeout(check, 30));
    check();
  });
}

function showError(message) {
  const box = $("emg-error");
  box.textContent = message;
  box.hidden = !message;
}

const fmt = (x, d = 3) => (x === null || x === undefined ? "–" : Number(x).toPrecision(d));

async function drawChart(result) {
  const Plotly = await whenPlotly();
  const a = result.analysis;
  const traces = a.channels.map((ch, i) => ({
    x: result.envelope.times_s,
    y: result.envelope.channels[ch.name],
    name: `${ch.name} (${ch.role})`,
    mode: "lines",
    line: { width: ch.role === "target" ? 2.5 : 1.5, color: COLOURS[i % COLOURS.length] },
  }));
  const target = a.channels.find((c) => c.name === a.target);
  const shapes = (target ? target.reps : []).map((r) => ({
    type: "rect", xref: "x", yref: "paper", x0: r.start_s, x1: r.end_s, y0: 0, y1: 1,
    fillcolor: "rgba(41,191,18,0.14)", line: { width: 0 }, layer: "below",
  }));
  Plotly.react("emg-chart", traces, {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: "#c9cfda", family: "system-ui, sans-serif", size: 12 },
    margin: { l: 44, r: 8, t: 44, b: 40 },
    xaxis: { gridcolor: "#2c313c", zeroline: false, title: { text: "seconds", standoff: 4 } },
    yaxis: { gridcolor: "#2c313c", zeroline: false, title: { text: target ? target.unit : "" } },
    // Above the plot: below it, a legend that wraps on a phone ran over the axis title.
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    shapes,
  }, { displayModeBar: false, responsive: true });
}

function renderChannels(result) {
  const a = result.analysis;
  const sel = $("emg-target");
  sel.replaceChildren(...result.channels.map((c) => el("option", { value: c }, c)));
  sel.value = a.target;
  const box = $("emg-synergists");
  box.replaceChildren(
    ...result.channels.map((c) => {
      const input = el("input", { type: "checkbox", value: c });
      input.checked = a.synergists.includes(c);
      input.disabled = c === sel.value;
      return el("label", {}, input, el("span", {}, c));
    }),
  );
}

function renderReps(a) {
  const target = a.channels.find((c) => c.name === a.target);
  $("emg-target-name").textContent = a.target;
  const pct = target.normalisation === "mvc" ? "%MVC" : "% peak";
  const head = el("tr", {}, ...["rep", "s", `peak ${pct}`, `mean ${pct}`, "RMS", "MDF Hz"].map((h) => el("th", {}, h)));
  const rows = target.reps.map((r) =>
    el("tr", {},
      el("td", {}, String(r.rep)),
      el("td", {}, `${r.start_s.toFixed(1)}–${r.end_s.toFixed(1)}`),
      el("td", {}, r.peak_pct.toFixed(0)),
      el("td", {}, r.mean_pct.toFixed(0)),
      el("td", {}, fmt(r.rms)),
      el("td", {}, r.median_freq_hz === null ? "–" : r.median_freq_hz.toFixed(0)),
    ),
  );
  const table = $("emg-reps");
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
  if (!rows.length) table.replaceChildren(el("caption", {}, "No repetitions found on this channel."));
}

function renderQuality(a) {
  const box = $("emg-quality");
  box.replaceChildren(
    ...a.channels.map((c) => {
      const ok = c.quality.issues.length === 0;
      return el("div", { class: "summary-row", "data-channel": c.name },
        el("span", {}, el("b", {}, c.name), el("small", { class: "muted" }, ` ${c.role} · ${c.bursts.length} bursts · SNR ${c.quality.snr_db.toFixed(0)} dB`)),
        el("span", { class: ok ? "pill good" : "pill warn" }, ok ? "ok" : c.quality.issues.join("; ")),
      );
    }),
    ...a.warnings.map((w) => el("p", { class: "notice" }, w)),
  );
  const extra = [
    ...a.ratios.map((r) => `${a.target} : ${r.synergist} = ${fmt(r.ratio)}`),
    ...a.balance.map((b) => `${b.muscle}: left share ${b.left_share_pct === null ? "–" : b.left_share_pct.toFixed(0) + "%"}${b.basis === "raw" ? " (raw amplitude, not calibrated)" : ""}`),
    ...a.fatigue.filter((f) => f.channel === a.target && f.rms_slope_pct_per_rep !== null)
      .map((f) => `Fatigue trend: RMS ${f.rms_slope_pct_per_rep.toFixed(1)} %/rep, median frequency ${fmt(f.median_freq_slope_hz_per_rep)} Hz/rep${f.fatigue_signs ? " (signs of fatigue)" : ""}`),
  ];
  $("emg-set-card").hidden = extra.length === 0;
  $("emg-ratios").replaceChildren(...extra.map((t) => el("p", {}, t)));
}

async function render(result) {
  current = result;
  const a = result.analysis;
  $("emg-title").textContent = result.file_name;
  $("emg-reps-count").textContent = a.n_reps;
  $("emg-rep-source").textContent = a.rep_source === "motion" ? "from motion" : "from EMG bursts";
  $("emg-duration").textContent = a.duration_s.toFixed(1);
  $("emg-rate-out").textContent = String(Number(a.sfreq_hz.toPrecision(6)));
  $("emg-report").href = result.report_url;
  renderChannels(result);
  renderReps(a);
  renderQuality(a);
  $("emg-result").hidden = false;
  await drawChart(result);
  document.body.dataset.analysed = String(result.recording_id);
}

async function upload(ev) {
  ev.preventDefault();
  showError("");
  const file = $("emg-file").files[0];
  if (!file) {
    showError("Choose a recording first (CSV, EDF/BDF or XDF).");
    return;
  }
  const fd = new FormData();
  fd.append("file", file);
  for (const name of ["set_uuid", "rate_hz"]) {
    const v = form.elements[name].value.trim();
    if (v) fd.append(name, v);
  }
  for (const name of ["units", "mains_hz"]) {
    const v = form.querySelector(`input[name=${name}]:checked`).value;
    if (v) fd.append(name, v);
  }
  const btn = $("emg-analyse");
  btn.disabled = true;
  btn.textContent = "Analysing…";
  try {
    await render(await postForm("/api/emg/recordings", fd));
    $("emg-result").scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (err) {
    showError(err.message);
  } finally {
    btn.disabled = false;
    btn.textContent = "Analyse";
  }
}

async function reanalyse() {
  if (!current) return;
  const target = $("emg-target").value;
  const synergists = [...$("emg-synergists").querySelectorAll("input:checked")]
    .map((i) => i.value)
    .filter((c) => c !== target);
  const mains = form.querySelector("input[name=mains_hz]:checked").value;
  const btn = $("emg-reanalyse");
  btn.disabled = true;
  try {
    await render(await api(`/api/emg/recordings/${current.recording_id}/analysis`, {
      method: "POST",
      body: { target, synergists, mains_hz: mains ? Number(mains) : null },
    }));
  } catch (err) {
    showError(err.message);
  } finally {
    btn.disabled = false;
  }
}

form.addEventListener("submit", upload);
$("emg-reanalyse").addEventListener("click", reanalyse);
$("emg-target").addEventListener("change", () => {
  for (const input of $("emg-synergists").querySelectorAll("input")) {
    input.disabled = input.value === $("emg-target").value;
    if (input.disabled) input.checked = false;
  }
});
document.body.dataset.ready = "1";
