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

// Switching kg <-> lb offers the other unit's usual equipment instead of converting odd numbers;
// the equipment typed in each unit is kept, so switching back gives it back, not the defaults.
const EQUIPMENT = ["bar", "stack_step", "dumbbell_min", "dumbbell_max", "dumbbell_step", "plates"];
const typed = {};
let shownUnit = radio("units");
form.querySelectorAll("input[name=units]").forEach((el) =>
  el.addEventListener("change", () => {
    typed[shownUnit] = Object.fromEntries(EQUIPMENT.map((k) => [k, form.elements[k].value]));
    shownUnit = radio("units");
    const d = defaults[shownUnit];
    const back = typed[shownUnit];
    for (const k of EQUIPMENT) {
      form.elements[k].value = back ? back[k] : k === "plates" ? d.plates.join(", ") : d[k];
    }
    const bw = num("bodyweight");
    if (bw) form.elements.bodyweight.value = radio("units") === "lb" ? (bw / 0.45359237).toFixed(1) : (bw * 0.45359237).toFixed(1);
    showUnit();
  })
);
showUnit();

const LABELS = {
  bodyweight: "Bodyweight",
  bar: "Barbell",
  stack_step: "Machine step",
  plates: "Plates",
  dumbbell_min: "Lightest dumbbell",
  dumbbell_max: "Heaviest dumbbell",
  dumbbell_step: "Dumbbell step",
};
// Where a field of the API's answer is on this form.
const FIELD_OF = {
  bodyweight_kg: "bodyweight",
  "equipment.bar": "bar",
  "equipment.stack_step": "stack_step",
  "equipment.plates": "plates",
  "equipment.dumbbell_min": "dumbbell_min",
  "equipment.dumbbell_max": "dumbbell_max",
  "equipment.dumbbell_step": "dumbbell_step",
};

function fieldMessage(name, message) {
  const el = document.getElementById(`${name}-msg`);
  if (!el) return;
  el.textContent = message || "";
  el.hidden = !message;
  form.elements[name].setAttribute("aria-invalid", String(!!message));
}

// The page's own checks, in words, beside each field; returns the first field in error.
function check(units) {
  const errors = {};
  const value = (name) => {
    const el = form.elements[name];
    if (el.validity && el.validity.badInput) return NaN;
    return num(name);
  };
  const positive = (name, { optional = false, zero = false } = {}) => {
    const v = value(name);
    if (Number.isNaN(v)) errors[name] = `${LABELS[name]}: write a number, like 2.5.`;
    else if (v === null) {
      if (!optional) errors[name] = `${LABELS[name]} is needed.`;
    } else if (zero ? v < 0 : v <= 0) errors[name] = `${LABELS[name]} must be ${zero ? "0 or more" : "more than 0"} ${units}; ${v} was given.`;
    return v;
  };
  const bw = positive("bodyweight", { optional: true });
  const [bwMin, bwMax] = units === "lb" ? [44, 880] : [20, 400];
  if (!errors.bodyweight && bw !== null && (bw < bwMin || bw > bwMax)) errors.bodyweight = `Bodyweight ${bw} ${units} is outside ${bwMin}-${bwMax} ${units}; leave it empty if you prefer.`;
  positive("bar", { zero: true });
  positive("stack_step");
  positive("dumbbell_step");
  const lo = positive("dumbbell_min");
  const hi = positive("dumbbell_max");
  if (!errors.dumbbell_min && !errors.dumbbell_max && lo > hi) {
    errors.dumbbell_min = `The lightest dumbbell (${lo} ${units}) is heavier than the heaviest (${hi} ${units}): no dumbbell load could be planned.`;
  }
  const tokens = form.elements.plates.value.split(/[ ,;]+/).filter(Boolean);
  const bad = tokens.filter((t) => !(Number(t) > 0));
  if (!tokens.length) errors.plates = `Plates: give at least one size you have, e.g. 20, 10, 5, 2.5 (${units}).`;
  else if (bad.length) errors.plates = `Plates: “${bad[0]}” is not a plate size. Write the sizes you have as numbers separated by commas, e.g. 20, 10, 5, 2.5.`;
  for (const name of Object.keys(LABELS)) fieldMessage(name, errors[name]);
  return Object.keys(LABELS).find((n) => errors[n]) || null;
}

for (const name of Object.keys(LABELS)) form.elements[name].addEventListener("change", () => check(radio("units")));

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const units = radio("units");
  const err = document.getElementById("form-error");
  err.hidden = true;
  const first = check(units);
  if (first) {
    form.elements[first].focus({ preventScroll: true });
    document.getElementById(`${first}-msg`).scrollIntoView({ block: "center" });
    return;
  }
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
    // The server's refusal, beside the field it is about where it names one.
    const details = (ex.body && ex.body.details) || [];
    let placed = false;
    for (const d of details) {
      const key = Object.keys(FIELD_OF).find((k) => (d.field || "").includes(k));
      if (key) {
        fieldMessage(FIELD_OF[key], `${LABELS[FIELD_OF[key]]}: ${d.message}`);
        placed = true;
      }
    }
    const text = ex.message || "";
    const named = Object.entries({ plates: /plate/i, dumbbell_min: /dumbbell/i, stack_step: /stack/i }).find(([, re]) => re.test(text));
    if (!placed && named) {
      fieldMessage(named[0], text);
      placed = true;
    }
    if (!placed) {
      err.textContent = text;
      err.hidden = false;
    }
  }
});

// A "cannot plan" message elsewhere links here with the field to fix: show and focus it.
if (location.hash) {
  const target = form.elements[location.hash.slice(1)];
  if (target && target.focus) {
    check(radio("units"));
    target.focus();
  }
}

// Phone preferences live on the phone.
const prefs = JSON.parse(localStorage.getItem("mm.prefs") || "{}");
// Eyes closed by default with sound off: such a set would be silent; said beside the switches.
const eyesNote = document.getElementById("eyes-sound-note");
const renderEyesNote = () => {
  if (!eyesNote) return;
  const on = (k) => document.querySelector(`[data-pref=${k}]`).checked;
  eyesNote.hidden = !(on("eyesClosed") && !on("sound"));
};
for (const el of document.querySelectorAll("[data-pref]")) {
  const k = el.dataset.pref;
  if (k in prefs) el.checked = !!prefs[k];
  el.addEventListener("change", () => {
    prefs[k] = el.checked;
    localStorage.setItem("mm.prefs", JSON.stringify(prefs));
    renderEyesNote();
  });
}
renderEyesNote();
const notifyBtn = document.getElementById("btn-notify");
if (notifyBtn) {
  const say = (p) => {
    document.getElementById("notify-status").textContent =
      p === "granted" ? "Notifications allowed: when rest ends with the app in the background, or reloaded and not yet tapped, a notification sounds and vibrates." : p === "denied" ? "Notifications are blocked; allow them in the browser's site settings." : !("Notification" in window) ? "This browser cannot show notifications." : "When the app is in the background, or reloaded and not yet tapped, a notification says the rest is over.";
    notifyBtn.hidden = p === "granted";
  };
  say("Notification" in window ? Notification.permission : "unsupported");
  notifyBtn.addEventListener("click", async () => {
    if (!("Notification" in window)) return say("unsupported");
    prefs.notifyAsked = true; // asked once: the rest screen does not offer it again
    localStorage.setItem("mm.prefs", JSON.stringify(prefs));
    say(await Notification.requestPermission());
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

