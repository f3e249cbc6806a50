// The flexing drill: flex, hold, release per muscle with sound, then a rating (POST /api/drills).

import { api, feltText, toast } from "./api.js";
import { keepAwake, prefs, speak, vibrate } from "./device.js";
import { Metronome } from "./metronome.js";
import { enqueue, flush } from "./outbox.js";

const $ = (id) => document.getElementById(id);
const metronome = new Metronome();
metronome.muted = !prefs().sound;
const speed = Math.max(1, +(new URLSearchParams(location.search).get("speed") || 1));
let drill = null;
let index = 0;
let skip = false;
const ratings = [];

// Opening the page only shows the drill the coach would give: nothing is stored until Start.
async function init() {
  try {
    drill = { drill_id: null, plan: await api("/api/drills/plan?minutes=10") };
  } catch (ex) {
    $("drill-list").textContent = ex.message;
    return;
  }
  const list = $("drill-list");
  list.textContent = "";
  const p = document.createElement("p");
  p.className = "muted";
  p.textContent = drill.plan.reason;
  list.append(p);
  for (const item of drill.plan.items) {
    const row = document.createElement("div");
    row.className = "summary-row";
    const a = document.createElement("span");
    a.textContent = item.name;
    const b = document.createElement("small");
    b.className = "muted";
    b.textContent = `${item.reps} × ${item.flex_s + item.hold_s + item.release_s}s`;
    row.append(a, b);
    list.append(row);
  }
  $("drill-start").disabled = false;
}

function wait(seconds, word, color) {
  return new Promise((resolve) => {
    const total = seconds / speed;
    const start = performance.now();
    $("drill-word").textContent = word;
    $("drill-word").style.color = color;
    const tick = () => {
      const left = Math.max(0, total - (performance.now() - start) / 1000);
      $("drill-num").textContent = Math.ceil(left * speed);
      $("drill-ring").style.strokeDashoffset = String(597 * (1 - left / total));
      if (left <= 0 || skip) return resolve();
      requestAnimationFrame(tick);
    };
    tick();
  });
}

async function run() {
  $("drill-start").disabled = true;
  try {
    drill = await api("/api/drills", { method: "POST", body: { minutes: 10 } });
  } catch (ex) {
    $("drill-start").disabled = false;
    throw ex;
  }
  await metronome.unlock();
  keepAwake(true);
  $("drill-intro").hidden = true;
  $("drill-run").hidden = false;
  document.body.classList.add("running"); // the tab bar steps aside while the drill runs
  for (index = 0; index < drill.plan.items.length; index++) {
    const item = drill.plan.items[index];
    skip = false;
    $("drill-step").textContent = `Muscle ${index + 1} of ${drill.plan.items.length}`;
    $("drill-name").textContent = item.name;
    $("drill-cue").textContent = item.cue;
    $("drill-reps").textContent = item.reps;
    $("drill-rate").hidden = true;
    speak(`${item.name}. ${item.cue}`);
    for (let r = 1; r <= item.reps && !skip; r++) {
      $("drill-rep").textContent = r;
      metronome.phaseSound("concentric", metronome.now());
      vibrate([60]);
      await wait(item.flex_s, "Flex", "#ff7a1a");
      metronome.phaseSound("top_squeeze", metronome.now());
      await wait(item.hold_s, "Hold", "#f72585");
      metronome.phaseSound("eccentric", metronome.now());
      await wait(item.release_s, "Release", "#4cc9f0");
    }
    for (const r of document.querySelectorAll("input[name=drill-rating]")) r.checked = false;
    $("drill-rate").hidden = false;
    metronome.chime();
    // Only a tapped rating is stored; "Next muscle" without one leaves this muscle unrated.
    const rating = await new Promise((resolve) => {
      $("drill-next").onclick = () => {
        const el = document.querySelector("input[name=drill-rating]:checked");
        resolve(el ? +el.value : null);
      };
    });
    ratings.push({ name: item.name, rating });
    if (rating !== null) {
      await enqueue(`drill-${drill.drill_id}-${item.muscle_id}`, `/api/drills/${drill.drill_id}/ratings`, { muscle_id: item.muscle_id, rating });
      flush().catch(() => {});
    }
  }
  await enqueue(`drill-${drill.drill_id}-end`, `/api/drills/${drill.drill_id}/end`, {});
  flush().catch(() => {});
  keepAwake(false);
  $("drill-run").hidden = true;
  $("drill-done").hidden = false;
  document.body.classList.remove("running");
  const box = $("drill-summary");
  for (const r of ratings) {
    const row = document.createElement("div");
    row.className = "summary-row";
    const a = document.createElement("span");
    a.textContent = r.name;
    const b = document.createElement("b");
    b.textContent = r.rating === null ? "not answered" : feltText(r.rating);
    row.append(a, b);
    box.append(row);
  }
}

$("drill-start").addEventListener("click", () => run().catch((e) => toast(e.message, "error")));
$("drill-skip").addEventListener("click", () => (skip = true));
init();
