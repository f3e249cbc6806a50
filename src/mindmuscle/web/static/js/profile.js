// First run and settings: the profile form (PUT /api/profile) and the phone preferences.

import { api, toast } from "./api.js";
import { requestMotionPermission } from "./device.js";

const form = document.getElementById("profile-form");
const defaults = JSON.parse(document.getElementById("equipment-defaults").textContent);
const num = (name) => {
  const v = form.elements[name].value.trim();
  return v === "" ? null : Number(v);
};
const radio = (name) => form.querySelector(`input[name=${name}]:checked`).value;

function showUnit() {
  for (const el of document.querySelectorAll("[data-unit]")) el.textContent = radio("units");
}

// Switching kg <-> lb offers the other unit's usual equipment instead of converting odd numbers.
form.querySelectorAll("input[name=units]").forEach((el) =>
  el.addEventListener("change", () => {
    const d = defaults[radio("units")];
    for (const k of ["bar", "stack_step", "dumbbell_min", "dumbbell_max", "dumbbell_step"]) form.elements[k].value = d[k];
    form.elements.plates.value = d.plates.join(", ");
    const bw = num("bodyweight");
    if (bw) form.elements.bodyweight.value = radio("units") === "lb" ? (bw / 0.45359237).toFixed(1) : (bw * 0.45359237).toFixed(1);
    showUnit();
  })
);
showUnit();

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const units = radio("units");
  const err = document.getElementById("form-error");
  err.hidden = true;
  const plates = form.elements.plates.value
    .split(/[ ,;]+/)
    .filter(Boolean)
    .map(Number);
  const bw = num("bodyweight");
  const body = {
    goal: radio("goal"),
    experience: radio("experience"),
    units,
    bodyweight_kg: bw ? (units === "lb" ? bw * 0.45359237 : bw) : null,
    equipment: {
      ...defaults[units],
      unit: units,
      bar: num("bar"),
      plates,
      dumbbell_min: num("dumbbell_min"),
      dumbbell_max: num("dumbbell_max"),
      dumbbell_step: num("dumbbell_step"),
      stack_step: num("stack_step"),
    },
  };
  try {
    await api("/api/profile", { method: "PUT", body });
    if (form.dataset.first === "yes") location.href = "/today";
    else toast("Saved");
  } catch (ex) {
    err.textContent = ex.message;
    err.hidden = false;
  }
});

// Phone preferences live on the phone.
const prefs = JSON.parse(localStorage.getItem("mm.prefs") || "{}");
for (const el of document.querySelectorAll("[data-pref]")) {
  const k = el.dataset.pref;
  if (k in prefs) el.checked = !!prefs[k];
  el.addEventListener("change", () => {
    prefs[k] = el.checked;
    localStorage.setItem("mm.prefs", JSON.stringify(prefs));
  });
}
const motionBtn = document.getElementById("btn-motion");
if (motionBtn) {
  motionBtn.addEventListener("click", async () => {
    const r = await requestMotionPermission();
    document.getElementById("motion-status").textContent =
      r === "granted" ? "Motion sensors allowed: sets will show measured reps and tempo." : r === "unsupported" ? "This browser has no motion sensors." : "Motion sensors were refused; allow them in the browser's site settings.";
  });
}
const logout = document.getElementById("btn-logout");
if (logout) {
  logout.addEventListener("click", async () => {
    await api("/api/logout", { method: "POST" });
    location.href = "/login";
  });
}
