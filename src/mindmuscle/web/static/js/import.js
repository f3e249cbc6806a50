// Import page: upload a log export, preview how every exercise name maps (a dry run), confirm.
// The file stays in the page between preview and confirm; nothing is stored before confirm.

import { counted, toast } from "./api.js";
import { el, postForm } from "./upload.js";

const $ = (id) => document.getElementById(id);
const form = $("import-form");
const fileInput = $("import-file");
const errorBox = $("import-error");
const METHOD = {
  exact: "exact name",
  normalised: "same words",
  fuzzy: "close match",
  given: "as you mapped it",
  user: "your exercise",
  new: "new exercise",
};

function showError(message, body = null) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
  // A file with several broken rows: every one listed (the server lists 50 and counts the rest).
  const rows = ((body && body.details) || []).filter((d) => d.type === "file_row");
  if (rows.length > 1) {
    errorBox.textContent = `${rows.length + (body.more || 0)} rows cannot be imported, so nothing was stored:`;
    const list = el("ul", { class: "import-errors" });
    for (const r of rows) {
      const where = [r.line && `line ${r.line}`, r.column && `column ${r.column}`].filter(Boolean);
      list.append(el("li", {}, `${where.join(", ")}: ${r.reason}`));
    }
    if (body.more) list.append(el("li", {}, `… and ${body.more} more`));
    errorBox.append(list);
  }
}

function unit() {
  return form.querySelector("input[name=unit]:checked").value;
}

function formData(dryRun) {
  const fd = new FormData();
  fd.append("file", fileInput.files[0]);
  if (unit()) fd.append("unit", unit());
  fd.append("format", $("import-format").value);
  fd.append("dry_run", dryRun ? "true" : "false");
  return fd;
}

function renderReport(r) {
  $("r-sets").textContent = r.sets;
  $("r-workouts").textContent = r.workouts;
  $("r-exercises").textContent = r.exercises;
  $("r-matched").textContent = r.matched;
  $("r-user").textContent = r.user_exercises;
  $("r-new").textContent = r.new_user_exercises;
  $("r-stored").textContent = r.sets_already_stored;
  const span = r.first_workout ? `${r.first_workout.slice(0, 10)} to ${(r.last_workout || "").slice(0, 10)}` : "no workouts";
  $("r-meta").textContent = `${r.path}: ${r.format} export, weights in ${r.unit}, ${span}.`;
  const list = $("mapping-list");
  list.replaceChildren();
  // The names to check first: new exercises and close matches, then the sure ones.
  const order = { new: 0, fuzzy: 1, normalised: 2, user: 3, given: 4, alias: 5, exact: 6 };
  const mappings = [...r.mappings].sort((a, b) => order[a.method] - order[b.method] || b.sets - a.sets);
  for (const m of mappings) {
    // An alias is a name the card lists: said as such, not as its exact name.
    const label = m.method === "alias" ? `alias of ${m.exercise_name}` : METHOD[m.method];
    const pct = m.method === "new" || m.method === "alias" ? "" : ` ${Math.round(m.confidence * 100)}%`;
    const row = el(
      "div",
      { class: `map-row map-${m.method}`, "data-method": m.method },
      el("div", { class: "map-from" }, el("b", {}, m.name), el("small", { class: "muted" }, ` ${counted(m.sets, "set")}`)),
      el(
        "div",
        { class: "map-to" },
        el("span", {}, "→ ", m.exercise_name, " "),
        el("span", { class: "tag" }, label + pct),
      ),
    );
    if (m.unassigned) {
      const names = m.suggested_target_names || [];
      const hint = names.length ? ` The name suggests: ${names.join(", ")}.` : "";
      row.append(el("small", { class: "notice" }, `No target muscle yet: left out of the connection map until you assign its targets on its card under Exercises.${hint}`));
    }
    list.append(row);
  }
  const toAdd = r.sets - r.sets_already_stored;
  const confirm = $("import-confirm");
  confirm.textContent = toAdd > 0 ? `Import ${counted(toAdd, "set")}` : "Nothing new to import";
  confirm.disabled = toAdd === 0;
  $("import-report").hidden = false;
}

async function preview(ev) {
  ev.preventDefault();
  showError("");
  $("import-done").hidden = true;
  if (!fileInput.files.length) {
    showError("Choose the exported CSV file first.");
    return;
  }
  const btn = $("import-preview");
  btn.disabled = true;
  btn.textContent = "Reading…";
  try {
    renderReport(await postForm("/api/import", formData(true)));
    $("import-report").scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (err) {
    $("import-report").hidden = true;
    showError(err.message, err.body);
  } finally {
    btn.disabled = false;
    btn.textContent = "Preview the import";
  }
}

async function confirmImport() {
  const btn = $("import-confirm");
  btn.disabled = true;
  btn.textContent = "Importing…";
  try {
    const r = await postForm("/api/import", formData(false));
    $("import-report").hidden = true;
    $("done-title").textContent = `Imported ${counted(r.sets_added, "set")}`;
    $("done-text").textContent =
      `${counted(r.workouts_added, "workout")} and ${counted(r.new_user_exercises, "new exercise")} of your own from ${r.path}` +
      (r.sets_already_stored ? `; ${counted(r.sets_already_stored, "set was", "sets were")} already stored.` : ".");
    $("import-done").hidden = false;
    toast(`Imported ${counted(r.sets_added, "set")}`);
  } catch (err) {
    showError(err.message, err.body);
    btn.disabled = false;
    btn.textContent = "Import";
  }
}

form.addEventListener("submit", preview);
fileInput.addEventListener("change", () => {
  showError("");
  $("import-report").hidden = true;
});
$("import-confirm").addEventListener("click", confirmImport);
$("import-again").addEventListener("click", () => {
  $("import-report").hidden = true;
  fileInput.value = "";
  fileInput.click();
});
document.body.dataset.ready = "1";
