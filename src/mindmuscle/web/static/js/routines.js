// Routines: saved workouts, listed, started, changed and deleted (with undo), and new ones made
// from the user's exercises (GET/POST /api/routines, GET/PUT/DELETE /api/routines/{id}).

import { api, toast } from "./api.js";
import { exerciseRow, nameOf, pickExercise } from "./workout.js";

const $ = (id) => document.getElementById(id);
let routines = JSON.parse($("routines-data").textContent);
let editing = null; // {id: null for a new routine, updated_at, items: [{exercise_id, sets, error}]}
const MAX = Number($("routine-editor").dataset.max); // the most a routine holds

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function button(text, className, onClick, label) {
  const b = el("button", { type: "button", textContent: text, className });
  if (label) b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function renderList() {
  const cards = routines.map((r) => {
    const sets = r.exercises.reduce((n, e) => n + e.sets, 0);
    const items = el("ol", { className: "rlist" }, ...r.exercises.map((e) => el("li", { textContent: `${e.name} · ${e.sets} ${e.sets === 1 ? "set" : "sets"}${e.tempo ? ` · tempo ${e.tempo}` : ""}${e.focus ? ` · ${e.focus} focus` : ""}` })));
    const actions = el(
      "div",
      { className: "actions" },
      button("Start", "primary", () => start(r), `Start ${r.name}`),
      button("Edit", "", () => openEditor(r), `Edit ${r.name}`),
      button("Delete", "ghost", () => remove(r), `Delete ${r.name}`),
    );
    const card = el("article", { className: "card rcard" }, el("h2", { textContent: r.name }), el("p", { className: "muted", textContent: `${r.exercises.length} ${r.exercises.length === 1 ? "exercise" : "exercises"} · ${sets} sets` }), items, actions);
    // A routine the lifter's coach set says so; changing it makes it the lifter's own.
    if (r.set_by) card.insertBefore(el("p", { className: "set-by", textContent: `Set by your coach ${r.set_by}` }), items);
    card.dataset.routine = r.id;
    return card;
  });
  if (!cards.length) cards.push(el("p", { className: "card muted", textContent: "No routine yet. Make one here, or save a workout as a routine from its “Edit workout” sheet." }));
  $("routine-list").replaceChildren(...cards);
}

async function reload() {
  routines = await api("/api/routines");
  renderList();
}

function inProgress() {
  try {
    const loop = JSON.parse(localStorage.getItem("mm.loop") || "null");
    return !!(loop && loop.screen && loop.screen !== "summary" && (loop.done || []).length);
  } catch {
    return false;
  }
}

async function start(r) {
  if (inProgress() && !confirm("A workout is in progress. Start this routine instead? Sets already saved stay saved.")) return;
  try {
    await api(`/api/routines/${r.id}/start`, { method: "POST" });
    localStorage.removeItem("mm.loop");
    location.href = "/session";
  } catch (ex) {
    toast(ex.message, "error");
  }
}

async function remove(r) {
  try {
    await api(`/api/routines/${r.id}`, { method: "DELETE" });
  } catch (ex) {
    return toast(ex.message, "error");
  }
  await reload();
  toast(`Deleted the routine “${r.name}”.`);
  const box = $("toast");
  const undo = button("Undo", "chip", async () => {
    box.classList.remove("show");
    await api("/api/routines", { method: "POST", body: { name: r.name, exercises: r.exercises.map((e) => ({ exercise_id: e.exercise_id, sets: e.sets, tempo: e.tempo ?? null, focus: e.focus ?? null })) } });
    await reload();
  });
  box.append(" ", undo);
  clearTimeout(box._t);
  box._t = setTimeout(() => box.classList.remove("show"), 8000);
}

// ---------------------------------------------------------------- the editor
function message(id, text, input) {
  $(id).textContent = text || "";
  $(id).hidden = !text;
  if (input) input.setAttribute("aria-invalid", String(!!text));
}

function openEditor(r) {
  editing = { id: r ? r.id : null, updated_at: r ? r.updated_at : null, items: r ? r.exercises.map((e) => ({ exercise_id: e.exercise_id, sets: e.sets, tempo: e.tempo ?? null, focus: e.focus ?? null })) : [] };
  $("editor-title").textContent = r ? `Edit “${r.name}”` : "New routine";
  $("editor-name").value = r ? r.name : "";
  message("editor-name-msg", "", $("editor-name"));
  message("editor-msg", "");
  $("routine-editor").hidden = false;
  $("new-routine").hidden = true;
  renderEditor();
  $("routine-editor").scrollIntoView({ block: "start" });
  $("editor-name").focus();
}

function closeEditor() {
  editing = null;
  $("routine-editor").hidden = true;
  $("new-routine").hidden = false;
}

function renderEditor() {
  const items = editing.items;
  $("editor-list").replaceChildren(
    ...items.map((it, i) => withError(it,
      exerciseRow({
        name: nameOf(it.exercise_id),
        // A tempo or focus chosen (by the lifter or their coach) is kept, and shown.
        detail: [it.tempo ? `tempo ${it.tempo}` : "", it.focus ? `${it.focus} focus` : ""].filter(Boolean).join(" · "),
        sets: it.sets,
        first: i === 0,
        last: i === items.length - 1,
        onSets: (n) => {
          it.sets = n;
          it.error = null;
          renderEditor();
        },
        onMove: (d) => {
          [items[i], items[i + d]] = [items[i + d], items[i]];
          renderEditor();
        },
        onSwap: async () => {
          const id = await pickExercise({ title: `Swap ${nameOf(it.exercise_id)}`, swapFor: it.exercise_id, exclude: items.map((x) => x.exercise_id) });
          if (id) Object.assign(it, { exercise_id: id, error: null });
          renderEditor();
        },
        onRemove: () => {
          items.splice(i, 1);
          renderEditor();
        },
      })),
    ),
  );
  if (!items.length) $("editor-list").append(el("li", { className: "muted", textContent: "No exercise yet: add the first one." }));
  const add = $("editor-add");
  add.disabled = items.length >= MAX;
  add.textContent = add.disabled ? `${MAX} exercises: the most a routine holds` : "Add an exercise";
  message("editor-count", add.disabled ? `A routine holds at most ${MAX} exercises: remove one to add another.` : "");
}

// A row the server refused keeps its one line until the row changes.
function withError(item, li) {
  if (item.error) li.append(el("p", { className: "field-error", textContent: item.error, role: "alert" }));
  return li;
}

function rowText(d) {
  if (d.type === "unknown_id") return `“${nameOf(d.given)}” is not in your exercises any more: swap it for another, or remove it.`;
  const field = d.field.split(".").pop();
  return `${field[0].toUpperCase()}${field.slice(1)} ${d.given} is not allowed: ${d.allowed}.`;
}

async function addToEditor() {
  const id = await pickExercise({ exclude: editing.items.map((x) => x.exercise_id) });
  if (!id) return;
  editing.items.push({ exercise_id: id, sets: 3 });
  message("editor-msg", "");
  renderEditor();
}

async function saveEditor(e) {
  e.preventDefault();
  const name = $("editor-name").value.trim();
  message("editor-name-msg", name ? "" : "Give the routine a name.", $("editor-name"));
  message("editor-msg", editing.items.length ? "" : "Add at least one exercise.");
  if (!name || !editing.items.length) return;
  const body = { name, exercises: editing.items.map((it) => ({ exercise_id: it.exercise_id, sets: it.sets, tempo: it.tempo ?? null, focus: it.focus ?? null })) };
  for (const it of editing.items) it.error = null;
  try {
    if (editing.id === null) await api("/api/routines", { method: "POST", body });
    else await api(`/api/routines/${editing.id}`, { method: "PUT", body: { ...body, updated_at: editing.updated_at } });
  } catch (ex) {
    const details = (ex.body && ex.body.details) || [];
    const onName = details.some((d) => d.field === "name");
    const onRows = details.filter((d) => /^exercises\.\d+\./.test(d.field || ""));
    for (const d of onRows) editing.items[Number(d.field.split(".")[1])].error = rowText(d);
    renderEditor();
    if (onName || /named/.test(ex.message)) message("editor-name-msg", ex.message, $("editor-name"));
    else if (onRows.length && onRows.length === details.length) message("editor-msg", onRows.length === 1 ? "One exercise needs a change: see its line above." : `${onRows.length} exercises need a change: see their lines above.`);
    else message("editor-msg", ex.status ? ex.message : "Saving needs the network: try again in a moment.");
    // Saved meanwhile in another tab: the list shows the saved version; the editor keeps yours.
    if (ex.status === 409) await reload();
    return;
  }
  toast(editing.id === null ? `Saved “${name}”.` : `Changed “${name}”.`);
  closeEditor();
  await reload();
}

$("new-routine").addEventListener("click", () => openEditor(null));
$("editor-name").addEventListener("input", () => message("editor-name-msg", "", $("editor-name")));
$("editor-cancel").addEventListener("click", closeEditor);
$("editor-add").addEventListener("click", addToEditor);
$("routine-editor").addEventListener("submit", saveEditor);
renderList();
document.body.dataset.ready = "1";
