// The guided set loop in the browser: prime -> set -> reflect -> rest -> next.
//
// The server's set loop (mindmuscle.session) writes each set's timeline of events (count-in,
// tempo phases with their words and breathing, repetitions); this page plays it on the Web
// Audio clock. Every transition is saved in localStorage, so closing the tab (or reloading with
// no network) resumes where the lifter was. Every set goes through the IndexedDB outbox.

import { KG_PER_LB, api, kgFrom, massIn, toast, uuid4 } from "./api.js";
import { MotionRecorder, askNotifications, keepAwake, notificationState, notify, prefs, requestMotionPermission, savePref, speak, stopSpeaking, vibrate } from "./device.js";
import { LiveBars, TONE_LEVELS, feltMeasured, liveConfigured } from "./live.js";
import { LiveRepCounter } from "./livecount.js";
import { Metronome, PHASE_WORDS, SAY_AFTER_S, buildTimeline, spokenCue } from "./metronome.js";
import { answersText, discard, enqueue, flush, onChange, get as outboxItem, replaceStored, resultOf } from "./outbox.js";
import { checkWhen, localInput, refusalText, refusedForDate } from "./fixing.js";
import { checkField, decimal, setBounds } from "./setbounds.js";
import { exerciseRow, pickExercise } from "./workout.js";

const KEY = "mm.loop";
// This tab's own place while it keeps answers that another tab's moves would have dropped (see
// keepOwn): in this tab's sessionStorage, so a reload keeps them, and out of the shared KEY,
// so the other tab is not pulled back to them.
const KEPT = "mm.loop.kept";
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const metronome = new Metronome();
const motion = new MotionRecorder();
const toneAt = () => prefs().liveToneAt ?? 40; // %MVC of the target's tone (0: none)
const live = new LiveBars($("live"), metronome, { toneAt });
const cards = new Map(); // exercise id -> its catalogue card (for alternating sides)
const LB = KG_PER_LB;
let bounds = null; // the API's limits of a set (setbounds.js)
let profile = null; // units and equipment, for the load stepper

async function sidesOf(exerciseId) {
  if (!cards.has(exerciseId)) {
    try {
      cards.set(exerciseId, await api(`/api/exercises/${encodeURIComponent(exerciseId)}`));
    } catch {
      return 1; // offline: count the side the phone is on
    }
  }
  return cards.get(exerciseId).alternating ? 2 : 1;
}

// The phone's own count during the set, next to the guided count.
function startLiveCount(p) {
  const shown = $("set-live-n");
  const counter = new LiveRepCounter();
  const show = (n) => {
    if (shown.textContent !== String(n)) shown.textContent = n;
  };
  shown.textContent = "0";
  $("set-live").hidden = true; // "Phone counts" appears only once motion data arrives
  motion.onSample = (t, ax, ay, az) => {
    $("set-live").hidden = false;
    show(counter.push(t, ax, ay, az));
  };
  sidesOf(p.exercise_id).then((sides) => {
    counter.sides = sides;
    show(counter.count);
  });
}
// Live EMG bars from the server's sensor, when it has one (live.js); nothing otherwise.
function startLive(p) {
  liveConfigured(api).then((on) => {
    if (on && state.screen === "set" && !live.running) live.start(p.exercise_id, state.setUuid);
  });
}

function renderTone() {
  const v = toneAt();
  $("live-tone").textContent = v ? `Tone at ${v}% MVC` : "No tone";
}

function nextTone() {
  const i = TONE_LEVELS.indexOf(toneAt());
  savePref("liveToneAt", TONE_LEVELS[(i + 1) % TONE_LEVELS.length]);
  renderTone();
  live.retune();
}

let state = null;
let raf = null;
let restTimer = null;
const felt = new Map(); // muscle id -> 4 (a little) or 8 (a lot), from the "where else" sheet
let nextTimeline = null; // fetched while the lifter primes, so the set starts at the tap
let setStarting = false; // the lifter tapped Start: the set is theirs as it stands

// The page's place, where it is kept: shared by the tabs of this session (KEY), or this tab's
// own while it keeps answers the others moved past (KEPT).
function persist() {
  if (state.kept) sessionStorage.setItem(KEPT, JSON.stringify(state));
  else localStorage.setItem(KEY, JSON.stringify(state));
}

function save() {
  state.savedAt = Date.now();
  persist();
  // Best effort: the server keeps the place as a set loop snapshot, so the session resumes on
  // another device or in the terminal. The outbox is for sets.
  if (navigator.onLine && state.sessionId && !state.kept) {
    api(`/api/sessions/${state.sessionId}/state`, { method: "PUT", body: { snapshot: loopSnapshot(), web: webDetails() } }).catch(() => {});
  }
}

// The page's place in the format of mindmuscle.session.SetLoop.snapshot().
function loopSnapshot() {
  const name = { prime: "prime", set: "prime", reflect: "reflect", rest: "rest", summary: "summary" }[state.screen] || "prime";
  const r = state.reflect || {};
  return {
    version: 1,
    state: name,
    position: [state.ex, state.set],
    current: state.current,
    completed: state.done.map((d) => d.completed).filter(Boolean),
    skipped: state.skipped || [],
    reps_done: r.reps || 0,
    set_started_ms: state.setStartedAt ? Date.parse(state.setStartedAt) : 0,
    set_finished_ms: r.finishedAt ? Date.parse(r.finishedAt) : 0,
    ended_early: !!state.endedEarly,
  };
}

function webDetails() {
  const { current, targets, reflect, timeline, ...rest } = state;
  return { ...rest, reflect: reflect ? { ...reflect, motion: null } : null };
}

// A set stored by another device (the terminal keeps no page details): its exercise's name and
// its load in the units of its prescription, as the page itself writes them.
function doneFromSnapshot(c, current) {
  const p = current.find((x) => x.exercise_id === c.exercise_id);
  const unit = (p && p.units) || (profile && profile.units) || "kg";
  return { uuid: c.set_uuid, exercise_id: c.exercise_id, name: p ? p.name : c.exercise_id, set_index: c.set_index, reps: c.reps, load_display: loadIn(c.load_kg, unit), target_rating: c.reflection.target_rating ?? null, completed: c };
}

function fromServer(session, targets) {
  const snap = session.snapshot;
  const base = { sessionId: session.session_id, current: session.plan.exercises, targets, ex: 0, set: 0, screen: "prime", done: [] };
  if (!snap || !Array.isArray(snap.position)) return base;
  const web = snap.web || {};
  const screen = { reflect: "reflect", rest: "rest", summary: "summary" }[snap.state] || "prime";
  return {
    ...base,
    ...web,
    sessionId: session.session_id,
    targets,
    current: snap.current || base.current,
    ex: snap.position[0],
    set: snap.position[1],
    screen,
    done: web.done || (snap.completed || []).map((c) => doneFromSnapshot(c, snap.current || base.current)),
    reflect: screen === "reflect" ? web.reflect || { reps: snap.reps_done || 0, finishedAt: new Date().toISOString(), motion: null, measured: null } : null,
    setUuid: screen === "reflect" ? web.setUuid || uuid4() : null,
  };
}

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

const scale = () => state.timeScale || 1;
const presc = () => state.current[state.ex];

function show(screen) {
  for (const el of document.querySelectorAll(".screen")) el.classList.toggle("on", el.id === `screen-${screen}`);
  document.body.dataset.screen = screen;
  window.scrollTo(0, 0);
}

function header() {
  const p = presc();
  for (const el of document.querySelectorAll("[data-ex-name]")) el.textContent = p.name;
  for (const el of document.querySelectorAll("[data-step]")) {
    el.textContent = `Exercise ${state.ex + 1} of ${state.current.length} · Set ${state.set + 1} of ${p.sets}`;
  }
}

// ---------------------------------------------------------------- prime
function enterPrime() {
  state.screen = "prime";
  save();
  renderPrime();
}

function renderPrime() {
  const p = presc();
  nextTimeline = timelineFor(p);
  header();
  show("prime");
  $("prime-load").textContent = p.load_display;
  $("prime-reps").textContent = `${p.reps[0]}–${p.reps[1]}`;
  $("prime-tempo").textContent = tempoText(p.tempo);
  $("prime-rest").textContent = `${p.rest_s}s`;
  $("prime-cue").textContent = p.focus.cue;
  $("prime-mode").textContent = (p.focus.mode === "internal" ? "Internal cue · feel the muscle" : p.focus.mode === "external" ? "External cue · move the load" : "No cue") + (p.set_by ? ` · set by your coach ${p.set_by}` : "");
  $("prime-visual").textContent = p.prime.visualisation;
  $("prime-touch").textContent = p.prime.touch;
  $("prime-breath").textContent = p.breathing;
  $("squeeze-num").textContent = Math.round(p.prime.squeeze_test_s);
  $("prime-visual-card").hidden = state.set > 0;
  fetchLast(p.exercise_id);
  sidesOf(p.exercise_id);
  renderLate("prime-late");
  const warn = $("prime-warnings");
  warn.textContent = (p.warnings || []).join(" ");
  warn.hidden = !(p.warnings || []).length;
}

// The tempo the metronome actually played (the prescription's, unless a demo speed is set).
function askedTempo(p) {
  const k = scale();
  const t = p.tempo;
  return { eccentric_s: t.eccentric_s * k, bottom_pause_s: t.bottom_pause_s * k, concentric_s: t.concentric_s * k, top_squeeze_s: t.top_squeeze_s * k };
}

function tempoText(t) {
  return [t.eccentric_s, t.bottom_pause_s, t.concentric_s, t.top_squeeze_s].map((x) => +x.toFixed(1)).join("-");
}

async function squeezeTest() {
  await metronome.unlock();
  const p = presc();
  const total = p.prime.squeeze_test_s / scale();
  const start = performance.now();
  const ring = $("squeeze-ring");
  const btn = $("btn-squeeze");
  btn.disabled = true;
  speak(`Squeeze. ${p.prime.touch}`);
  vibrate([60]);
  await new Promise((resolve) => {
    const tick = () => {
      const left = Math.max(0, total - (performance.now() - start) / 1000);
      $("squeeze-num").textContent = Math.ceil(left * scale());
      ring.style.strokeDashoffset = String(597 * (1 - left / total));
      if (left <= 0) return resolve();
      requestAnimationFrame(tick);
    };
    tick();
  });
  metronome.chime();
  vibrate([40, 60, 40]);
  btn.disabled = false;
  btn.textContent = "Squeeze again";
}

// ---------------------------------------------------------------- set
async function startSet() {
  setStarting = true;
  const p = presc();
  let timeline;
  try {
    await metronome.unlock();
    stopSpeaking();
    if (state.motionAllowed === undefined) {
      state.motionAllowed = (await requestMotionPermission()) === "granted";
    }
    timeline = await (nextTimeline || timelineFor(p));
  } finally {
    setStarting = false;
  }
  nextTimeline = null;
  metronome.speed = 1 / scale();
  metronome.muted = !!state.muted;
  state.screen = "set";
  state.lateNotes = []; // seen on the rest and prime screens before this set
  state.setUuid = uuid4();
  state.setStartedAt = new Date().toISOString();
  state.timeline = timeline;
  save();
  $("set-live").hidden = true;
  if (state.motionAllowed) {
    motion.start();
    startLiveCount(p);
  }
  document.body.dataset.awake = "1";
  keepAwake(true);
  header();
  $("set-cue").textContent = p.focus.cue;
  $("set-target").textContent = p.reps[1];
  show("set");
  $("set-say").textContent = "";
  if (state.eyesClosed && !state.muted) speak(p.focus.cue);
  state.paused = false;
  state.setPos = { t: 0, repsDone: 0 };
  renderPaused();
  metronome.start(timeline);
  loop();
  startLive(p);
}

// Where a paused set goes on: the start of the repetition it had reached.
function repStart(timeline, repsDone) {
  const e = timeline.events.find((x) => x.kind === "phase" && x.rep === repsDone + 1);
  return e ? e.t : 0;
}

// Why the set paused by itself, as the paused screen says it.
const PAUSED_WHY = {
  "locked-silent": "Paused when the screen locked: with sound off nothing guides the set you cannot see.",
  "sound-stopped": "Paused: the phone stopped the sound while the screen was locked.",
};

function pauseSet(why = null) {
  if (state.screen !== "set" || state.paused) return;
  state.pausedWhy = typeof why === "string" ? why : null;
  const pos = metronome.position();
  // Resumed sets start a little before the rep they go on from: never count backwards.
  const repsDone = Math.max(pos ? pos.repsDone : 0, (state.setPos || {}).repsDone || 0);
  cancelAnimationFrame(raf);
  metronome.stop();
  state.paused = true;
  state.setPos = { t: repStart(state.timeline, repsDone), repsDone };
  save();
  renderPaused();
}

async function resumeSet() {
  await metronome.unlock();
  state.paused = false;
  state.pausedWhy = null;
  save();
  renderPaused();
  metronome.start(state.timeline, { from: state.setPos ? state.setPos.t : 0, lead: 0.6 });
  loop();
  startLive(presc());
}

function renderPaused() {
  const paused = !!state.paused;
  renderSoundNoteSet();
  $("set-paused").hidden = !paused;
  $("set-running").hidden = paused;
  if (paused) {
    const n = (state.setPos || {}).repsDone || 0;
    $("set-word").textContent = "Paused";
    $("set-word").className = "big-word phase-count";
    $("set-reps").textContent = n;
    $("set-breath").textContent = "";
    const where = n ? `${n} ${n === 1 ? "rep" : "reps"} done. Resume goes on from rep ${n + 1}.` : "Resume starts the set again.";
    const why = PAUSED_WHY[state.pausedWhy];
    $("set-paused-text").textContent = why ? `${why} ${where}` : where;
  }
}

async function timelineFor(p) {
  try {
    const res = await api("/api/set-timeline", {
      method: "POST",
      body: { prescription: p, time_scale: scale() },
    });
    return fromEvents(res.events);
  } catch {
    // Offline: the same phases in the catalogue's order, without the server's words.
    const tl = buildTimeline(p.tempo, p.reps[1], { speed: 1 / scale() });
    for (const e of tl.events) if (e.kind === "phase") e.word = PHASE_WORDS[e.phase];
    return tl;
  }
}

function fromEvents(events) {
  const out = [];
  let total = 0;
  for (const e of events) {
    const t = e.at_ms / 1000;
    if (e.type === "count_in") out.push({ t, kind: "count", value: e.remaining_s, duration: 1 * scale() });
    if (e.type === "tempo_phase") out.push({ t, kind: "phase", phase: e.phase, word: e.word, breath: e.breath, rep: e.rep, duration: e.duration_s * scale() });
    if (e.type === "rep_completed") {
      out.push({ t, kind: "rep", rep: e.rep, duration: 0 });
      total = t;
    }
  }
  out.push({ t: total, kind: "end", duration: 0 });
  return { events: out, total };
}

// ---------------------------------------------------------------- the phases, said
// Each phase's word (and on long phases its breathing) goes to the screen reader's line always,
// and is spoken with the eyes closed or the screen off, unless sound is off or the voice is off
// in Settings. Both follow the metronome's rule (metronome.js: spokenCue): right after the
// phase's sound, only on phases long enough to say it before the next sound.
function sayPhase(e, at) {
  const text = spokenCue(e);
  if (!text) return false;
  const spoken = !state.muted && prefs().voice && (state.eyesClosed || document.hidden);
  const delay = Math.max(0, (at + SAY_AFTER_S - metronome.now()) * 1000);
  setTimeout(() => {
    if (!state || state.screen !== "set" || state.paused || !metronome.timeline) return;
    $("set-say").textContent = text;
    if (spoken) speak(text, { rate: 1.1 });
  }, delay);
  return spoken;
}
metronome.onPhase = sayPhase;

function loop() {
  cancelAnimationFrame(raf);
  const word = $("set-word");
  const bar = $("set-bar");
  const draw = () => {
    const pos = metronome.position();
    if (!pos) return;
    const e = pos.event;
    const floor = state.setPos ? state.setPos.repsDone : 0;
    $("set-reps").textContent = e && e.kind === "phase" ? e.rep : Math.max(floor, pos.repsDone);
    if (e && e.kind === "count") {
      word.textContent = e.value;
      word.className = "big-word phase-count";
      $("set-breath").textContent = "Get set";
    } else if (e && e.kind === "phase") {
      word.textContent = e.word || PHASE_WORDS[e.phase];
      word.className = `big-word phase-${e.phase}`;
      $("set-breath").textContent = e.breath || "";
      bar.parentElement.className = `phasebar phase-${e.phase}`;
      bar.style.width = `${Math.min(100, ((pos.t - e.t) / e.duration) * 100)}%`;
    }
    if (state.setPos && pos.repsDone > state.setPos.repsDone) {
      state.setPos = { t: repStart(state.timeline, pos.repsDone), repsDone: pos.repsDone };
      persist();
    }
    if (pos.done) return finishSet(pos.repsDone);
    raf = requestAnimationFrame(draw);
  };
  draw();
}

async function finishSet(repsDone) {
  if (state.screen !== "set") return;
  state.paused = false;
  cancelAnimationFrame(raf);
  const pos = metronome.position();
  metronome.stop();
  const reps = repsDone ?? (pos ? pos.repsDone : 0);
  const recording = motion.recording ? motion.stop() : null;
  motion.onSample = null;
  live.stop();
  keepAwake(false);
  document.body.dataset.awake = "0";
  state.screen = "reflect";
  state.reflect = { reps, finishedAt: new Date().toISOString(), motion: recording, measured: null };
  save();
  enterReflect();
  if (recording) analyseMotion(recording);
}

async function analyseMotion(recording) {
  const p = presc();
  const box = $("measured");
  box.hidden = false;
  $("measured-text").textContent = "Measuring your reps and tempo…";
  try {
    const res = await api("/api/motion/analyze", {
      method: "POST",
      body: { exercise_id: p.exercise_id, tempo: askedTempo(p), motion: recording },
    });
    state.reflect.measured = res;
    save();
    renderMeasured(res);
  } catch (err) {
    $("measured-text").textContent = err.status ? `Motion: ${err.message}` : "Motion will be measured when the server is back.";
  }
}

function renderMeasured(m) {
  const p = presc();
  $("measured").hidden = false;
  $("measured-reps").textContent = m.reps;
  $("measured-tempo").textContent = m.tempo ? tempoText(m.tempo) : "–";
  $("measured-asked").textContent = tempoText(askedTempo(p));
  const notes = [];
  if (m.rep_s) notes.push(`${(+m.rep_s).toFixed(1)} s per rep`);
  if (m.tempo_score !== null && m.tempo_score !== undefined) notes.push(`tempo on time ${Math.round(m.tempo_score * 100)}%`);
  if (m.rushing) notes.push("a phase was rushed: slow the lowering");
  if (m.quality !== "good") notes.push(`signal ${m.quality}${m.notes.length ? ": " + m.notes[0] : ""}`);
  $("measured-text").textContent = notes.join(" · ");
  if (m.reps && !state.reflect.repsEdited) {
    // The lifter's own count stays; the measured one is offered, not forced.
    $("measured-use").hidden = $("reflect-reps").value.trim() === String(m.reps);
    $("measured-use").textContent = `Use ${m.reps}`;
  }
}

// ---------------------------------------------------------------- reflect
// Reps and load start empty: only what the lifter types or taps is stored. The guided count
// of the set, the last load lifted and the plan's load are offered beside the fields, marked as
// what they are, and count as given once tapped. The felt rating starts empty too: it is tapped,
// or skipped on purpose (then stored as absent).
const units = () => presc().units || (profile && profile.units) || "kg";
// A load in kg in ``unit`` (kg or lb), to 0.01.
const inUnit = massIn;
const toShown = (kg) => (kg === null || kg === undefined ? null : inUnit(kg, units()));
// The plan's load or the last set's, typed or tapped as shown (22.05 lb), is that load exactly
// (10 kg); another is converted exactly, so it reads back as typed.
const toKg = (shown) => {
  const last = (state.last || {})[presc().exercise_id];
  return kgFrom(shown, units(), [presc().load_kg, last && last.load_kg]);
};
const fmt = (x) => `${+(+x).toFixed(2)}`;
// "22.05 lb", "10 kg" or "bodyweight": a stored load in kg, as the lifter reads it.
const loadIn = (kg, unit) => (kg === null || kg === undefined ? "bodyweight" : `${fmt(inUnit(kg, unit))} ${unit}`);

// The load step of this exercise in the lifter's units: the equipment's smallest increment.
function loadStep(p) {
  const card = cards.get(p.exercise_id);
  const eq = profile && profile.equipment;
  let step = units() === "lb" ? 5 : 2.5;
  if (card && eq) {
    const lt = card.load_type;
    const plates = eq.plates && eq.plates.length ? Math.min(...eq.plates) : null;
    if (lt === "plates" && plates) step = 2 * plates;
    else if (lt === "bodyweight" && plates) step = plates;
    else if (lt === "dumbbell") step = eq.dumbbell_step;
    else if (lt === "stack") step = eq.stack_step;
    else if (lt === "fixed") {
      const f = [...new Set(eq.fixed || [])].sort((a, b) => a - b);
      const gaps = f.slice(1).map((x, i) => x - f[i]);
      if (gaps.length) step = Math.min(...gaps);
    }
    if (eq.unit && eq.unit !== units()) step = eq.unit === "kg" ? step / LB : step * LB;
  }
  return step;
}

function radioValue(name) {
  const el = document.querySelector(`input[name=${name}]:checked`);
  return el ? el.value : null;
}

function setRadio(name, value) {
  for (const r of document.querySelectorAll(`input[name=${name}]`)) r.checked = value !== null && r.value === String(value);
}

function enterReflect() {
  const p = presc();
  header();
  show("reflect");
  const r = state.reflect;
  r.form = r.form || {};
  for (const el of document.querySelectorAll("[data-units]")) el.textContent = units();
  const reps = $("reflect-reps");
  reps.value = r.form.reps ?? "";
  reps.placeholder = "";
  const load = $("reflect-load");
  const planned = toShown(p.load_kg);
  load.value = r.form.load ?? "";
  load.placeholder = planned === null ? "bodyweight" : "";
  setRadio("target", r.form.target ?? null);
  setRadio("rir", r.form.rir ?? null);
  setRadio("focus", r.form.focus ?? null);
  felt.clear();
  for (const [k, v] of Object.entries(r.form.felt || {})) felt.set(k, v);
  const targets = new Set((state.targets || {})[p.exercise_id] || []);
  for (const b of document.querySelectorAll("#felt-list .mchip")) b.hidden = targets.has(b.dataset.muscle);
  paintFelt();
  // Skipping the rating is offered only where the API takes a set without it.
  $("target-skip-label").hidden = !!(bounds && bounds.target_rating && bounds.target_rating.required);
  for (const id of ["reflect-reps-msg", "reflect-load-msg", "target-msg"]) $(id).hidden = true;
  renderHint();
  renderOffers();
  $("reflect-when").value = "";
  showRefused(r.refused || null, !!r.refusedWhen, r.conflict || null);
  showSaveError(null);
  renderKept();
  $("measured").hidden = !r.measured;
  if (r.measured) renderMeasured(r.measured);
  state.reflectShownAt = Date.now();
  sidesOf(p.exercise_id); // the card gives the load step
}

function renderHint() {
  const p = presc();
  const parts = [`Plan ${p.reps[0]}–${p.reps[1]} × ${p.load_display}`];
  const last = (state.last || {})[p.exercise_id];
  if (last) parts.push(`last: ${last.reps} × ${last.load_kg === null ? "bodyweight" : `${fmt(toShown(last.load_kg))} ${units()}`}`);
  $("reflect-hint").textContent = parts.join(" · ");
}

// What the phone offers for the empty fields: the guided count of the set (the repetitions the
// metronome played, not a measurement: the phone's motion count is "Measured by your phone"),
// the load of the last set of this exercise, the plan's load. Each is a tap away and marked as
// what it is; a chip whose value is already in its field steps aside.
function offers() {
  const p = presc();
  const r = state.reflect || {};
  const last = (state.last || {})[p.exercise_id];
  const lastShown = last && last.load_kg !== null && last.load_kg !== undefined ? fmt(toShown(last.load_kg)) : null;
  const planShown = p.load_kg === null || p.load_kg === undefined ? null : fmt(toShown(p.load_kg));
  return { counted: r.reps > 0 ? r.reps : null, lastLoad: lastShown, planLoad: planShown === lastShown ? null : planShown };
}

function renderOffers() {
  if (!state.reflect) return;
  const o = offers();
  const repsNow = $("reflect-reps").value.trim();
  const loadNow = $("reflect-load").value.trim();
  const chip = (id, value, now, text) => {
    $(id).hidden = value === null || now === String(value);
    $(id).textContent = text;
    $(id).dataset.value = value === null ? "" : String(value);
  };
  chip("offer-reps", o.counted, repsNow, `Guided count ${o.counted}: use it`);
  chip("offer-load-last", o.lastLoad, loadNow, `Last lifted ${o.lastLoad} ${units()}`);
  chip("offer-load-plan", o.planLoad, loadNow, `Plan ${o.planLoad} ${units()}`);
}

function takeOffer(field, id) {
  $(field).value = $(id).dataset.value;
  if (field === "reflect-reps" && state.reflect) state.reflect.repsEdited = true;
  $(`${field}-msg`).hidden = true;
  $(field).setAttribute("aria-invalid", "false");
  keepForm();
  renderOffers();
}

// The newest stored set of this exercise ("last: 10 × 12 kg"), fetched while the lifter primes.
async function fetchLast(exerciseId) {
  state.last = state.last || {};
  try {
    const rows = await api(`/api/sets?exercise_id=${encodeURIComponent(exerciseId)}&limit=1`);
    if (rows && rows.length) state.last[exerciseId] = { reps: rows[rows.length - 1].reps, load_kg: rows[rows.length - 1].load_kg };
  } catch {
    /* offline: no hint */
  }
}

function keepForm() {
  if (!state.reflect) return;
  state.reflect.form = {
    reps: $("reflect-reps").value,
    load: $("reflect-load").value,
    target: radioValue("target"),
    rir: radioValue("rir"),
    focus: radioValue("focus"),
    felt: Object.fromEntries(felt),
  };
  persist();
}

function paintFelt() {
  const names = [];
  for (const b of document.querySelectorAll("#felt-list .mchip")) {
    const v = b.hidden ? 0 : felt.get(b.dataset.muscle) || 0;
    b.dataset.level = String(v);
    b.setAttribute("aria-pressed", String(v > 0));
    b.querySelector(".mlevel").textContent = v === 8 ? "a lot" : v === 4 ? "a little" : "";
    if (v) names.push(`${b.querySelector(".mname").textContent} (${v === 8 ? "a lot" : "a little"})`);
  }
  const focus = radioValue("focus");
  const bits = [names.length ? names.join(", ") : "Nowhere else noted"];
  if (focus !== null) bits.push(`focus ${focus}/10`);
  $("more-summary").textContent = bits.join(" · ");
}

function showFieldError(id, message, input) {
  const el = $(id);
  el.textContent = message || "";
  el.hidden = !message;
  if (input) input.setAttribute("aria-invalid", String(!!message));
}

// The server's refusal of the set on this screen; refused for its date and time, the field to
// change it shows beside the reason.
function showRefused(message, forDate = false, conflict = null) {
  $("reflect-refused").hidden = !message;
  $("btn-own-workout").hidden = !message || conflict !== "workout_deleted";
  $("btn-replace").hidden = !message || conflict !== "already_stored";
  // A conflict's reason says itself what to do (save it into a workout of its day, discard it).
  const todo = conflict ? "" : " Fix it and save again, or discard it.";
  // Stored first elsewhere, the set was not refused: the message says what became of it.
  const lead = conflict === "already_stored" ? "" : "Not saved: the server refused this set. ";
  $("reflect-refused-text").textContent = message ? `${lead}${message}${todo}` : "";
  $("btn-discard").textContent = conflict === "already_stored" ? "Discard my answers" : "Discard this set";
  $("reflect-when-box").hidden = !message || !forDate;
  $("reflect-when-msg").hidden = true;
  if (message && forDate && !$("reflect-when").value) $("reflect-when").value = localInput(state.setStartedAt);
}

// The page's own check, with the API's bounds; true when every field may be sent.
function checkReflection(values) {
  const shownUnit = (kg) => `${fmt(toShown(kg))} ${units()}`;
  const repsMsg = values.reps === null ? "Reps are needed: type how many you did." : checkField(bounds, "reps", values.reps, { label: "Reps", integer: true });
  const loadMsg = values.loadEmpty && presc().load_kg !== null ? "Load is needed: type what you lifted." : checkField(bounds, "load_kg", values.load_kg, { label: "Load", shown: shownUnit });
  let targetMsg = null;
  if (values.target === null) targetMsg = "Tap how strongly you felt the target muscle" + ($("target-skip-label").hidden ? "." : ", or Skip.");
  showFieldError("reflect-reps-msg", repsMsg, $("reflect-reps"));
  showFieldError("reflect-load-msg", loadMsg, $("reflect-load"));
  showFieldError("target-msg", targetMsg, null);
  return !repsMsg && !loadMsg && !targetMsg;
}

async function submitReflection() {
  const p = presc();
  const repsText = $("reflect-reps").value.trim();
  const loadText = $("reflect-load").value.trim();
  const loadTyped = decimal(loadText);
  const target = radioValue("target");
  const rir = radioValue("rir");
  const focus = radioValue("focus");
  const values = {
    reps: repsText === "" ? null : Number(repsText),
    load_kg: loadTyped === null ? null : toKg(loadTyped),
    loadEmpty: loadText === "",
    target,
  };
  if (!checkReflection(values)) return;
  if (!$("reflect-when-box").hidden) {
    // Refused for its date and time: the set goes again with the one the lifter gave.
    const whenMsg = checkWhen($("reflect-when").value);
    showFieldError("reflect-when-msg", whenMsg, $("reflect-when"));
    if (whenMsg) return;
    const chosen = new Date($("reflect-when").value);
    if (localInput(state.setStartedAt) !== $("reflect-when").value) state.setStartedAt = chosen.toISOString();
  }
  const reflection = {
    felt_elsewhere: Object.fromEntries(felt),
    focus_rating: focus === null ? null : +focus,
    reps_in_reserve: rir === null ? null : +rir,
    note: "",
  };
  if (target !== "skip") reflection.target_rating = +target;
  const reps = values.reps;
  const loadKg = values.load_kg;
  const body = {
    uuid: state.setUuid,
    // The workout was deleted meanwhile (on another device) and the lifter chose to keep this
    // set and the next ones in a workout of their day: they go without it.
    session_id: state.noWorkout ? null : state.sessionId,
    exercise_id: p.exercise_id,
    exercise_index: state.ex,
    set_index: state.set,
    performed_at: state.setStartedAt,
    reps,
    load_kg: loadKg,
    tempo: p.tempo,
    focus_mode: p.focus.mode,
    cue: p.focus.cue,
    reflection,
    prescription: p,
    motion: state.reflect.motion,
    motion_analysis: state.reflect.measured,
  };
  const uuid = state.setUuid;
  showSaveError(null);
  // Kept here while another tab saved this set (or another at its place): the lifter's
  // answers go in the place of the stored ones.
  if (state.kept && state.kept.into) return saveInPlace(state.kept.into, body);
  $("btn-save").disabled = true;
  await enqueue(uuid, "/api/sets", body);
  // Wait a moment for the server's answer; without network the plan goes on as it was.
  let adaptation = null;
  let measured = null; // with the server's live sensor: "62% MVC", or why no EMG was stored
  try {
    const confirmed = await Promise.race([flush({ force: true }), new Promise((r) => setTimeout(() => r(null), 2500))]);
    const res = (confirmed && confirmed.get(uuid)) || resultOf(uuid);
    if (res && res.adaptation) adaptation = res.adaptation;
    if (res && res.emg) measured = res.emg;
  } catch {
    /* offline */
  }
  $("btn-save").disabled = false;
  const queued = await outboxItem(uuid);
  if (queued && queued.status === "refused") {
    // Kept in the outbox as "needs fixing"; the lifter fixes it here or discards it.
    state.reflect.refused = refusalText(queued);
    state.reflect.refusedWhen = refusedForDate(queued);
    state.reflect.conflict = queued.conflict || null;
    keepForm();
    showRefused(state.reflect.refused, state.reflect.refusedWhen, state.reflect.conflict);
    return;
  }
  const entry = doneEntry(body, measured);
  if (state.kept) return finishKept(entry);
  afterSaved(entry, { adaptation, queued: !!queued });
}

// A set saved, as the page keeps it in ``state.done``: from the body sent for it.
function doneEntry(body, measured) {
  const p = presc();
  const { uuid, reps, load_kg: loadKg, reflection } = body;
  const completed = {
    set_uuid: uuid,
    exercise_id: p.exercise_id,
    exercise_index: state.ex,
    set_index: state.set,
    reps,
    load_kg: loadKg,
    tempo: p.tempo,
    focus_mode: p.focus.mode,
    cue: p.focus.cue,
    reflection: { target_rating: null, ...reflection },
    started_ms: Date.parse(state.setStartedAt) || 0,
    finished_ms: Date.parse(state.reflect.finishedAt) || 0,
  };
  const loadDisplay = loadIn(loadKg, units());
  return { uuid, exercise_id: p.exercise_id, name: p.name, set_index: state.set, reps, load_display: loadDisplay, target_rating: reflection.target_rating ?? null, measured, completed };
}

// The set is saved (or on its way, in the outbox): the loop goes on to the rest, with the
// coach's changes when the server's answer brought them.
function afterSaved(entry, { adaptation = null, queued = false } = {}) {
  const p = presc();
  const { uuid, reps, measured } = entry;
  const { reflection, load_kg: loadKg } = entry.completed;
  state.done.push(entry);
  state.lastMeasured = measured ? feltMeasured(reflection.target_rating ?? null, measured) : null;
  state.last = { ...(state.last || {}), [p.exercise_id]: { reps, load_kg: loadKg } };
  state.reflect = null;
  state.setUuid = null;
  // The coach's changes come from the server's answer. A set not yet synced gets them when it
  // reaches the server, for the next set of this exercise (settleAdaptations).
  if (!adaptation && queued) {
    state.adaptPending = [...waitingAdaptations(), { uuid, ex: state.ex, set: state.set + 1, name: p.name }];
  }
  if (adaptation) {
    state.current[state.ex] = adaptation.next;
    state.lastAdaptation = adaptation;
  } else {
    state.lastAdaptation = null;
  }
  advance();
}

async function discardRefused() {
  if (state.kept) return discardKept();
  const queued = await outboxItem(state.setUuid);
  if (queued && queued.conflict === "already_stored" && queued.stored) {
    // Stored first elsewhere: the lifter keeps that set as it is, and goes on from it.
    if (!confirm("Discard your answers? The set saved first stays as it is.")) return;
    await discard(state.setUuid);
    const st = queued.stored;
    return afterSaved(doneEntry({ uuid: st.uuid, reps: st.reps, load_kg: st.load_kg, reflection: st.reflection || {} }, null));
  }
  if (!confirm("Discard this set? It will not be stored.")) return;
  await discard(state.setUuid);
  state.reflect = null;
  state.setUuid = null;
  state.lastAdaptation = null;
  state.lastMeasured = null;
  advance();
}

// ---------------------------------------------------------------- answers kept from another tab
// Two tabs (or a phone and a laptop) on one workout: the lifter's answers of a set finished
// here are never dropped because the other moved on. This tab keeps them, says in one line
// what the other did, and saves them (in the place of the set stored there, if it stored one)
// or discards them on the lifter's word.

const doneHas = (st, uuid) => !!uuid && !!st && (st.done || []).some((d) => d.uuid === uuid);

// True when the lifter gave something on this reflection (typed, tapped, or chose to skip).
function hasAnswers(form) {
  if (!form) return false;
  const typed = (v) => v !== undefined && v !== null && String(v).trim() !== "";
  return typed(form.reps) || typed(form.load) || [form.target, form.rir, form.focus].some((v) => v !== null && v !== undefined) || Object.keys(form.felt || {}).length > 0;
}

// The set the other tab stored at this tab's place: this very set, or another at its place
// (its exercise and set number), which the server would refuse this one beside.
function storedThere(other) {
  if (!other) return null;
  const p = presc();
  const done = other.done || [];
  return done.find((d) => d.uuid === state.setUuid) || done.find((d) => d.exercise_id === p.exercise_id && d.set_index === state.set && d.completed && d.completed.exercise_index === state.ex) || null;
}

// True when the other tab stored this set with every answer the lifter gave here: nothing of
// this tab's would be lost by following it.
function storedAsGiven(other) {
  const d = storedThere(other);
  if (!d || d.uuid !== state.setUuid || !d.completed) return false;
  const f = state.reflect.form;
  const c = d.completed;
  const r = c.reflection || {};
  const given = (v) => v !== undefined && v !== null && String(v).trim() !== "";
  const same = [];
  if (given(f.reps)) same.push(Number(f.reps) === c.reps);
  if (given(f.load)) same.push(Math.abs((toKg(Number(f.load)) ?? 0) - (c.load_kg ?? 0)) < 0.0005);
  if (f.target !== null && f.target !== undefined) same.push((f.target === "skip" ? null : +f.target) === (r.target_rating ?? null));
  if (f.rir !== null && f.rir !== undefined) same.push(+f.rir === (r.reps_in_reserve ?? null));
  if (f.focus !== null && f.focus !== undefined) same.push(+f.focus === (r.focus_rating ?? null));
  const sorted = (o) => JSON.stringify(Object.entries(o || {}).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (Object.keys(f.felt || {}).length) same.push(sorted(f.felt) === sorted(r.felt_elsewhere));
  return same.every(Boolean);
}

// What the other tab did, and what happens to the answers kept here, in one line; ``into``:
// the uuid of the set stored there that Save puts these answers in the place of.
function keptOf(other) {
  const p = presc();
  const here = `set ${state.set + 1} of ${p.name}`;
  const d = storedThere(other);
  if (d) {
    const what = answersText({ reps: d.reps, load_kg: d.completed ? d.completed.load_kg : null, reflection: d.completed ? d.completed.reflection : {} }, units());
    const which = d.uuid === state.setUuid ? "this set" : here;
    return { into: d.uuid, why: `Your other tab saved ${which} (${what}). Your answers here are kept: save them in its place, or discard them.` };
  }
  let there = "ended this workout";
  if (other && other.screen === "summary") there = "went on to the workout's end";
  else if (other && other.screen === "reflect" && other.ex === state.ex && other.set === state.set) there = "finished this set too";
  else if (other && other.current && other.current[other.ex]) there = `moved on to set ${other.set + 1} of ${other.current[other.ex].name}`;
  return { into: null, why: `Your other tab ${there}. Your answers for ${here} are kept here: save them or discard them.` };
}

// The other tab moved past this reflection, which has answers it did not store: this tab
// stays on it, on its own (KEPT), and says so.
function keepOwn(other) {
  state.kept = keptOf(other);
  persist();
  enterReflect();
}

function renderKept() {
  const k = state && state.kept;
  $("reflect-kept").hidden = !k;
  $("reflect-kept-text").textContent = k ? k.why : "";
  $("btn-save").textContent = k && k.into ? "Save mine in its place" : "Save set";
}

// Why a save did not happen, beside the Save button; the answers stay on the screen.
function showSaveError(text) {
  $("reflect-save-error").textContent = text || "";
  $("reflect-save-error").hidden = !text;
}

// The lifter's answers in the place of those stored for set ``into`` (saved first in another
// tab or on another device); the stored ones are kept as a revision of the set.
async function saveInPlace(into, body) {
  $("btn-save").disabled = true;
  $("btn-replace").disabled = true;
  try {
    await replaceStored(into, body);
  } catch (ex) {
    const why = !ex.status
      ? "Saving needs the network: your answers stay here; save again in a moment."
      : ex.status === 404
        ? "The set saved in your other tab has not reached the server yet: your answers stay here; save again in a moment."
        : `${ex.message} Your answers stay here: fix them and save again, or discard them.`;
    showSaveError(`Not saved. ${why}`);
    return;
  } finally {
    $("btn-save").disabled = false;
    $("btn-replace").disabled = false;
  }
  const entry = { ...doneEntry(body, null), uuid: into };
  entry.completed.set_uuid = into;
  toast(`Your answers are saved for set ${state.set + 1} of ${presc().name}.`);
  if (state.kept) return finishKept(entry);
  afterSaved(entry);
}

// Saved: this tab joins the other tab's place again, with this set among those done.
function finishKept(entry) {
  const theirs = load();
  sessionStorage.removeItem(KEPT);
  if (!theirs) {
    state = null;
    $("loop-empty").hidden = false;
    $("loop-empty-text").textContent = "Your answers are saved. The workout was ended in your other tab.";
    return show("empty");
  }
  const known = (theirs.done || []).some((d) => d.uuid === entry.uuid);
  const done = known ? theirs.done.map((d) => (d.uuid === entry.uuid ? entry : d)) : [...(theirs.done || []), entry];
  state = { ...theirs, done, muted: state.muted, timeScale: state.timeScale };
  save();
  resume();
}

// The lifter lets their kept answers go: this tab follows the other again.
async function discardKept() {
  if (!confirm("Discard your answers for this set? What your other tab saved stays as it is.")) return;
  const theirs = load();
  const mine = state.setUuid;
  // Never another tab's set: only this tab's own, refused by the server.
  if (!doneHas(theirs, mine)) {
    const queued = await outboxItem(mine);
    if (queued && queued.status === "refused") await discard(mine);
  }
  sessionStorage.removeItem(KEPT);
  if (!theirs) {
    state = null;
    $("loop-empty").hidden = false;
    return show("empty");
  }
  state = { ...theirs, muted: state.muted, timeScale: state.timeScale };
  resume();
}

// The server answered a set sent from here with the one stored first from another tab or
// device, with other answers (the outbox keeps it as refused): the lifter puts theirs in its
// place.
async function replaceRefused() {
  const queued = await outboxItem(state.setUuid);
  if (!queued) return;
  showSaveError(null);
  await saveInPlace(queued.id, queued.body);
}

function advance() {
  const p = presc();
  if (state.set + 1 < p.sets) {
    state.set += 1;
    return enterRest();
  }
  if (state.ex + 1 < state.current.length) {
    state.ex += 1;
    state.set = 0;
    return enterRest();
  }
  return enterSummary();
}

// ---------------------------------------------------------------- rest
function enterRest() {
  const prev = state.current[state.set === 0 ? state.ex - 1 : state.ex];
  state.screen = "rest";
  state.restEndsAt = Date.now() + (prev.rest_s * 1000) * scale();
  state.restTotal = prev.rest_s * scale();
  save();
  renderRest();
}

// Sets saved without network whose answer has not come: each with the place of the set its
// changes are for (the next set of the same exercise).
function waitingAdaptations() {
  return Array.isArray(state.adaptPending) ? state.adaptPending : [];
}

// A set saved without network reaches the server; its answer brings the coach's changes for the
// next set of its exercise. That set has not started: it changes, and the lifter is told so when
// the rest is over (during the rest the "Next set changes" card says it). It has started or is
// done: it stays as the lifter saw it, and the changes are kept as a note, not moved to the set
// after it: that one follows the sets done since, whose own answers are newer than these.
// True when something changed.
function settleAdaptations() {
  const waiting = waitingAdaptations();
  const still = waiting.filter((w) => !resultOf(w.uuid));
  if (still.length === waiting.length) return false;
  for (const w of waiting) {
    const res = resultOf(w.uuid);
    const planned = state.current[w.ex];
    // No next set of that exercise (it was its last set): nothing to change.
    if (!res || !res.adaptation || !planned || w.set >= planned.sets || res.adaptation.next.exercise_id !== planned.exercise_id) continue;
    const a = res.adaptation;
    const reasons = a.reasons.map((r) => r.text).join(" ");
    const atIt = state.ex === w.ex && state.set === w.set;
    if (atIt && !setStarting && ["rest", "prime"].includes(state.screen)) {
      state.current[w.ex] = { ...a.next, sets: planned.sets }; // the sets the lifter chose stay
      state.lastAdaptation = a;
      if (state.screen === "prime") addLate(`Next set changed after your last set reached the server: ${reasons}`);
    } else {
      const done = state.done.some((d) => d.completed && d.completed.exercise_index === w.ex && d.set_index === w.set);
      const why = atIt && state.screen !== "reflect" ? "it had already started" : done || atIt ? "it was already done" : "you had moved past it";
      addLate(`The coach's changes arrived too late for set ${w.set + 1} of ${w.name} (${why}), so that set stayed as planned; not applied: ${reasons}`);
    }
  }
  state.adaptPending = still;
  save();
  return true;
}

function addLate(text) {
  state.lateNotes = [...(state.lateNotes || []), text];
}

// The notes of changes that came late, one line each, until the lifter starts a set.
function renderLate(id) {
  const notes = state.lateNotes || [];
  const box = $(id);
  box.replaceChildren(...notes.map((t) => Object.assign(document.createElement("p"), { textContent: t })));
  box.hidden = !notes.length;
}

// The outbox's sets the server refused, by UUID, with its reason (they wait as "needs fixing").
let refused = new Map();

// The outbox confirmed something: a set saved without network may bring the coach's changes.
// Or the server refused such a set: the rest screen stops saying it is on its way.
function onOutboxChange(items) {
  refused = new Map((items || []).filter((i) => i.status === "refused").map((i) => [i.id, refusalText(i)]));
  if (!state) return;
  if (!settleAdaptations()) {
    if (state.screen === "rest") renderRestAdapt();
    return;
  }
  if (state.screen === "prime") renderPrime();
  else if (state.screen === "rest") renderRest();
  else if (state.screen === "summary") renderSummary();
}

// The "Next set changes" card of the rest screen.
function renderRestAdapt() {
  // The next set is of the exercise just done only when it is not its first set. Changes for
  // the next set only when it is of the same exercise; after an exercise's last set they would
  // talk about a finished exercise, and the next plan takes that set into account.
  const sameExercise = state.set > 0;
  const a = sameExercise ? state.lastAdaptation : null;
  const waiting = sameExercise ? waitingAdaptations().find((w) => w.ex === state.ex && w.set === state.set) : null;
  $("rest-adapt").hidden = !a && !waiting;
  if (a) {
    $("rest-adapt-text").textContent = a.reasons.map((r) => r.text).join(" ");
  } else if (waiting && refused.has(waiting.uuid)) {
    $("rest-adapt-text").textContent = `The server refused your last set, so it is not stored and the next set is as planned. ${refused.get(waiting.uuid)} Tap “needs fixing” at the top to fix it or discard it.`;
  } else if (waiting) {
    $("rest-adapt-text").textContent = "Your set is saved on this phone and goes to the server when the network is back; the coach's changes for this set come then. Until then the next set is as planned.";
  }
}

function renderRest() {
  settleAdaptations();
  const p = presc();
  show("rest");
  $("rest-prompt").textContent = p.between_set_prompt;
  $("rest-next-name").textContent = p.name;
  $("rest-next-step").textContent = `Exercise ${state.ex + 1} of ${state.current.length} · set ${state.set + 1} of ${p.sets}`;
  $("rest-next-load").textContent = p.load_display;
  $("rest-next-reps").textContent = `${p.reps[0]}–${p.reps[1]}`;
  $("rest-next-tempo").textContent = tempoText(p.tempo);
  $("rest-next-rest").textContent = `${p.rest_s}s`;
  $("rest-next-cue").textContent = p.focus.cue;
  $("rest-next-mode").textContent = p.focus.mode === "internal" ? "Internal cue · feel the muscle" : p.focus.mode === "external" ? "External cue · move the load" : "No cue";
  renderSoundNote();
  renderLate("rest-late");
  $("rest-measured").hidden = !state.lastMeasured;
  $("rest-measured-text").textContent = state.lastMeasured || "";
  renderRestAdapt();
  clearInterval(restTimer);
  const tick = () => {
    if (waitingAdaptations().length && settleAdaptations()) return renderRest();
    const left = Math.max(0, (state.restEndsAt - Date.now()) / 1000);
    const shown = Math.ceil(left / scale());
    $("rest-num").textContent = shown >= 60 ? `${Math.floor(shown / 60)}:${String(shown % 60).padStart(2, "0")}` : shown;
    $("rest-ring").style.strokeDashoffset = String(597 * (1 - left / Math.max(0.001, state.restTotal)));
    if (left <= 0) {
      clearInterval(restTimer);
      metronome.chime();
      vibrate([200, 100, 200]);
      notifyRestOver(p);
      enterPrime();
    }
  };
  restTimer = setInterval(tick, 200);
  tick();
}

// ---------------------------------------------------------------- your workout, your way
// The lifter changes what is still to come: sets, order, exercises (added, swapped, removed).
// The changed list is the loop's ``current`` (saved here and in the server's snapshot), so the
// coach's adaptation still applies to the next set and a reload resumes the changed workout.
let sizeAtOpen = 0;
let edited = false;

function enterBuild() {
  state.screen = "build";
  save();
  show("build");
}

function lockOf(i) {
  if (state.screen === "summary" || i < state.ex || (state.skipped || []).includes(i)) return "all";
  if (i === state.ex && state.set > 0) return "sets";
  return "none";
}

function renderWorkout() {
  const list = $("workout-list");
  const free = state.current.findIndex((_, i) => lockOf(i) === "none");
  list.replaceChildren(
    ...state.current.map((p, i) =>
      exerciseRow({
        name: p.name,
        detail: `${p.load_display} · ${p.reps[0]}–${p.reps[1]} reps${i === state.ex && state.screen !== "summary" ? " · next up" : ""}`,
        sets: p.sets,
        minSets: i === state.ex && state.set > 0 ? state.set + 1 : 1,
        lock: lockOf(i),
        first: i === free,
        last: i === state.current.length - 1,
        onSets: (n) => {
          p.sets = n;
          changed();
        },
        onMove: (d) => {
          const j = i + d;
          if (j < 0 || j >= state.current.length || lockOf(j) !== "none") return;
          [state.current[i], state.current[j]] = [state.current[j], state.current[i]];
          changed();
        },
        onSwap: () => swapExercise(i),
        onRemove: () => {
          state.current.splice(i, 1);
          changed();
        },
      }),
    ),
  );
  if (!state.current.length) list.append(Object.assign(document.createElement("li"), { className: "muted", textContent: "No exercise yet." }));
}

function changed() {
  edited = true;
  save();
  renderWorkout();
}

function workoutMessage(text) {
  $("workout-msg").textContent = text || "";
  $("workout-msg").hidden = !text;
}

// The coach's prescriptions of exercises added or swapped in (loads from the history).
async function prescribe(ids) {
  const res = await api("/api/prescriptions", { method: "POST", body: { exercise_ids: ids } });
  state.targets = { ...(state.targets || {}), ...res.targets };
  return res.prescriptions;
}

async function addExercise() {
  workoutMessage("");
  const id = await pickExercise({ exclude: state.current.map((p) => p.exercise_id) });
  if (!id) return false;
  try {
    const [p] = await prescribe([id]);
    state.current.push(p);
    changed();
    return true;
  } catch (ex) {
    workoutMessage(ex.status ? ex.message : "Adding an exercise needs the network: try again in a moment.");
    return false;
  }
}

async function swapExercise(i) {
  workoutMessage("");
  const old = state.current[i];
  const id = await pickExercise({ title: `Swap ${old.name}`, swapFor: old.exercise_id, exclude: state.current.map((p) => p.exercise_id) });
  if (!id) return;
  try {
    const [p] = await prescribe([id]);
    state.current[i] = { ...p, sets: old.sets };
    changed();
  } catch (ex) {
    workoutMessage(ex.status ? ex.message : "Swapping needs the network: try again in a moment.");
  }
}

function openWorkout() {
  sizeAtOpen = state.current.length;
  edited = false;
  workoutMessage("");
  $("routine-msg").textContent = "";
  renderWorkout();
  $("workout-sheet").showModal();
}

// After the sheet closes the screen shows what is next in the changed workout.
function afterEdit() {
  if (!edited) return;
  edited = false;
  if (state.screen === "summary") {
    if (state.current.length <= sizeAtOpen) return renderSummary();
    state.ex = sizeAtOpen;
    state.set = 0;
    state.endedEarly = false;
    return enterPrime();
  }
  if (state.ex >= state.current.length) return state.current.length ? enterSummary() : enterBuild();
  if (state.screen === "rest") return renderRest();
  return enterPrime();
}

async function saveRoutine(e) {
  e.preventDefault();
  const name = $("routine-name").value.trim();
  const msg = $("routine-msg");
  msg.classList.remove("error-text");
  const seen = new Set();
  const exercises = [];
  for (const p of state.current) {
    if (seen.has(p.exercise_id)) continue;
    seen.add(p.exercise_id);
    exercises.push({ exercise_id: p.exercise_id, sets: p.sets });
  }
  const problem = !name ? "Give the routine a name." : !exercises.length ? "Add an exercise first." : exercises.length > 20 ? "A routine holds at most 20 exercises." : null;
  if (problem) {
    msg.textContent = problem;
    msg.classList.add("error-text");
    return;
  }
  try {
    const saved = await api("/api/routines", { method: "POST", body: { name, exercises } });
    msg.textContent = `Saved as the routine “${saved.name}”: start it from Today or Routines.`;
    $("routine-name").value = "";
  } catch (ex) {
    msg.textContent = ex.status ? ex.message : "Saving a routine needs the network: try again in a moment.";
    msg.classList.add("error-text");
  }
}

// ---------------------------------------------------------------- summary
function enterSummary() {
  state.screen = "summary";
  save();
  renderSummary();
}

function renderSummary() {
  show("summary");
  renderLate("summary-late");
  const list = $("summary-list");
  list.textContent = "";
  for (const s of state.done) {
    const row = document.createElement("div");
    row.className = "summary-row";
    const a = document.createElement("span");
    a.textContent = `${s.name} · set ${s.set_index + 1}`;
    const b = document.createElement("b");
    b.textContent = `${s.reps} × ${s.load_display} · ${feltMeasured(s.target_rating, s.measured)}`;
    row.append(a, b);
    list.append(row);
  }
}

async function endSession() {
  if (state.sessionId) await enqueue(`end-${state.sessionId}`, `/api/sessions/${state.sessionId}/end`, {});
  flush().catch(() => {});
  localStorage.removeItem(KEY);
  location.href = "/progress";
}

// ---------------------------------------------------------------- start and resume
async function init() {
  wire();
  onChange(onOutboxChange);
  state = load();
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
    if (kept && kept.kept) state = kept;
  } catch {
    /* nothing kept */
  }
  bounds = await setBounds();
  try {
    profile = (await api("/api/profile")).profile;
    localStorage.setItem("mm.profile", JSON.stringify(profile));
  } catch {
    profile = JSON.parse(localStorage.getItem("mm.profile") || "null");
  }
  let active = null;
  try {
    active = await api("/api/sessions/active");
  } catch (err) {
    if (!state) {
      $("loop-empty").hidden = false;
      $("loop-empty-text").textContent = err.status ? err.message : "No network and no session saved on this phone.";
      return show("empty");
    }
  }
  if (active && active.session && !(state && state.kept) && (!state || state.sessionId !== active.session.session_id)) {
    state = fromServer(active.session, active.targets);
  } else if (active && active.session && state) {
    state.targets = active.targets;
  }
  if (!state || (active && !active.session && state.screen === "summary")) {
    $("loop-empty").hidden = false;
    return show("empty");
  }
  // Kept on the phone from the first look: a reload with no network resumes this session even
  // before its first set.
  if (state.kept) state.kept = keptOf(load());
  persist();
  if (params.get("speed")) state.timeScale = 1 / Math.max(1, +params.get("speed"));
  // Settings: sound, vibration and the eyes-closed default (the session's own toggles win).
  const pref = prefs();
  state.muted = !pref.sound; // the sound button here changes the setting itself
  if (state.eyesClosed === undefined) state.eyesClosed = pref.eyesClosed;
  metronome.muted = !!state.muted;
  metronome.vibrate = pref.vibrate;
  $("eyes").checked = !!state.eyesClosed;
  renderSound();
  document.body.classList.toggle("eyes-closed", !!state.eyesClosed);
  // Sound may be allowed without a tap (an installed app, a site the lifter uses often); if the
  // browser holds it back, the first tap anywhere brings it (see wire()).
  metronome.unlock().then(renderSoundNote);
  resume();
}

function resume() {
  if (state.screen !== "summary" && state.ex >= state.current.length) {
    return state.current.length ? enterSummary() : enterBuild();
  }
  switch (state.screen) {
    case "set":
      // A reload, the back button or a locked screen mid-set: the set waits, paused, at the
      // repetition it had reached.
      if (!state.timeline) {
        state.screen = "reflect";
        state.reflect = state.reflect || { reps: 0, finishedAt: new Date().toISOString(), motion: null, measured: null };
        save();
        return enterReflect();
      }
      state.paused = true;
      header();
      $("set-cue").textContent = presc().focus.cue;
      $("set-target").textContent = presc().reps[1];
      show("set");
      return renderPaused();
    case "reflect":
      return enterReflect();
    case "rest":
      return renderRest();
    case "summary":
      return renderSummary();
    default:
      return renderPrime();
  }
}

function wire() {
  $("btn-squeeze").addEventListener("click", squeezeTest);
  $("btn-speak").addEventListener("click", () => speak(presc().prime.visualisation));
  $("btn-start").addEventListener("click", startSet);
  $("live-tone").addEventListener("click", nextTone);
  renderTone();
  $("btn-done").addEventListener("click", () => finishSet(Math.max(metronome.position()?.repsDone ?? 0, state.setPos ? state.setPos.repsDone : 0)));
  $("btn-save").addEventListener("click", submitReflection);
  $("btn-skip-rest").addEventListener("click", () => {
    clearInterval(restTimer);
    enterPrime();
  });
  $("btn-notify").addEventListener("click", async () => {
    const answer = await askNotifications();
    renderSoundNote();
    toast(answer === "granted" ? "You will get a notification when rest ends." : "No notifications: change it in the browser's site settings.");
  });
  $("btn-more-rest").addEventListener("click", () => {
    state.restEndsAt += 30000 * scale();
    state.restTotal += 30 * scale();
    save();
  });
  $("btn-end").addEventListener("click", endSession);
  $("btn-end-early").addEventListener("click", () => {
    if (confirm("End the session now? Sets already saved stay saved.")) {
      state.endedEarly = true;
      enterSummary();
    }
  });
  $("btn-skip-ex").addEventListener("click", () => {
    state.skipped = [...(state.skipped || []), state.ex];
    if (state.ex + 1 < state.current.length) {
      state.ex += 1;
      state.set = 0;
      enterPrime();
    } else enterSummary();
  });
  $("reps-minus").addEventListener("click", () => stepReps(-1));
  $("reps-plus").addEventListener("click", () => stepReps(1));
  $("load-minus").addEventListener("click", () => stepLoad(-1));
  $("load-plus").addEventListener("click", () => stepLoad(1));
  $("reflect-reps").addEventListener("input", () => {
    if (state.reflect) state.reflect.repsEdited = true;
    keepForm();
    renderOffers();
  });
  $("reflect-load").addEventListener("input", () => {
    keepForm();
    renderOffers();
  });
  $("offer-reps").addEventListener("click", () => takeOffer("reflect-reps", "offer-reps"));
  $("offer-load-last").addEventListener("click", () => takeOffer("reflect-load", "offer-load-last"));
  $("offer-load-plan").addEventListener("click", () => takeOffer("reflect-load", "offer-load-plan"));
  $("measured-use").addEventListener("click", () => {
    $("reflect-reps").value = state.reflect.measured.reps;
    $("measured-use").hidden = true;
    state.reflect.repsEdited = true;
    $("reflect-reps-msg").hidden = true;
    keepForm();
    renderOffers();
  });
  // Reps in reserve is optional: a tap on the chosen value clears it.
  for (const r of document.querySelectorAll("input[name=rir], input[name=focus]")) {
    r.addEventListener("pointerdown", () => (r.dataset.was = String(r.checked)));
    r.addEventListener("click", () => {
      if (r.dataset.was === "true") r.checked = false;
      r.dataset.was = "";
      keepForm();
      paintFelt();
    });
  }
  for (const r of document.querySelectorAll("input[name=target]")) {
    r.addEventListener("change", () => {
      $("target-msg").hidden = true;
      keepForm();
    });
  }
  $("btn-more").addEventListener("click", () => $("more-sheet").showModal());
  $("btn-more-done").addEventListener("click", () => $("more-sheet").close());
  $("felt-list").addEventListener("click", (e) => {
    const b = e.target.closest(".mchip");
    if (!b) return;
    const id = b.dataset.muscle;
    const next = { 0: 4, 4: 8, 8: 0 }[felt.get(id) || 0];
    if (next) felt.set(id, next);
    else felt.delete(id);
    vibrate(15);
    paintFelt();
    keepForm();
  });
  $("btn-discard").addEventListener("click", discardRefused);
  $("btn-kept-discard").addEventListener("click", discardKept);
  $("btn-replace").addEventListener("click", replaceRefused);
  $("btn-own-workout").addEventListener("click", () => {
    state.noWorkout = true;
    submitReflection();
  });
  for (const id of ["btn-edit-prime", "btn-edit-rest", "btn-edit-summary"]) $(id).addEventListener("click", openWorkout);
  $("workout-done").addEventListener("click", () => $("workout-sheet").close());
  $("workout-sheet").addEventListener("close", afterEdit);
  $("workout-add").addEventListener("click", addExercise);
  $("routine-form").addEventListener("submit", saveRoutine);
  $("btn-build-add").addEventListener("click", async () => {
    sizeAtOpen = 0;
    if (await addExercise()) afterEdit();
  });
  $("btn-build-end").addEventListener("click", endSession);
  $("btn-pause").addEventListener("click", pauseSet);
  $("btn-resume").addEventListener("click", resumeSet);
  $("btn-done-paused").addEventListener("click", () => finishSet(state.setPos ? state.setPos.repsDone : 0));
  // Another tab on this session moved on (a set saved, a rest skipped, a rating tapped): this
  // one follows at once, so the same set is never offered, and stored, twice. A tab in the
  // middle of its own running set keeps it; a tab with answers not yet saved keeps them
  // (keepOwn), and says so.
  window.addEventListener("storage", (e) => {
    if (e.key !== KEY || !state || (state.screen === "set" && !state.paused)) return;
    const other = load();
    if (state.kept) {
      // Already keeping its own answers: only what it tells the lifter changes.
      state.kept = keptOf(other);
      persist();
      return renderKept();
    }
    if (other && other.screen === "reflect" && doneHas(state, other.setUuid) && !doneHas(other, other.setUuid)) {
      // The other tab finished a set this one has saved meanwhile (it was running its own
      // copy of it): it hears back that the set is saved, instead of pulling this tab back.
      return localStorage.setItem(KEY, JSON.stringify(state));
    }
    const mine = state.screen === "reflect" && state.reflect && hasAnswers(state.reflect.form);
    if (mine && other && other.screen === "reflect" && other.setUuid === state.setUuid) {
      if (!hasAnswers(other.reflect && other.reflect.form)) {
        // The same set finished there after it was answered here: the answers stay, and are
        // shown there too.
        state = { ...other, reflect: { ...other.reflect, form: state.reflect.form }, muted: state.muted, timeScale: state.timeScale };
        localStorage.setItem(KEY, JSON.stringify(state));
        return resume();
      }
      // Both tabs on the same set, answered there: the newest answers, from either tab.
    } else if (mine && !storedAsGiven(other)) {
      return keepOwn(other);
    }
    clearInterval(restTimer);
    cancelAnimationFrame(raf);
    metronome.stop();
    live.stop();
    if (!other) {
      // The session ended there.
      state = null;
      $("loop-empty").hidden = false;
      return show("empty");
    }
    state = { ...other, muted: state.muted, timeScale: state.timeScale };
    resume();
  });
  // Leaving mid-set or with a set not yet saved asks first (reload, back, closing the tab).
  window.addEventListener("beforeunload", (e) => {
    if (state && (state.screen === "set" || state.screen === "reflect")) {
      keepForm();
      e.preventDefault();
      e.returnValue = "";
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (!state || state.screen !== "set" || state.paused) return;
    // A locked screen with sound on: the set goes on by sound (and voice, see sayPhase). With
    // sound off nothing could guide it: it waits, paused, where it was. Either way the page
    // says so (the note beside the eyes-closed switch, the paused screen's reason).
    if (document.visibilityState === "hidden" && state.muted) pauseSet("locked-silent");
    // The phone may stop the sound clock while locked: the set waited where it was.
    else if (document.visibilityState === "visible" && !state.muted && !metronome.audioRunning()) pauseSet("sound-stopped");
  });
  // After a reload the browser keeps sound off until a tap: the first tap anywhere brings it back.
  document.addEventListener("pointerdown", () => metronome.unlock().then(renderSoundNote), { passive: true });
  $("eyes").addEventListener("change", (e) => {
    state.eyesClosed = e.target.checked;
    document.body.classList.toggle("eyes-closed", state.eyesClosed);
    renderSoundNoteSet();
    save();
  });
  $("sound").addEventListener("click", () => setSound(state.muted));
  $("btn-sound-on").addEventListener("click", () => setSound(true));
}

// Rest is over and the page cannot make itself heard (in the background, or reloaded with no
// tap since, so the browser holds back sound and vibration): a notification, with the vibration
// pattern, if the lifter allowed them.
function notifyRestOver(p) {
  if (!document.hidden && metronome.audioRunning()) return;
  notify("Rest is over", { body: `${p.name}: set ${state.set + 1} of ${p.sets}, ${p.load_display}`, tag: "mm-rest", pattern: [200, 100, 200] });
}

// After a reload the browser holds sound back until the lifter taps: say so on the rest screen,
// and offer (once) the notification that works without a tap.
function renderSoundNote() {
  if (!state || state.screen !== "rest") return;
  const held = !metronome.audioRunning() && !state.muted;
  $("rest-sound").hidden = !held;
  $("rest-sound").textContent = held && notificationState() === "granted" ? "Tap anywhere to hear the end of the rest; a notification comes anyway." : "Tap anywhere to hear the end of the rest.";
  $("btn-notify").hidden = notificationState() !== "default" || !!prefs().notifyAsked;
}

function renderSound() {
  const b = $("sound");
  b.setAttribute("aria-pressed", String(!state.muted));
  b.querySelector("span").textContent = state.muted ? "Sound off" : "Sound on";
  renderSoundNoteSet();
}

// Sound off during a set: what the lifter gives up, said beside the eyes-closed switch, with
// the way to turn sound on.
function renderSoundNoteSet() {
  const note = $("set-sound-note");
  // Paused, the paused screen's own line says why (the top bar's button turns sound on).
  note.hidden = !state.muted || !!state.paused;
  if (note.hidden) return;
  const buzz = prefs().vibrate ? " Only vibration tells the phases." : "";
  $("set-sound-text").textContent = state.eyesClosed
    ? `Sound is off: with your eyes closed you hear nothing of the set.${buzz}`
    : "Sound is off: locking the screen pauses the set.";
}

function setSound(on) {
  state.muted = !on;
  savePref("sound", on);
  metronome.muted = state.muted;
  if (on) metronome.unlock();
  renderSound();
  save();
}

function stepReps(d) {
  const el = $("reflect-reps");
  el.value = Math.max(0, (parseInt(el.value || "0", 10) || 0) + d);
  state.reflect.repsEdited = true;
  keepForm();
  renderOffers();
}

function stepLoad(d) {
  const el = $("reflect-load");
  const step = loadStep(presc());
  // From an empty field the step starts at the load last lifted (or the plan's).
  const o = offers();
  const from = o.lastLoad ?? o.planLoad;
  const typed = decimal(el.value);
  const now = typed === null || Number.isNaN(typed) ? (from === null ? 0 : Number(from)) : typed;
  // Snap to the step grid, then move one step.
  const next = Math.max(0, Math.round((now + d * step) / step) * step);
  el.value = fmt(next);
  keepForm();
  renderOffers();
}

init();
