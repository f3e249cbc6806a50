// Today: the readiness check, then the plan (made and stored by POST /api/today).

import { api, toast } from "./api.js";

const form = document.getElementById("readiness-form");

async function plan(readiness) {
  const err = document.getElementById("form-error");
  if (err) err.hidden = true;
  try {
    await api("/api/today", { method: "POST", body: { readiness } });
    localStorage.removeItem("mm.loop");
    location.reload();
  } catch (ex) {
    if (err) {
      err.replaceChildren(ex.message, ...settingsLink(ex.message));
      err.hidden = false;
    } else toast(ex.message, "error");
  }
}

// A plan that cannot be made because of the equipment links to the setting that fixes it.
const FIX = [
  [/plate/i, "plates", "Change your plates in Settings"],
  [/dumbbell/i, "dumbbell_min", "Change your dumbbells in Settings"],
  [/stack/i, "stack_step", "Change the machine step in Settings"],
  [/barbell|\bbar\b/i, "bar", "Change the barbell in Settings"],
  [/fixed implement|kettlebell/i, "plates", "Change your equipment in Settings"],
  [/profile|equipment/i, "bar", "Check your equipment in Settings"],
];

function settingsLink(message) {
  const hit = FIX.find(([re]) => re.test(message || ""));
  if (!hit) return [];
  const a = document.createElement("a");
  a.href = `/settings#${hit[1]}`;
  a.textContent = hit[2];
  return [" ", a];
}

if (form) {
  // The scales start unanswered: nothing the lifter did not tap is sent. None tapped plans
  // without a check (the plan says so); some tapped asks for the rest, by name.
  const SCALES = ["sleep", "energy", "stress", "focus"];
  const value = (name) => {
    const el = form.querySelector(`input[name=${name}]:checked`);
    return el ? Number(el.value) : null;
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const answers = Object.fromEntries(SCALES.map((n) => [n, value(n)]));
    const missing = SCALES.filter((n) => answers[n] === null);
    if (missing.length === SCALES.length) return plan(null);
    if (missing.length) {
      const err = document.getElementById("form-error");
      err.textContent = `Not answered: ${missing.join(", ")}. Tap each, or Skip the check.`;
      err.hidden = false;
      return;
    }
    plan(answers);
  });
  document.getElementById("skip-readiness").addEventListener("click", () => plan(null));
}

const replan = document.getElementById("replan");
if (replan) {
  replan.addEventListener("click", async () => {
    const active = await api("/api/sessions/active");
    if (active.session && active.session.sets_done === 0) {
      await api(`/api/sessions/${active.session.session_id}/end`, { method: "POST" });
    }
    location.reload();
  });
}

// Your own workout: a saved routine or an empty workout becomes the session to run.
function inProgress() {
  try {
    const loop = JSON.parse(localStorage.getItem("mm.loop") || "null");
    return !!(loop && loop.screen && loop.screen !== "summary" && (loop.done || []).length);
  } catch {
    return false;
  }
}

async function startOwn(path) {
  const err = document.getElementById("own-error");
  err.hidden = true;
  if (inProgress() && !confirm("A workout is in progress. Start this one instead? Sets already saved stay saved.")) return;
  try {
    await api(path, { method: "POST" });
    localStorage.removeItem("mm.loop");
    location.href = "/session";
  } catch (ex) {
    err.textContent = ex.message;
    err.hidden = false;
  }
}

for (const b of document.querySelectorAll(".start-routine")) {
  b.addEventListener("click", () => startOwn(`/api/routines/${b.dataset.routine}/start`));
}
const empty = document.getElementById("start-empty");
if (empty) empty.addEventListener("click", () => startOwn("/api/workouts/empty"));
