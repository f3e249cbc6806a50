// Motion page: upload a motion file; the server reads and analyses it as `mindmuscle motion FILE`
// does (the page parses nothing) and answers the count, its quality, where the set is in the
// recording (the terminal's words), the repetitions with their phases and the figure of
// `--plot OUT.html`, drawn with the app's own plotly.js. Nothing is stored, unless the lifter
// chooses the set the file belongs to: then the server keeps the file with that set, counted
// with the set's own exercise. A refused file stays chosen; when the file cannot tell its
// acceleration units, the page asks for them.

import { el, postForm } from "./upload.js";

const $ = (id) => document.getElementById(id);
const form = $("motion-form");

function whenPlotly() {
  return new Promise((resolve) => {
    const check = () => (window.Plotly ? resolve(window.Plotly) : setTimeout(check, 30));
    check();
  });
}

function showError(message) {
  const box = $("motion-error");
  box.textContent = message;
  box.hidden = !message;
}

const s1 = (x) => Number(x).toFixed(1);

function renderReps(reps) {
  const table = $("motion-reps-table");
  if (!reps.length) {
    table.replaceChildren(el("caption", {}, "No repetitions found."));
    return;
  }
  const head = el("tr", {}, ...["rep", "from", "to", "ecc", "pause", "conc", "squeeze"].map((h) => el("th", {}, h)));
  const rows = reps.map((r, i) =>
    el("tr", {},
      el("td", {}, String(i + 1) + (r.partial ? " partial" : "")),
      el("td", {}, s1(r.start_s)),
      el("td", {}, s1(r.end_s)),
      el("td", {}, s1(r.eccentric_s)),
      el("td", {}, s1(r.bottom_pause_s)),
      el("td", {}, s1(r.concentric_s)),
      el("td", {}, s1(r.top_pause_s)),
    ),
  );
  const caption = el("caption", { class: "muted fs-small" }, "Seconds: from and to in the recording, then each phase.");
  table.replaceChildren(caption, el("thead", {}, head), el("tbody", {}, ...rows));
}

async function drawFigure(figure) {
  const Plotly = await whenPlotly();
  const layout = { ...figure.layout, autosize: true, margin: { l: 44, r: 8, t: 150, b: 44 } };
  delete layout.width;
  delete layout.height;
  // The title is the summary already shown above: on a phone it would run off the figure.
  layout.title = { text: "" };
  // Above the first panel's title, wrapping on a phone rather than running over the panels.
  layout.legend = { orientation: "h", x: 0, y: 1.06, yanchor: "bottom" };
  await Plotly.react("motion-chart", figure.data, layout, { displayModeBar: false, responsive: true });
}

const setChoice = $("motion-set");

function chosenSet() {
  return setChoice.value;
}

// With a set, the set's own exercise is counted: the exercise list follows it and is locked.
function followSet() {
  const option = setChoice.selectedOptions[0];
  const withSet = Boolean(chosenSet());
  const exercise = form.elements.exercise_id;
  if (withSet && option.dataset.exercise) {
    const known = [...exercise.options].some((o) => o.value === option.dataset.exercise);
    exercise.value = known ? option.dataset.exercise : "";
  }
  exercise.disabled = withSet;
  $("motion-exercise-note").hidden = !withSet;
  $("motion-analyse").textContent = withSet ? "Store with the set" : "Analyse";
  $("motion-not-stored").textContent = withSet
    ? "The file is stored with the set, and its count checked against the reps you confirmed."
    : "Analysed, not stored: choose the set it belongs to, to keep it with the set.";
}

async function render(result) {
  const s = result.summary;
  $("motion-title").textContent = result.file_name + (result.exercise ? ` · ${result.exercise}` : "");
  const stored = $("motion-stored");
  stored.hidden = result.set_id === undefined;
  if (!stored.hidden) {
    stored.textContent =
      `Stored with the set: counted ${s.reps} repetition${s.reps === 1 ? "" : "s"}, ` +
      `you confirmed ${result.confirmed}.`;
  }
  $("motion-reps").textContent = String(s.reps);
  $("motion-partial").textContent =
    (s.partial_reps ? ` + ${s.partial_reps} partial` : "") + (s.alternating ? " (both sides)" : "");
  $("motion-quality").textContent = s.quality.status;
  // The terminal's words, as a sentence of their own on the page.
  const span = result.span_line || `no set found in the ${s1(result.duration_s)} s recording`;
  $("motion-span").textContent = span.charAt(0).toUpperCase() + span.slice(1) + ".";
  $("motion-reasons").replaceChildren(...s.quality.reasons.map((r) => el("li", {}, r)));
  $("motion-reasons").hidden = s.quality.reasons.length === 0;
  $("motion-phase-note").textContent = s.phase_note;
  renderReps(s.reps_detail);
  $("motion-result").hidden = false;
  await drawFigure(result.figure);
  document.body.dataset.analysed = String(s.reps);
}

async function upload(ev) {
  ev.preventDefault();
  showError("");
  const file = $("motion-file").files[0];
  if (!file) {
    showError("Choose a recording first (CSV, FIT or JSON).");
    return;
  }
  const fd = new FormData();
  fd.append("file", file);
  const set = chosenSet();
  const exercise = form.elements.exercise_id.value;
  if (exercise && !set) fd.append("exercise_id", exercise);
  fd.append("format", form.elements.format.value);
  const units = form.querySelector("input[name=units]:checked").value;
  if (units) fd.append("units", units);
  const btn = $("motion-analyse");
  btn.disabled = true;
  btn.textContent = "Analysing…";
  delete document.body.dataset.analysed;
  try {
    const url = set ? `/api/sets/${encodeURIComponent(set)}/motion` : "/api/motion/files";
    await render(await postForm(url, fd));
    $("motion-result").scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (err) {
    $("motion-result").hidden = true;
    if (err.body && err.body.needs === "accel_units") $("motion-units-row").hidden = false;
    showError(err.message); // the file and the choices stay as they are
    document.body.dataset.refused = "1";
  } finally {
    btn.disabled = false;
    followSet();
  }
}

form.addEventListener("submit", upload);
setChoice.addEventListener("change", () => {
  showError("");
  followSet();
});
followSet();
$("motion-file").addEventListener("change", () => showError(""));
document.body.dataset.ready = "1";
