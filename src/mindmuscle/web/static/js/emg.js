// EMG page: upload a recording on its own, then see envelopes with the repetitions shaded
// (plotly.js, served by the app), per-repetition features and quality flags; picking other
// channels re-analyses the stored file without uploading it again.
// With a set chosen, the server reads the file's channels first (the page parses nothing) and
// the page shows one row per channel: its muscle and side. Storing sends those rows with the
// file; the set then keeps each muscle's activation, shown below the form. A refused upload
// keeps the file and the rows on the page.

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

// How the server reads a set's file (the mains filter is for the analysis on its own only).
function readingOptions(fd) {
  const rate = form.elements.rate_hz.value.trim();
  if (rate) fd.append("rate_hz", rate);
  const units = form.querySelector("input[name=units]:checked").value;
  if (units) fd.append("units", units);
}

// ---------------------------------------------------------------- a set's channels
const SIDES = [["", "No side"], ["left", "Left"], ["right", "Right"]];
let mapped = null; // the channels read for {set, file}: the rows on the page belong to them
let setHasEmg = false;

function chosenSet() {
  return form.elements.set_uuid.value;
}

function setLabel() {
  const sel = form.elements.set_uuid;
  return sel.options[sel.selectedIndex].textContent;
}

function muscleName(id) {
  const opt = $("emg-muscle-options").content.querySelector(`option[value="${CSS.escape(id)}"]`);
  return opt ? opt.textContent : id;
}

function rowsOnPage() {
  return [...$("emg-map-rows").querySelectorAll(".chan-row")].map((row) => {
    const n = Number(row.dataset.channel);
    const side = row.querySelector(`input[name=emg-side-${n}]:checked`).value;
    return { channel: n, muscle: row.querySelector("select").value || null, side: side || null };
  });
}

function noteLeftOut() {
  const names = rowsOnPage().filter((r) => !r.muscle).map((r) => mapped.channels[r.channel - 1].name);
  const note = $("emg-map-note");
  if (names.length === mapped.channels.length) {
    note.textContent = "No channel has a muscle yet: pick the muscle of at least one.";
  } else if (names.length) {
    note.textContent = `${names.join(", ")} ${names.length === 1 ? "has" : "have"} no muscle: ${names.length === 1 ? "it is" : "they are"} left out.`;
  } else {
    note.textContent = "";
  }
  note.hidden = !note.textContent;
}

function channelRow(ch) {
  const n = ch.channel;
  const select = el("select", { id: `emg-map-muscle-${n}`, name: `muscle_${n}` });
  select.append($("emg-muscle-options").content.cloneNode(true));
  select.value = ch.muscle || "";
  select.addEventListener("change", noteLeftOut);
  const seg = el("div", { class: "seg", role: "radiogroup", "aria-label": `Side of ${ch.name}` },
    ...SIDES.map(([value, word]) => {
      const input = el("input", { type: "radio", name: `emg-side-${n}`, value });
      input.checked = (ch.side || "") === value;
      return el("label", {}, input, el("span", {}, word));
    }),
  );
  const rms = `${Number(ch.rms.toPrecision(3))} ${ch.unit} RMS`;
  return el("div", { class: "chan-row", "data-channel": String(n) },
    el("div", { class: "chan-name" }, el("b", {}, `${n}. ${ch.name}`), el("small", { class: "muted" }, rms)),
    el("label", { class: "chan-label", for: select.id }, "Muscle"),
    select,
    seg,
  );
}

function showMapping(found, kept) {
  // Read again (other reading options), the same channels keep the rows the lifter chose.
  if (kept && kept.names.join("\n") === found.channels.map((c) => c.name).join("\n")) {
    found = { ...found, channels: found.channels.map((c, i) => ({ ...c, ...kept.rows[i] })) };
  }
  mapped = found;
  const targets = found.targets.map(muscleName).join(" or ");
  $("emg-map-intro").textContent =
    `${found.exercise_name}${targets ? ` · target ${targets}` : ""}. ` +
    `${found.channels.length} channel${found.channels.length === 1 ? "" : "s"} at ` +
    `${Number(found.sfreq_hz.toPrecision(6))} Hz, ${found.duration_s.toFixed(1)} s. ` +
    "Pick each channel's muscle where the name did not make it clear; a channel with no muscle is left out.";
  $("emg-map-rows").replaceChildren(...found.channels.map(channelRow));
  $("emg-replace-row").hidden = !setHasEmg;
  $("emg-mapping").hidden = false;
  noteLeftOut();
  document.body.dataset.mapping = String(found.channels.length);
}

function hideMapping() {
  mapped = null;
  $("emg-mapping").hidden = true;
  $("emg-map-rows").replaceChildren();
  delete document.body.dataset.mapping;
}

function setButton() {
  $("emg-analyse").textContent = chosenSet()
    ? mapped ? "Store with the set" : "Read the channels"
    : "Analyse";
}

async function readChannels() {
  showError("");
  const file = $("emg-file").files[0];
  const set = chosenSet();
  const same = mapped && mapped.file === file && mapped.set === set;
  const kept = same && { names: mapped.channels.map((c) => c.name), rows: rowsOnPage() };
  hideMapping();
  setButton();
  if (!file || !set) return;
  const fd = new FormData();
  fd.append("file", file);
  readingOptions(fd);
  const btn = $("emg-analyse");
  btn.disabled = true;
  btn.textContent = "Reading the channels…";
  try {
    const found = await postForm(`/api/sets/${encodeURIComponent(set)}/emg/channels`, fd);
    // The lifter may have picked another file or set meanwhile: only the current one's rows.
    if ($("emg-file").files[0] === file && chosenSet() === set) {
      showMapping({ ...found, file, set }, kept);
    }
  } catch (err) {
    showError(err.message);
  } finally {
    btn.disabled = false;
    setButton();
  }
}

function renderSetView(view, status) {
  $("emg-set-status").textContent = status;
  $("emg-set-title").textContent = setLabel();
  $("emg-set-measured").textContent = `Measured: ${view.measured}`;
  const words = { pct_mvc: "% MVC", pct_set_peak: "% of set's peak" };
  const head = el("tr", {}, ...["Muscle", "Reps", "Mean", "Peak"].map((h) => el("th", {}, h)));
  const rows = view.features.muscles.map((m) =>
    el("tr", { "data-muscle": m.muscle },
      el("td", {}, view.muscle_names[m.muscle] || m.muscle, el("small", { class: "muted" }, `${m.role} · ${words[m.basis]}`)),
      el("td", {}, String(m.reps.length)),
      el("td", {}, m.mean_pct === null ? "–" : m.mean_pct.toFixed(0)),
      el("td", {}, m.peak_pct === null ? "–" : m.peak_pct.toFixed(0)),
    ),
  );
  $("emg-set-muscles").replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
  const left = $("emg-set-left-out");
  left.textContent = view.left_out.length
    ? `Left out (no muscle): ${view.left_out.join(", ")}.`
    : "";
  left.hidden = !left.textContent;
  $("emg-set-file").href = `/api/sets/${view.set_id}/emg/file`;
  $("emg-set-view").hidden = false;
}

async function loadSetView() {
  $("emg-set-view").hidden = true;
  setHasEmg = false;
  const set = chosenSet();
  if (!set) return;
  try {
    const view = await api(`/api/sets/${encodeURIComponent(set)}/emg`);
    if (chosenSet() !== set) return;
    setHasEmg = true;
    renderSetView(view, "This set's EMG");
  } catch {
    // 404: the set has no EMG yet (or is gone; storing says so in one line).
  }
}

async function storeWithSet() {
  if (setHasEmg && !$("emg-replace").checked) {
    showError("This set has its EMG already: tick 'Replace the EMG this set has' to store this recording instead.");
    return;
  }
  const fd = new FormData();
  fd.append("file", $("emg-file").files[0]);
  fd.append("mapping", JSON.stringify(rowsOnPage()));
  if (setHasEmg) fd.append("replace", "true");
  readingOptions(fd);
  const btn = $("emg-analyse");
  btn.disabled = true;
  btn.textContent = "Storing…";
  try {
    const view = await postForm(`/api/sets/${encodeURIComponent(chosenSet())}/emg`, fd);
    setHasEmg = true;
    $("emg-replace").checked = false;
    hideMapping(); // stored: another store of this file would need a new read and a tick
    renderSetView(view, "Stored with the set");
    document.body.dataset.stored = String(view.set_id);
    $("emg-set-view").scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (err) {
    showError(err.message); // the file and the rows stay as they are
  } finally {
    btn.disabled = false;
    setButton();
  }
}

async function upload(ev) {
  ev.preventDefault();
  showError("");
  const file = $("emg-file").files[0];
  if (!file) {
    showError("Choose a recording first (CSV, EDF/BDF or XDF).");
    return;
  }
  if (chosenSet()) {
    await (mapped ? storeWithSet() : readChannels());
    return;
  }
  const fd = new FormData();
  fd.append("file", file);
  for (const name of ["rate_hz"]) {
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
$("emg-file").addEventListener("change", readChannels);
form.elements.set_uuid.addEventListener("change", async () => {
  await loadSetView();
  await readChannels();
});
for (const input of form.querySelectorAll("input[name=units], #emg-rate")) {
  input.addEventListener("change", () => { if (chosenSet() && $("emg-file").files[0]) readChannels(); });
}
$("emg-reanalyse").addEventListener("click", reanalyse);
$("emg-target").addEventListener("change", () => {
  for (const input of $("emg-synergists").querySelectorAll("input")) {
    input.disabled = input.value === $("emg-target").value;
    if (input.disabled) input.checked = false;
  }
});
loadSetView().then(setButton);
document.body.dataset.ready = "1";
