// Experiments page: create one (a preset in one tap, or a small design form), then run it set by
// set (the condition's cue, load and reps; rating and EMG file), and analyse it.

import { api, counted, kgFrom, massIn, toast } from "./api.js";
import { el, postForm } from "./upload.js";
import { decimal } from "./setbounds.js";

const $ = (id) => document.getElementById(id);
const FOCUS = { internal: "Internal focus", external: "External focus", none: "No cue" };
// Loads are typed and shown in the lifter's units; the API takes and gives kg.
const units = document.body.dataset.units === "lb" ? "lb" : "kg";
const toKg = (v) => kgFrom(v, units);
const shownLoad = (kg) => massIn(kg, units);
let exp = null;

function showError(id, message) {
  $(id).textContent = message;
  $(id).hidden = !message;
}

function e1rm() {
  const v = decimal($("exp-e1rm").value);
  if (Number.isNaN(v)) throw new Error(`Your 1RM must be a number, such as 82.5 or 82,5; "${$("exp-e1rm").value.trim()}" was given.`);
  return v === null ? null : toKg(v);
}

async function create(body) {
  showError("exp-error", "");
  try {
    const participant = $("exp-participant").value.trim() || null;
    const made = await api("/api/experiments", {
      method: "POST",
      body: { ...body, e1rm_kg: e1rm(), participant },
    });
    location.href = `/experiments?id=${made.id}`;
  } catch (err) {
    showError("exp-error", err.message);
  }
}

function customBody(form) {
  const conditions = [...form.querySelectorAll("input[name=conditions]:checked")].map((i) => i.value);
  const loads = form.elements.loads.value.split(/[,;\s]+/).filter(Boolean).map(Number);
  return {
    exercise_id: form.elements.exercise_id.value,
    conditions,
    loads_pct_e1rm: loads,
    sets_per_condition: Number(form.elements.sets_per_condition.value),
  };
}

function label(name) {
  const c = exp.design.conditions.find((x) => x.name === name);
  return c ? c.label : name;
}

function renderPlan() {
  const head = el("tr", {}, ...["#", "condition", "% 1RM", "reps", ""].map((h) => el("th", {}, h)));
  const rows = exp.sets.map((s) =>
    el("tr", { class: s.done ? "done" : "", "data-set": String(s.number) },
      el("td", {}, String(s.number)),
      el("td", {}, label(s.condition)),
      el("td", {}, String(s.load_pct_e1rm)),
      el("td", {}, String(s.reps)),
      el("td", {}, s.done ? "✓" : ""),
    ),
  );
  $("exp-sets").replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}

function renderNext() {
  const n = exp.next_set;
  $("exp-next").hidden = !n;
  $("exp-finished").hidden = Boolean(n);
  if (!n) return;
  $("next-step").textContent = `Next · ${FOCUS[n.focus]}`;
  $("next-condition").textContent = label(n.condition);
  $("next-cue").textContent = n.cue ? `“${n.cue}”` : "No cue: lift the way you normally would.";
  $("next-reps").textContent = String(n.reps);
  $("next-load").textContent = n.load_kg === null ? "?" : `${shownLoad(n.load_kg)} ${units}`;
  $("next-pct").textContent = `${n.load_pct_e1rm}%`;
  $("next-number").textContent = `${n.number}/${exp.sets.length}`;
  $("rec-reps").placeholder = String(n.reps);
  $("rec-load").placeholder = n.load_kg === null ? "needed: no 1RM given" : `${shownLoad(n.load_kg)}`;
  $("rec-channels").textContent = Object.values(exp.design.channels).join(", ");
}

// A muscle's name from the EMG channel names of the design (or the id in words).
function muscleName(id) {
  const channels = (exp && exp.design && exp.design.channels) || {};
  return channels[id] || String(id || "").replace(/_/g, " ");
}

function render() {
  $("exp-name").textContent = exp.name;
  $("exp-progress").textContent = `${exp.exercise_name} · ${exp.n_done} of ${exp.sets.length} sets done, in a randomised order`;
  // Statistics need 3 sets of each condition at a load, or 3 loads (paired by load block).
  const perLoad = exp.design.sets_per_condition;
  const loads = exp.design.loads_pct_e1rm.length;
  const few = perLoad < 3 && loads < 3;
  $("exp-few").hidden = !few;
  $("exp-few").textContent = few
    ? `Means only: with ${counted(perLoad, "set")} of each condition per load and ${counted(loads, "load")}, no effect size, interval or test is possible; they need 3 sets of each condition at a load, or 3 loads.`
    : "";
  renderNext();
  renderPlan();
  $("exp-view").hidden = false;
  $("exp-list-view").hidden = true;
  document.body.dataset.experiment = String(exp.id);
}

async function record(ev) {
  ev.preventDefault();
  showError("record-error", "");
  const form = ev.target;
  const fd = new FormData();
  fd.append("target_rating", form.elements.target_rating.value);
  for (const name of ["reps", "rate_hz", "map"]) {
    const v = form.elements[name].value.trim();
    if (v) fd.append(name, v);
  }
  const load = form.elements.load.value.trim();
  const typed = decimal(load);
  if (load) fd.append("load_kg", Number.isFinite(typed) ? String(toKg(typed)) : load);
  const file = $("rec-emg").files[0];
  if (file) fd.append("emg", file);
  const btn = $("record-save");
  btn.disabled = true;
  btn.textContent = "Saving…";
  try {
    const saved = await postForm(`/api/experiments/${exp.id}/sets/${exp.next_set.number}`, fd);
    toast(`Set ${saved.number} saved` + (saved.emg_reps ? ` · ${saved.emg_reps} reps in the EMG` : ""));
    form.reset();
    document.getElementById("target_rating-out").textContent = "5";
    exp = await api(`/api/experiments/${exp.id}`);
    render();
  } catch (err) {
    showError("record-error", err.message);
  } finally {
    btn.disabled = false;
    btn.textContent = "Save this set";
  }
}

function ci(c) {
  if (c.g === null || c.g === undefined) return c.note || "too few sets for statistics";
  const range = c.ci_low !== null && c.ci_high !== null ? ` [${c.ci_low.toFixed(2)}, ${c.ci_high.toFixed(2)}]` : "";
  const p = c.p_value !== null ? `, p = ${c.p_value.toFixed(3)}` : "";
  return `g = ${c.g.toFixed(2)}${range}${p}`;
}

async function analyse() {
  const box = $("exp-analysis");
  const btn = $("exp-analyse");
  btn.disabled = true;
  btn.textContent = "Analysing…";
  try {
    const a = await api(`/api/experiments/${exp.id}/analysis`);
    const lines = a.headline.map((e) =>
      el("li", {},
        el("b", {}, `${label(e.condition)} vs ${label(e.reference)}`),
        ` · ${e.measure === "target_rating" ? "target rating" : `peak activation of ${muscleName(e.muscle)}`}`
          + `${e.load_pct_e1rm === null ? " (all loads)" : ` at ${e.load_pct_e1rm}%`}: ${ci(e.comparison)}`,
      ),
    );
    box.replaceChildren(
      el("h3", {}, `${a.n_recorded} of ${a.n_planned} sets analysed`),
      lines.length ? el("ul", { class: "why" }, ...lines) : el("p", { class: "muted" }, "Record sets first."),
      el("a", { class: "btn big primary", href: a.report_url, id: "exp-report" }, "Open the full report"),
      el("details", {},
        el("summary", {}, "What these sets can and cannot show"),
        ...a.limitations.map((t) => el("p", { class: "muted small" }, t)),
      ),
    );
    box.hidden = false;
  } catch (err) {
    box.replaceChildren(el("p", { class: "notice" }, err.message));
    box.hidden = false;
  } finally {
    btn.disabled = false;
    btn.textContent = "Analyse the sets so far";
  }
}

// A group: each participant's experiment of one design, pooled on the server.
async function compareGroup(ev) {
  ev.preventDefault();
  showError("group-error", "");
  const refs = [...ev.target.querySelectorAll("input[name=e]:checked")].map((i) => i.value);
  const box = $("group-result");
  box.hidden = true;
  if (refs.length < 2) {
    showError("group-error", `${counted(refs.length, "experiment")} chosen: pick two or more, one per participant.`);
    return;
  }
  const btn = $("group-compare");
  btn.disabled = true;
  btn.textContent = "Comparing…";
  try {
    const query = refs.map((r) => `e=${encodeURIComponent(r)}`).join("&");
    const g = await api(`/api/experiment-groups?${query}`);
    const lines = g.headline.map((e) => {
      const c = e.comparison;
      const up = e.participants.filter((p) => p.condition_mean > p.reference_mean).length;
      const down = e.participants.filter((p) => p.condition_mean < p.reference_mean).length;
      const what = e.measure === "target_rating" ? "target rating" : `peak activation of ${String(e.muscle).replace(/_/g, " ")} (${g.activation_unit})`;
      const diff = c.mean_difference === null ? "no participant has both yet"
        : `${counted(e.participants.length, "person", "people")}, ${up} higher and ${down} lower; difference ${c.mean_difference >= 0 ? "+" : ""}${c.mean_difference.toFixed(2)}`
          + (c.difference_ci_low !== null ? ` [${c.difference_ci_low.toFixed(2)}, ${c.difference_ci_high.toFixed(2)}]` : "")
          + (c.p_value !== null ? `, p = ${c.p_value.toFixed(3)}` : "");
      return el("li", {}, el("b", {}, `${e.condition} vs ${e.reference}`), ` · ${what}: ${diff}`);
    });
    box.replaceChildren(
      el("h3", {}, `A group of ${g.participants.length}: ${g.participants.join(", ")}`),
      el("ul", { class: "why" }, ...lines),
      el("a", { class: "btn big primary", href: g.report_url, id: "group-report" }, "Open the group report"),
      el("details", {},
        el("summary", {}, "What this group can and cannot show"),
        ...g.limitations.map((t) => el("p", { class: "muted small" }, t)),
      ),
    );
    box.hidden = false;
  } catch (err) {
    showError("group-error", err.message);
  } finally {
    btn.disabled = false;
    btn.textContent = "Compare the group";
  }
}

for (const b of document.querySelectorAll("[data-preset]")) {
  b.addEventListener("click", () => create({ preset: b.dataset.preset }));
}
$("exp-custom").addEventListener("submit", (ev) => {
  ev.preventDefault();
  create(customBody(ev.target));
});
$("record-form").addEventListener("submit", record);
$("exp-analyse").addEventListener("click", analyse);
if ($("group-form")) $("group-form").addEventListener("submit", compareGroup);

const id = new URLSearchParams(location.search).get("id");
if (id) {
  api(`/api/experiments/${encodeURIComponent(id)}`)
    .then((data) => {
      exp = data;
      render();
    })
    .catch((err) => showError("exp-error", err.message));
}
document.body.dataset.ready = "1";
