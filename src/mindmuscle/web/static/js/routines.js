// Routines: saved workouts, listed, started, changed and deleted (with undo), and new ones made
// from the user's exercises (GET/POST /api/routines, GET/PUT/DELETE /api/routines/{id}).

import { api, toast } from "./api.js";
import { exerciseRow, nameOf, pickExercise } from "./workout.js";

const $ = (id) => document.getElementById(id);
let routines = JSON.parse($("routines-data").textContent);
let editing = null; // {id: null for a new routine, items: [{exercise_id, sets}]}

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
  editing = { id: r ? r.id : null, items: r ? r.exercises.map((e) => ({ exercise_id: e.exercise_id, sets: e.sets, tempo: e.tempo ?? null, focus: e.focus ?? null })) : [] };
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
    ...items.map((it, i) =>
      exerciseRow({
        name: nameOf(it.exercise_id),
        sets: it.sets,
        first: i === 0,
        last: i === items.length - 1,
        onSets: (n) => {
          it.sets = n;
          renderEditor();
        },
        onMove: (d) => {
          [items[i], items[i + d]] = [items[i + d], items[i]];
          renderEditor();
        },
        onSwap: async () => {
          const id = await pickExercise({ title: `Swap ${nameOf(it.exercise_id)}`, swapFor: it.exercise_id, exclude: items.map((x) => x.exercise_id) });
          if (id) it.exercise_id = id;
          renderEditor();
        },
        onRemove: () => {
          items.splice(i, 1);
          renderEditor();
        },
      }),
    ),
  );
  if (!items.length) $("editor-list").append(el("li", { className: "muted", textContent: "No exercise yet: add the first one." }));
  $("editor-add").disabled = items.length >= 20;
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
  const body = { name, exercises: editing.items };
  try {
    if (editing.id === null) await api("/api/routines", { method: "POST", body });
    else await api(`/api/routines/${editing.id}`, { method: "PUT", body });
  } catch (ex) {
    const onName = ex.body && ex.body.details && ex.body.details.some((d) => d.field === "name");
    if (onName || /named/.test(ex.message)) message("editor-name-msg", ex.message, $("editor-name"));
    else message("editor-msg", ex.status ? ex.message : "Saving needs the network: try again in a moment.");
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
