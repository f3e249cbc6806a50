// The outbox: every set is written to IndexedDB first, then sent until the server confirms.
// The server stores a set by its UUID, so sending one twice never makes two sets.

import { api, feltText, massIn } from "./api.js";

const DB_NAME = "mindmuscle";
const STORE = "outbox";
let dbPromise = null;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "id" });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function tx(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const store = t.objectStore(STORE);
    const out = fn(store);
    t.oncomplete = () => resolve(out && "result" in out ? out.result : undefined);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

// Queue (or replace: same id) an item; a replaced item that needed fixing is sent again.
export async function enqueue(id, url, body) {
  await tx("readwrite", (s) => s.put({ id, url, body, queuedAt: Date.now(), attempts: 0, status: "pending" }));
  notify();
}

export async function pending() {
  return (await tx("readonly", (s) => s.getAll())) || [];
}

export async function get(id) {
  return (await tx("readonly", (s) => s.get(id))) || null;
}

async function remove(id) {
  await tx("readwrite", (s) => s.delete(id));
}

// The lifter chose to throw a refused item away.
export async function discard(id) {
  await remove(id);
  notify();
}

// Retry later: 2, 3, 4.5, 6.8 ... seconds, at most a minute apart.
const MAX_BACKOFF_MS = 60_000;
async function bump(item, error) {
  item.attempts += 1;
  item.lastError = error;
  item.nextAt = Date.now() + Math.min(MAX_BACKOFF_MS, 2000 * 1.5 ** (item.attempts - 1));
  await tx("readwrite", (s) => s.put(item));
}

// The server refused the item for good (bad data): kept with the server's message until the
// lifter fixes or discards it.
async function refuse(item, message, details, conflict) {
  item.status = "refused";
  item.message = message;
  item.details = details || [];
  item.conflict = conflict || null; // the set's workout was deleted, or its place is taken
  await tx("readwrite", (s) => s.put(item));
}

// The lifter's answers a set carries (what they typed or tapped after it), the same whether
// read from a set sent (its POST body) or from a set stored (the API's record of it).
function answers(reps, loadKg, reflection, rir) {
  const r = reflection || {};
  const felt = Object.entries(r.felt_elsewhere || {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    reps,
    load: loadKg === null || loadKg === undefined ? 0 : Math.round(loadKg * 1000) / 1000,
    target: r.target_rating ?? null,
    rir: rir ?? null,
    focus: r.focus_rating ?? null,
    felt: JSON.stringify(felt),
  };
}
export const sentAnswers = (body) => answers(body.reps, body.load_kg, body.reflection, (body.reflection || {}).reps_in_reserve ?? body.reps_in_reserve);
export const storedAnswers = (set) => answers(set.reps, set.load_kg, set.reflection, set.reps_in_reserve);
export function sameAnswers(a, b) {
  return Object.keys(a).every((k) => a[k] === b[k]);
}

// A set sent again with the uuid of one already stored is answered with the stored one,
// unchanged. With other answers (another tab or device saved this set first), the lifter's
// answers were not stored: the item stays here, refused, saying so and with what is stored,
// until the lifter puts theirs in its place (replaceStored) or discards them.
function storedOtherwise(item, data) {
  return item.url === "/api/sets" && data && data.stored_now === false && data.set && !sameAnswers(sentAnswers(item.body), storedAnswers(data.set));
}

// The stored set's answers in words: "10 × 12 kg, felt 6/10".
export function answersText(set, units = "kg") {
  const load = set.load_kg ? `${massIn(set.load_kg, units)} ${units}` : "bodyweight";
  return `${set.reps} × ${load}, ${feltText((set.reflection || {}).target_rating)}`;
}

function storedOtherwiseText(item, set) {
  const units = (item.body.prescription && item.body.prescription.units) || "kg";
  return `This set was already saved from another tab or device with other answers (${answersText(set, units)}), so yours were not stored. Put yours in its place, or discard them.`;
}

// The edit (PATCH /api/sets/{uuid}) that puts the answers of a set body in the place of the
// stored set's: every answer the lifter gave, and those they left out cleared, as in the body.
export function answersEdit(body) {
  const r = body.reflection || {};
  const edit = { reps: body.reps, felt_elsewhere: r.felt_elsewhere || {}, clear: [] };
  if (body.load_kg !== null && body.load_kg !== undefined) edit.load_kg = body.load_kg;
  for (const k of ["target_rating", "reps_in_reserve", "focus_rating"]) {
    if (r[k] === null || r[k] === undefined) edit.clear.push(k);
    else edit[k] = r[k];
  }
  return edit;
}

// The lifter chose their answers over those stored for the set ``uuid`` (saved first from
// another tab or device): the stored set is edited (its earlier values are kept as a revision,
// as every edit's), and the refused item, if any, leaves the outbox. Throws the API's error.
export async function replaceStored(uuid, body) {
  const detail = await api(`/api/sets/${encodeURIComponent(uuid)}`, { method: "PATCH", body: answersEdit(body) });
  await remove(body.uuid);
  notify();
  return detail;
}

const listeners = new Set();
export function onChange(fn) {
  listeners.add(fn);
}
async function notify() {
  const items = await pending();
  for (const fn of listeners) fn(items);
}

function csrf() {
  const m = document.cookie.match(/(?:^|;\s*)mm_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

let flushing = null;
const results = new Map();

// The server's answers are kept on the phone before their items leave the outbox: a reload in
// the moment between the answer and the page applying it (the coach's changes for the next
// set) finds the answer here, as the outbox would otherwise have forgotten the set.
const ANSWERS = "mm.outbox.answers";
const ANSWERS_KEPT = 50;

function keptAnswers() {
  try {
    return JSON.parse(localStorage.getItem(ANSWERS) || "{}") || {};
  } catch {
    return {};
  }
}

function keepAnswer(id, data) {
  const kept = keptAnswers();
  delete kept[id];
  kept[id] = data;
  const ids = Object.keys(kept);
  for (const old of ids.slice(0, Math.max(0, ids.length - ANSWERS_KEPT))) delete kept[old];
  try {
    localStorage.setItem(ANSWERS, JSON.stringify(kept));
  } catch {
    /* storage full: the answer is still kept in memory for this page */
  }
}

// Send every queued item whose time has come, in order; resolves to a Map id -> server
// response for those confirmed. `force` ignores the backoff (the lifter just saved a set).
export function flush({ force = false } = {}) {
  if (!flushing) {
    flushing = (async () => {
      const confirmed = new Map();
      try {
        if (!csrf()) await fetch("/api/csrf", { credentials: "same-origin" });
        const items = (await pending()).sort((a, b) => a.queuedAt - b.queuedAt);
        for (const item of items) {
          if (item.status === "refused") continue;
          if (!force && item.nextAt && item.nextAt > Date.now()) break; // keep the order
          let res;
          try {
            res = await fetch(item.url, {
              method: "POST",
              headers: {
                "Content-Type": "application/json",
                Accept: "application/json",
                "X-CSRF-Token": csrf(),
              },
              body: JSON.stringify(item.body),
              credentials: "same-origin",
            });
          } catch (err) {
            await bump(item, String(err));
            break; // offline: keep the order, try again later
          }
          if (res.ok) {
            const data = await res.json().catch(() => ({}));
            if (storedOtherwise(item, data)) {
              item.stored = data.set;
              await refuse(item, storedOtherwiseText(item, data.set), [], "already_stored");
              continue;
            }
            keepAnswer(item.id, data);
            results.set(item.id, data);
            await remove(item.id);
            confirmed.set(item.id, data);
          } else if (res.status >= 400 && res.status < 500 && ![401, 403, 408, 429].includes(res.status)) {
            const data = await res.json().catch(() => ({}));
            await refuse(item, data.message || `${res.status} ${res.statusText}`, data.details, data.conflict);
          } else {
            await bump(item, `HTTP ${res.status}`);
            break;
          }
        }
      } finally {
        flushing = null;
        notify();
      }
      return confirmed;
    })();
  }
  return flushing;
}

// The server's answer to an item it confirmed (kept across reloads), or undefined.
export function resultOf(id) {
  if (!results.has(id)) {
    const kept = keptAnswers()[id];
    if (kept !== undefined) results.set(id, kept);
  }
  return results.get(id);
}

let timer = null;
export function startAutoFlush(intervalMs = 4000) {
  if (timer) return;
  const kick = () => flush().catch(() => {});
  // The network is back: everything waiting is tried now, the backoff starts again.
  window.addEventListener("online", async () => {
    for (const item of await pending()) {
      if (item.status === "refused") continue;
      item.attempts = 0;
      item.nextAt = 0;
      await tx("readwrite", (s) => s.put(item));
    }
    kick();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") kick();
  });
  timer = setInterval(async () => {
    if ((await pending()).some((i) => i.status !== "refused")) kick();
  }, intervalMs);
  kick();
}
