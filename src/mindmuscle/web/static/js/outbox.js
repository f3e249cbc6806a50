// The outbox: every set is written to IndexedDB first, then sent until the server confirms.
// The server stores a set by its UUID, so sending one twice never makes two sets.

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
