// A coach sets a routine for a client (POST /api/clients/NAME/routines), changes one they set in
// the same form (PUT /api/clients/NAME/routines/ID, with the version it was opened at, so a
// change saved meanwhile in another tab is not overwritten) and deletes one (DELETE ...). The
// form has as many exercise rows as needed, up to the most a routine holds; a row the server
// refuses gets its one line beside the field, and nothing typed is lost.

import { api, ApiError, counted } from "./api.js";

const $ = (id) => document.getElementById(id);
const form = $("client-routine");
const client = form.dataset.client;
const who = form.dataset.who;
const MAX = Number(form.dataset.max);
const rowsBox = $("routine-rows");
let routines = JSON.parse($("routines-data").textContent);
const DRAFT = `mm.routine-draft.${client}`;
const FIELDS = { exercise_id: "Exercise", sets: "Sets", tempo: "Tempo", focus: "Focus" };

let editing = null; // the routine being changed ({id, name, updated_at}); null: a new one
let draft = null; // the new routine's form as it was when an Edit opened (Cancel brings it back)
let opened = null; // the form as it was opened, to tell whether anything changed since

function say(id, text, input) {
  $(id).textContent = text || "";
  $(id).hidden = !text;
  if (input) input.setAttribute("aria-invalid", String(!!text));
}

function rows() {
  return [...rowsBox.querySelectorAll(".routine-row")];
}

function rowLine(row, field, text) {
  const line = row.querySelector(`[data-msg=${field}]`);
  line.textContent = text || "";
  line.hidden = !text;
  const input = field === "exercise_id" ? row.querySelector("[name=exercise]") : row.querySelector(`[name=${field}]`);
  input.setAttribute("aria-invalid", String(!!text));
}

function clearErrors() {
  say("routine-msg", "");
  say("routine-name-msg", "", $("routine-name"));
  for (const row of rows()) for (const f of Object.keys(FIELDS)) rowLine(row, f, "");
}

// One exercise row, filled with ``item`` ({exercise_id, name, sets, tempo, focus}) when given.
function addRow(item) {
  const row = $("routine-row").content.firstElementChild.cloneNode(true);
  const select = row.querySelector("[name=exercise]");
  if (item) {
    if (![...select.options].some((o) => o.value === item.exercise_id)) {
      // An exercise the client's catalogue lost keeps its row (saving says what to do).
      select.append(new Option(`${item.name} (not in ${who}'s exercises)`, item.exercise_id));
    }
    select.value = item.exercise_id;
    row.querySelector("[name=sets]").value = String(item.sets);
    row.querySelector("[name=tempo]").value = item.tempo || "";
    row.querySelector("[name=focus]").value = item.focus || "";
  }
  row.querySelector("[data-remove]").addEventListener("click", () => {
    row.remove();
    renumber();
    const next = rows()[0];
    if (next) next.querySelector("[name=exercise]").focus();
  });
  for (const b of row.querySelectorAll("[data-move]")) {
    b.addEventListener("click", () => {
      const list = rows();
      const to = list.indexOf(row) + Number(b.dataset.move);
      if (to < 0 || to >= list.length) return;
      if (Number(b.dataset.move) < 0) rowsBox.insertBefore(row, list[to]);
      else rowsBox.insertBefore(list[to], row);
      renumber();
      b.focus();
    });
  }
  for (const input of row.querySelectorAll("select, input")) {
    input.addEventListener("input", () => rowLine(row, input.name === "exercise" ? "exercise_id" : input.name, ""));
  }
  rowsBox.append(row);
  return row;
}

// Row numbers, ids, labels and the buttons' states after any change of the rows.
function renumber() {
  const list = rows();
  list.forEach((row, i) => {
    const n = i + 1;
    const picked = row.querySelector("[name=exercise]");
    const name = picked.value ? picked.selectedOptions[0].textContent : `exercise ${n}`;
    row.dataset.row = String(i);
    row.querySelector("legend").textContent = `Exercise ${n}`;
    picked.id = `ex-${i}`;
    picked.setAttribute("aria-label", `Exercise ${n}`);
    picked.options[0].textContent = i === 0 ? "Choose an exercise" : "None";
    for (const f of ["sets", "tempo", "focus"]) {
      const input = row.querySelector(`[name=${f}]`);
      input.id = `${f}-${i}`;
      input.closest("div").querySelector("label").htmlFor = input.id;
    }
    for (const f of Object.keys(FIELDS)) {
      const line = row.querySelector(`[data-msg=${f}]`);
      line.id = `msg-${f}-${i}`;
      (f === "exercise_id" ? picked : row.querySelector(`[name=${f}]`)).setAttribute("aria-describedby", line.id);
    }
    const [up, down] = row.querySelectorAll("[data-move]");
    up.disabled = i === 0;
    down.disabled = i === list.length - 1;
    up.setAttribute("aria-label", `Move ${name} up`);
    down.setAttribute("aria-label", `Move ${name} down`);
    const remove = row.querySelector("[data-remove]");
    remove.setAttribute("aria-label", `Remove ${name}`);
    remove.disabled = list.length === 1;
  });
  const add = $("routine-add");
  add.disabled = list.length >= MAX;
  add.textContent = add.disabled ? `${MAX} exercises: the most a routine holds` : "Add exercise";
  $("routine-count").textContent = add.disabled
    ? `A routine holds at most ${MAX} exercises: remove one to add another.`
    : `${list.length} of at most ${MAX} exercises.`;
}

rowsBox.addEventListener("change", (event) => {
  if (event.target.name === "exercise") renumber(); // the buttons' labels name the exercise
});

// The form's rows as the API takes them; a row left at "None" with nothing typed is no
// exercise, but a row with a tempo, focus or sets and no exercise is kept and named.
function collect() {
  const exercises = [];
  const sent = [];
  const missing = [];
  for (const row of rows()) {
    const id = row.querySelector("[name=exercise]").value;
    const setsInput = row.querySelector("[name=sets]");
    const sets = setsInput.value.trim();
    const tempo = row.querySelector("[name=tempo]").value.trim();
    const focus = row.querySelector("[name=focus]").value;
    if (!id) {
      if (tempo || focus || (sets !== "3" && sets !== "") || setsInput.validity.badInput) missing.push(row);
      continue;
    }
    // What was typed goes as typed: the server's limits answer it, in one line per field.
    const n = setsInput.validity.badInput || sets === "" ? null : Number(sets);
    exercises.push({ exercise_id: id, sets: n, tempo: tempo || null, focus: focus || null });
    sent.push(row);
  }
  return { body: { name: $("routine-name").value.trim(), exercises }, sent, missing };
}

function snapshot() {
  return JSON.stringify({
    name: $("routine-name").value,
    rows: rows().map((r) => [...r.querySelectorAll("select, input")].map((i) => i.value)),
  });
}

function fill(name, items) {
  rowsBox.replaceChildren();
  $("routine-name").value = name;
  for (const item of items) addRow(item);
  if (!items.length) for (let i = 0; i < Number(form.dataset.rows); i++) addRow(null);
  renumber();
}

function restore(saved) {
  const state = JSON.parse(saved);
  rowsBox.replaceChildren();
  $("routine-name").value = state.name;
  for (const values of state.rows) {
    const row = addRow(null);
    [...row.querySelectorAll("select, input")].forEach((input, i) => {
      if (input.tagName === "SELECT" && ![...input.options].some((o) => o.value === values[i])) input.append(new Option(values[i], values[i]));
      input.value = values[i];
    });
  }
  renumber();
}

function setMode(r) {
  editing = r ? { id: r.id, name: r.name, updated_at: r.updated_at } : null;
  $("set-title").textContent = r ? `Change “${r.name}” for ${who}` : `Set a routine for ${who}`;
  $("routine-save").textContent = r ? "Save changes" : "Set this routine";
  $("routine-cancel").hidden = !r;
  for (const card of document.querySelectorAll(".client-routine")) card.classList.toggle("editing", !!r && card.dataset.routine === String(r.id));
}

function openEdit(r) {
  if (editing && editing.id === r.id && editing.updated_at === r.updated_at) return form.scrollIntoView({ block: "start" });
  if (editing && snapshot() !== opened && !confirm(`Drop your changes to “${editing.name}” and open its saved version?`)) return;
  if (!editing) draft = snapshot(); // the new routine being typed waits for Cancel
  clearErrors();
  fill(r.name, r.exercises);
  setMode(r);
  opened = snapshot();
  form.scrollIntoView({ block: "start" });
  $("routine-name").focus();
}

function cancelEdit() {
  clearErrors();
  setMode(null);
  if (draft) restore(draft);
  else fill("", []);
  draft = null;
  opened = null;
}

// The server's refusal, each part beside its field: "exercises.2.tempo" is the third row sent.
function showError(err, sent) {
  const details = (err.body && err.body.details) || [];
  let placed = 0;
  for (const d of details) {
    const m = /^exercises\.(\d+)\.(exercise_id|sets|tempo|focus)$/.exec(d.field || "");
    if (m && sent[Number(m[1])]) {
      rowLine(sent[Number(m[1])], m[2], rowText(m[2], d));
      placed++;
    } else if (d.field === "name") {
      say("routine-name-msg", d.message, $("routine-name"));
      placed++;
    }
  }
  if (err.status === 409) showSaved();
  if (placed < details.length || !details.length) say("routine-msg", err.message);
  else say("routine-msg", placed === 1 ? "One field needs a change: see its line above." : `${placed} fields need a change: see their lines above.`);
  const first = form.querySelector("[aria-invalid=true]");
  if (first) first.focus();
}

function rowText(field, d) {
  if (d.type === "unknown_id") return `“${d.given}” is not in ${who}'s exercises: choose another, or remove this row.`;
  if (d.given === "None") return `${FIELDS[field]} is empty: ${d.allowed}.`;
  return `${FIELDS[field]} ${d.given} is not allowed: ${d.allowed}.`;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const { body, sent, missing } = collect();
  for (const row of missing) rowLine(row, "exercise_id", "Choose the exercise of this row, or remove it.");
  if (!body.name) say("routine-name-msg", "Give the routine a name.", $("routine-name"));
  if (!body.exercises.length && !missing.length) say("routine-msg", "Choose at least one exercise.");
  if (!body.name || missing.length || !body.exercises.length) {
    const first = form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
    return;
  }
  try {
    if (editing) {
      await api(`/api/clients/${client}/routines/${editing.id}`, { method: "PUT", body: { ...body, updated_at: editing.updated_at } });
    } else {
      await api(`/api/clients/${client}/routines`, { method: "POST", body });
    }
  } catch (err) {
    if (err instanceof ApiError) showError(err, sent);
    else say("routine-msg", "The routine was not saved: the server did not answer. Try again.");
    return;
  }
  // The new routine that waited while this one was changed waits on after the reload.
  if (editing && draft) sessionStorage.setItem(DRAFT, draft);
  location.reload(); // the saved routine, as stored, in its card
});

$("routine-add").addEventListener("click", () => {
  if (rows().length >= MAX) return;
  const row = addRow(null);
  renumber();
  row.querySelector("[name=exercise]").focus();
});
$("routine-cancel").addEventListener("click", cancelEdit);
$("routine-name").addEventListener("input", () => say("routine-name-msg", "", $("routine-name")));

for (const button of document.querySelectorAll(".edit-routine")) {
  button.addEventListener("click", () => openEdit(routines.find((x) => String(x.id) === button.dataset.routine)));
}

// The routines as stored now, in their cards (after a save refused because another tab saved
// first): Edit then opens the saved version.
async function showSaved() {
  try {
    routines = await api(`/api/clients/${client}/routines`);
  } catch {
    return; // the line already says what happened; the page's cards stay as loaded
  }
  for (const r of routines) {
    const card = document.querySelector(`.client-routine[data-routine="${r.id}"]`);
    if (!card) continue;
    card.querySelector("h2").textContent = r.name;
    for (const [cls, verb] of [[".edit-routine", "Edit"], [".remove-routine", "Delete"]]) {
      const button = card.querySelector(cls);
      if (button) button.setAttribute("aria-label", `${verb} ${r.name}`);
    }
    card.querySelector(".rlist").replaceChildren(
      ...r.exercises.map((e) => Object.assign(document.createElement("li"), {
        textContent: `${e.name} · ${counted(e.sets, "set")}${e.tempo ? ` · tempo ${e.tempo}` : ""}${e.focus ? ` · ${e.focus} focus` : ""}`,
      })),
    );
  }
}

for (const button of document.querySelectorAll(".remove-routine")) {
  button.addEventListener("click", async () => {
    try {
      await api(`/api/clients/${client}/routines/${button.dataset.routine}`, { method: "DELETE" });
      location.reload();
    } catch (err) {
      say("routine-msg", err instanceof ApiError ? err.message : "Not deleted: the server did not answer. Try again.");
    }
  });
}

const waiting = sessionStorage.getItem(DRAFT);
sessionStorage.removeItem(DRAFT);
if (waiting) restore(waiting);
else fill("", []);
document.body.dataset.ready = "1";
