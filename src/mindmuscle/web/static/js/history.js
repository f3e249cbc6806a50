// History: workouts newest first (date, duration, exercises, sets, volume, mean felt rating);
// open one to edit or delete a set or the whole workout, with undo (GET/PATCH/DELETE
// /api/sets/{id}, /api/sessions/{id} and their /restore). A workout's duration is the one the
// server gives (GET /api/sessions: an import's own duration, else its first to last set); a
// workout without a session, its first to last set; none is shown when neither is known.

import { api, counted, feltText, kgFrom, massIn, toast } from "./api.js";
import { feltMeasured } from "./live.js";
import { checkField, decimal, setBounds } from "./setbounds.js";

const $ = (id) => document.getElementById(id);
const { names, units, muscles } = JSON.parse($("history-data").textContent);
const muscleName = Object.fromEntries(muscles.map((m) => [m.id, m.name]));
const felt = new Map(); // the edited set's "where else": muscle id -> 4 (a little) or 8 (a lot)
const shown = (kg) => massIn(kg, units);
const nameOf = (id) => names[id] || id.replace(/^user_/, "").replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
let bounds = null;
let editing = null;
const openKeys = new Set(); // workouts the lifter opened stay open across reloads of the list

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", year: "numeric" });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
// A log that keeps dates only (FitNotes) stores its sets at midnight UTC: such a workout shows
// its day, in UTC (so no time zone moves it to the day before), and no made-up time.
const dayFmtUtc = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const MIDNIGHT_UTC = /T00:00:00(\.0+)?(Z|\+00:00)$/;

function dateOnly(w) {
  return !w.durationS && w.sets.every((s) => MIDNIGHT_UTC.test(s.performed_at));
}

// Sets grouped into workouts: by session, or by day for sets logged without one. ``sessions``:
// the stored workouts by id, with their durations.
function workouts(sets, sessions) {
  const groups = new Map();
  for (const s of sets) {
    const key = s.session_id !== null ? `s${s.session_id}` : `d${s.performed_at.slice(0, 10)}`;
    if (!groups.has(key)) groups.set(key, { key, sessionId: s.session_id, sets: [] });
    groups.get(key).sets.push(s);
  }
  const out = [...groups.values()];
  for (const w of out) {
    w.sets.sort((a, b) => a.performed_at.localeCompare(b.performed_at));
    w.start = new Date(w.sets[0].performed_at);
    const spanS = (new Date(w.sets[w.sets.length - 1].performed_at) - w.start) / 1000;
    const stored = w.sessionId !== null ? sessions.get(w.sessionId) : undefined;
    w.durationS = stored !== undefined ? stored.duration_s : spanS > 0 ? spanS : null;
  }
  return out.sort((a, b) => b.start - a.start);
}

function summary(w) {
  const exercises = [...new Set(w.sets.map((s) => s.exercise_id))].map(nameOf);
  const volume = w.sets.reduce((v, s) => v + s.load_kg * s.reps, 0);
  const ratings = w.sets.map((s) => s.reflection && s.reflection.target_rating).filter((r) => r !== null && r !== undefined);
  const bits = [`${w.sets.length} ${w.sets.length === 1 ? "set" : "sets"}`, `volume ${Math.round(shown(volume)).toLocaleString()} ${units}`];
  const took = durationText(w.durationS);
  if (took) bits.unshift(took);
  // One felt rating reads as it does on each set; different ones are their mean, said so.
  const mean = ratings.reduce((a, b) => a + b, 0) / ratings.length;
  if (ratings.length) bits.push(`${feltText(mean)}${new Set(ratings).size > 1 ? " on average" : ""}`);
  // No set rated (each skipped on purpose, or imported without one): said, as on each set.
  else if (w.sets.length) bits.push(feltText(null));
  return { exercises, line: bits.join(" · ") };
}

// "38 min", "1 h 43 min"; nothing for an unknown duration or one under half a minute. From
// 12 h on (a workout interrupted and resumed, most often the next day) in whole hours and days:
// "14 h", "1 day", "1 day 6 h", as the terminal says, not "24 h 3 min".
const LONG_WORKOUT_H = 12;
function durationText(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return "";
  if (minutes < 60) return `${minutes} min`;
  if (minutes >= LONG_WORKOUT_H * 60) {
    const allHours = Math.round(minutes / 60);
    const days = Math.floor(allHours / 24);
    const hours = allHours % 24;
    if (!days) return `${hours} h`;
    return `${days} ${days === 1 ? "day" : "days"}${hours ? ` ${hours} h` : ""}`;
  }
  return minutes % 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes / 60} h`;
}

function setLine(s) {
  const load = s.load_kg ? `${shown(s.load_kg)} ${units}` : "bodyweight";
  const bits = [`${s.reps} × ${load}`];
  const r = s.reflection;
  const rated = r && r.target_rating !== null && r.target_rating !== undefined;
  if (s.emg_measured || r) bits.push(feltMeasured(rated ? r.target_rating : null, s.emg_measured));
  if (s.reps_in_reserve !== null && s.reps_in_reserve !== undefined) bits.push(`RIR ${s.reps_in_reserve}`);
  if (r && r.focus_rating !== null && r.focus_rating !== undefined) bits.push(`focus ${r.focus_rating}/10`);
  const elsewhere = Object.keys((r && r.felt_elsewhere) || {}).map((m) => muscleName[m] || m);
  if (elsewhere.length) bits.push(`also felt: ${elsewhere.join(", ")}`);
  return bits.join(" · ");
}

function renderWorkout(w) {
  const { exercises, line } = summary(w);
  const title = dateOnly(w) ? dayFmtUtc.format(w.start) : `${dayFmt.format(w.start)} · ${timeFmt.format(w.start)}`;
  const body = el("div", { className: "workout-sets" });
  for (const s of w.sets) {
    const edit = el("button", { type: "button", className: "chip", textContent: "Edit" });
    edit.setAttribute("aria-label", `Edit ${nameOf(s.exercise_id)} ${setLine(s)}`);
    edit.addEventListener("click", () => openEdit(s));
    const del = el("button", { type: "button", className: "chip", textContent: "Delete" });
    del.setAttribute("aria-label", `Delete ${nameOf(s.exercise_id)} ${setLine(s)}`);
    del.addEventListener("click", () => deleteSet(s));
    const what = el("div", { className: "grow" }, el("b", { textContent: nameOf(s.exercise_id) }), el("br"), el("span", { className: "muted", textContent: setLine(s) }));
    // The lifter's own words: the reflection's note, else the set's (an imported set's notes).
    const note = (s.reflection && s.reflection.note) || s.notes;
    if (note) what.append(el("br"), el("small", { className: "muted set-note", textContent: note }));
    // Kept from before a workout refused a second set at one place: maybe the same set twice.
    if (s.again_at_place && s.set_index !== null) {
      const again = `Stored twice: this workout holds another set as set ${s.set_index + 1} of ${nameOf(s.exercise_id)} too. Delete this one if it is the same set.`;
      what.append(el("br"), el("small", { className: "notice set-again", textContent: again }));
    }
    body.append(el("div", { className: "set-row", id: `set-${s.id}` }, what, edit, del));
  }
  if (w.sessionId !== null) {
    const delAll = el("button", { type: "button", className: "ghost", textContent: "Delete this workout" });
    delAll.addEventListener("click", () => deleteWorkout(w));
    body.append(delAll);
  }
  const details = el("details", { className: "card workout" }, el("summary", {}, el("div", { className: "grow" }, el("b", { textContent: title }), el("br"), el("span", { className: "muted", textContent: exercises.join(", ") }), el("br"), el("small", { textContent: line }))), body);
  details.dataset.workout = w.key;
  details.open = openKeys.has(w.key);
  details.addEventListener("toggle", () => (details.open ? openKeys.add(w.key) : openKeys.delete(w.key)));
  return details;
}

// Every stored set, a page of the newest 1000 at a time going back (an imported log can hold
// many thousands): a workout is never left out.
async function allSets() {
  const page = 1000;
  let sets = [];
  for (let offset = 0; ; offset += page) {
    const got = await api(`/api/sets?limit=${page}&offset=${offset}`);
    sets = got.concat(sets);
    if (got.length < page) return sets;
    $("history-status").textContent = `Loading: ${counted(sets.length, "set")} so far…`;
  }
}

// Every stored workout that holds sets (id, start, end, duration), newest first, by pages.
async function allSessions() {
  const page = 1000;
  const byId = new Map();
  for (let offset = 0; ; offset += page) {
    const got = await api(`/api/sessions?limit=${page}&offset=${offset}`);
    for (const w of got) byId.set(w.session_id, w);
    if (got.length < page) return byId;
  }
}

async function load() {
  let sets, sessions;
  try {
    [sets, sessions] = await Promise.all([allSets(), allSessions()]);
  } catch (ex) {
    $("history-status").textContent = ex.status ? ex.message : "History needs the network.";
    return;
  }
  const list = workouts(sets, sessions);
  $("history-status").textContent = list.length ? `${list.length} ${list.length === 1 ? "workout" : "workouts"}, newest first.` : "No workouts yet: your sets appear here once saved.";
  $("history-list").replaceChildren(...list.map(renderWorkout));
}

function undoToast(message, undo) {
  toast(message);
  const box = $("toast");
  const b = el("button", { type: "button", className: "chip", textContent: "Undo" });
  b.addEventListener("click", async () => {
    await undo();
    box.classList.remove("show");
    await load();
  });
  box.append(" ", b);
  clearTimeout(box._t);
  box._t = setTimeout(() => box.classList.remove("show"), 8000);
}

async function deleteSet(s) {
  await api(`/api/sets/${s.id}`, { method: "DELETE" });
  await load();
  undoToast(`Deleted: ${nameOf(s.exercise_id)} ${setLine(s)}.`, () => api(`/api/sets/${s.id}/restore`, { method: "POST" }));
}

async function deleteWorkout(w) {
  if (!confirm(`Delete this workout and its ${counted(w.sets.length, "set")}? You can undo it right after.`)) return;
  await api(`/api/sessions/${w.sessionId}`, { method: "DELETE" });
  await load();
  undoToast("Workout deleted.", () => api(`/api/sessions/${w.sessionId}/restore`, { method: "POST" }));
}

function openEdit(s) {
  editing = s;
  $("set-sheet-what").textContent = `${nameOf(s.exercise_id)} · ${dayFmt.format(new Date(s.performed_at))}`;
  $("edit-reps").value = s.reps;
  $("edit-load").value = s.load_kg ? shown(s.load_kg) : "";
  $("edit-target").value = s.reflection && s.reflection.target_rating !== null && s.reflection.target_rating !== undefined ? s.reflection.target_rating : "";
  $("edit-rir").value = s.reps_in_reserve ?? "";
  $("edit-focus").value = s.reflection && s.reflection.focus_rating !== null && s.reflection.focus_rating !== undefined ? s.reflection.focus_rating : "";
  felt.clear();
  for (const [m, v] of Object.entries((s.reflection && s.reflection.felt_elsewhere) || {})) felt.set(m, v);
  paintFelt();
  $("edit-else-list").hidden = true;
  $("edit-else").setAttribute("aria-expanded", "false");
  for (const id of ["edit-reps-msg", "edit-load-msg", "edit-target-msg", "edit-rir-msg", "edit-focus-msg", "edit-error"]) $(id).hidden = true;
  $("set-sheet").showModal();
}

function message(id, text, input) {
  $(id).textContent = text || "";
  $(id).hidden = !text;
  if (input) input.setAttribute("aria-invalid", String(!!text));
}

async function saveEdit(e) {
  e.preventDefault();
  const num = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
  const loadShown = decimal($("edit-load").value);
  // A load left as shown is the set's load exactly: only a changed one is converted again.
  const loadKg = kgFrom(loadShown, units, [editing.load_kg]);
  const checks = [
    ["edit-reps", checkField(bounds, "reps", num("edit-reps"), { label: "Reps", integer: true })],
    ["edit-load", checkField(bounds, "load_kg", loadKg, { label: "Load", shown: (kg) => `${shown(kg)} ${units}` })],
    ["edit-target", checkField({ ...bounds, target_rating: { ...bounds.target_rating, required: false } }, "target_rating", num("edit-target"), { label: "The target rating", integer: true })],
    ["edit-rir", checkField(bounds, "reps_in_reserve", num("edit-rir"), { label: "Reps in reserve", integer: true })],
    ["edit-focus", checkField({ ...bounds, focus_rating: { ...bounds.target_rating, required: false } }, "focus_rating", num("edit-focus"), { label: "The focus rating", integer: true })],
  ];
  let ok = true;
  for (const [id, m] of checks) {
    message(`${id}-msg`, m, $(id));
    if (m) ok = false;
  }
  if (!ok) return;
  const body = {};
  if (num("edit-reps") !== editing.reps) body.reps = num("edit-reps");
  if (loadKg !== null && Math.abs(loadKg - editing.load_kg) > 1e-6) body.load_kg = loadKg;
  // A rating: a new value is sent; an emptied one is cleared (as if skipped), and undo puts back
  // exactly what was there, cleared again if it was absent.
  const r = editing.reflection || {};
  const undo = {};
  const rating = (field, id, old) => {
    old = old ?? null;
    const now = num(id);
    if (now === old) return;
    if (now === null) (body.clear = body.clear || []).push(field);
    else body[field] = now;
    if (old === null) (undo.clear = undo.clear || []).push(field);
    else undo[field] = old;
  };
  rating("target_rating", "edit-target", r.target_rating);
  rating("reps_in_reserve", "edit-rir", editing.reps_in_reserve);
  rating("focus_rating", "edit-focus", r.focus_rating);
  const oldFelt = r.felt_elsewhere || {};
  const newFelt = Object.fromEntries(felt);
  if (JSON.stringify(Object.entries(oldFelt).sort()) !== JSON.stringify(Object.entries(newFelt).sort())) {
    body.felt_elsewhere = newFelt;
    undo.felt_elsewhere = oldFelt;
  }
  if ("reps" in body) undo.reps = editing.reps;
  if ("load_kg" in body) undo.load_kg = editing.load_kg;
  const id = editing.id;
  try {
    if (Object.keys(body).length) await api(`/api/sets/${id}`, { method: "PATCH", body });
    $("set-sheet").close();
    await load();
    if (Object.keys(body).length) undoToast("Set corrected: the earlier values are kept as a revision.", () => api(`/api/sets/${id}`, { method: "PATCH", body: undo }));
    else toast("Nothing changed.");
  } catch (ex) {
    message("edit-error", ex.message);
  }
}

function paintFelt() {
  for (const b of document.querySelectorAll("#edit-else-list .mchip")) {
    const level = felt.get(b.dataset.muscle) || 0;
    b.dataset.level = String(level);
    b.setAttribute("aria-pressed", String(level > 0));
    b.querySelector(".mlevel").textContent = level === 8 ? "a lot" : level ? "a little" : "";
  }
  const list = [...felt].map(([m, v]) => `${muscleName[m] || m} (${v >= 8 ? "a lot" : "a little"})`);
  $("edit-else").textContent = list.length ? list.join(", ") : "Nowhere else";
}

async function init() {
  bounds = await setBounds();
  $("set-form").addEventListener("submit", saveEdit);
  $("set-cancel").addEventListener("click", () => $("set-sheet").close());
  $("edit-else").addEventListener("click", () => {
    const list = $("edit-else-list");
    list.hidden = !list.hidden;
    $("edit-else").setAttribute("aria-expanded", String(!list.hidden));
  });
  $("edit-else-list").addEventListener("click", (e) => {
    const b = e.target.closest(".mchip");
    if (!b) return;
    const next = { 0: 4, 4: 8, 8: 0 }[felt.get(b.dataset.muscle) || 0] ?? 0;
    if (next) felt.set(b.dataset.muscle, next);
    else felt.delete(b.dataset.muscle);
    paintFelt();
  });
  await load();
  document.body.dataset.ready = "1";
}

init();
