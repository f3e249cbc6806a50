// The pieces of "your workout, your way" shared by the set loop's workout editor and the
// routines page: the exercise picker (search, or the swaps of the same target muscles) and one
// editable row of an exercise (sets, order, swap, remove).

import { api } from "./api.js";

const $ = (id) => document.getElementById(id);
let list = null;

// The user's exercises: [{id, name, targets (muscle names), equipment}], sorted by name.
export function exercises() {
  if (!list) list = JSON.parse(($("exercise-data") || { textContent: "[]" }).textContent);
  return list;
}

export function nameOf(id) {
  const e = exercises().find((x) => x.id === id);
  return e ? e.name : id.replace(/^user_/, "").replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function button(text, label, onClick, className = "") {
  const b = el("button", { type: "button", textContent: text, className });
  if (label) b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

// Pick an exercise: resolves with its id, or null when cancelled. ``swapFor`` lists first the
// exercises that train the same target muscles (GET /api/exercises/{id}/swaps).
export function pickExercise({ title = "Add an exercise", exclude = [], swapFor = null } = {}) {
  const sheet = $("pick-sheet");
  const search = $("pick-search");
  const box = $("pick-list");
  const hint = $("pick-hint");
  $("pick-title").textContent = title;
  search.value = "";
  let suggested = [];
  const skip = new Set(exclude);
  return new Promise((resolve) => {
    let done = false;
    const finish = (id) => {
      if (done) return;
      done = true;
      sheet.removeEventListener("close", onClose);
      search.removeEventListener("input", draw);
      $("pick-cancel").removeEventListener("click", onCancel);
      if (sheet.open) sheet.close();
      resolve(id);
    };
    const onClose = () => finish(null);
    const onCancel = () => finish(null);
    const draw = () => {
        const q = search.value.trim().toLowerCase();
        const words = q.split(/\s+/).filter(Boolean);
        const match = (e) => words.every((w) => `${e.name} ${e.targets.join(" ")} ${e.equipment}`.toLowerCase().includes(w));
        const rows = [];
        const first = q ? [] : suggested;
        const shown = new Set(first.map((e) => e.id));
        if (first.length) rows.push(el("h3", { textContent: "Same target muscles" }));
        for (const e of first) rows.push(row(e));
        const rest = exercises().filter((e) => !skip.has(e.id) && !shown.has(e.id) && match(e)).slice(0, q ? 40 : 25);
        if (first.length && rest.length) rows.push(el("h3", { textContent: q ? "Matches" : "All exercises" }));
        for (const e of rest) rows.push(row(e));
        if (!rows.length) rows.push(el("p", { className: "muted", textContent: `No exercise matches “${search.value.trim()}”.` }));
        box.replaceChildren(...rows);
      };
    const row = (e) => {
      const b = button("", null, () => finish(e.id), "pick");
      b.append(el("b", { textContent: e.name }), el("small", { className: "muted", textContent: [e.targets.join(", ") || "no target muscle yet", e.equipment].filter(Boolean).join(" · ") }));
      b.dataset.exercise = e.id;
      return b;
    };
    sheet.addEventListener("close", onClose);
    search.addEventListener("input", draw);
    $("pick-cancel").addEventListener("click", onCancel);
    hint.textContent = "";
    hint.hidden = true;
    draw();
    sheet.showModal();
    if (swapFor) {
      hint.textContent = `Looking for exercises that train the same muscles as ${nameOf(swapFor)}…`;
      hint.hidden = false;
      api(`/api/exercises/${encodeURIComponent(swapFor)}/swaps`)
        .then((res) => {
          suggested = res.options.map((o) => exercises().find((e) => e.id === o.id)).filter((e) => e && !skip.has(e.id));
          hint.textContent = res.targets.length ? `Trains the same target muscles as ${res.name}: ${res.targets.map((t) => t.split(" (")[0]).join(", ")}.` : `${res.name} has no target muscle yet: pick any exercise.`;
          if (!done) draw();
        })
        .catch(() => {
          hint.textContent = "Suggestions need the network: search instead.";
        });
    }
  });
}

// One exercise of a workout or routine. ``lock``: "none" (everything can change), "sets" (only
// more sets: the exercise has begun), "all" (done). Handlers left out hide their buttons.
export function exerciseRow({ name, detail, sets, minSets = 1, maxSets = 20, lock = "none", first, last, onSets, onMove, onSwap, onRemove }) {
  const head = el("div", { className: "row" }, el("b", { className: "grow", textContent: name }));
  if (onSwap && lock === "none") head.append(button("Swap", `Swap ${name} for another exercise`, onSwap, "wbtn"));
  if (onRemove && lock === "none") head.append(button("Remove", `Remove ${name}`, onRemove, "wbtn"));
  const controls = el("div", { className: "row wrow-controls" });
  if (lock === "all") {
    controls.append(el("span", { className: "muted", textContent: `${sets} ${sets === 1 ? "set" : "sets"} · done` }));
  } else {
    const count = el("span", { className: "setcount", textContent: `${sets} ${sets === 1 ? "set" : "sets"}` });
    count.setAttribute("aria-live", "polite");
    const minus = button("−", `One set fewer of ${name}`, () => onSets(sets - 1), "wbtn");
    const plus = button("+", `One set more of ${name}`, () => onSets(sets + 1), "wbtn");
    minus.disabled = sets <= minSets;
    plus.disabled = sets >= maxSets;
    controls.append(el("div", { className: "row setstep" }, minus, count, plus));
    if (lock === "none") {
      const spacer = el("span", { className: "grow" });
      controls.append(spacer);
      if (onMove) {
        const up = button("↑", `Move ${name} up`, () => onMove(-1), "wbtn");
        const down = button("↓", `Move ${name} down`, () => onMove(1), "wbtn");
        up.disabled = !!first;
        down.disabled = !!last;
        controls.append(up, down);
      }
    }
  }
  const about = detail ? el("small", { className: "muted", textContent: detail }) : null;
  const item = el("li", { className: `wrow${lock === "all" ? " done" : ""}` }, head, about, controls);
  return item;
}
