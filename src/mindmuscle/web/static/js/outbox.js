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

export async function enqueue(id, url, body) {
  await tx("readwrite", (s) => s.put({ id, url, body, queuedAt: Date.now(), attempts: 0 }));
  notify();
}

export async function pending() {
  return (await tx("readonly", (s) => s.getAll())) || [];
}

async function remove(id) {
  await tx("readwrite", (s) => s.delete(id));
}

async function bump(item, error) {
  item.attempts += 1;
  item.lastError = error;
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

// Send every queued item once; resolves to a Map id -> server response for those confirmed.
export function flush() {
  if (!flushing) {
    flushing = (async () => {
      const confirmed = new Map();
      try {
        if (!csrf()) await fetch("/api/csrf", { credentials: "same-origin" });
        for (const item of await pending()) {
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
            await remove(item.id);
            confirmed.set(item.id, data);
            results.set(item.id, data);
          } else if (res.status >= 400 && res.status < 500 && ![401, 403, 408, 429].includes(res.status)) {
            // The server refused this set for good (bad data): keep it aside, do not block the rest.
            const data = await res.json().catch(() => ({}));
            await remove(item.id);
            failed.push({ item, message: data.message || res.statusText });
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

export const failed = [];

export function resultOf(id) {
  return results.get(id);
}

let timer = null;
export function startAutoFlush(intervalMs = 4000) {
  if (timer) return;
  const kick = () => flush().catch(() => {});
  window.addEventListener("online", kick);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") kick();
  });
  timer = setInterval(async () => {
    if ((await pending()).length) kick();
  }, intervalMs);
  kick();
}
