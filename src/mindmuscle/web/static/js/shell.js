// Runs on every page: the service worker (offline app shell), the outbox's retries, the
// "waiting to sync" and "needs fixing" badge, and the "workout in progress" bar.

import { openFixing } from "./fixing.js";
import { onChange, pending, startAutoFlush } from "./outbox.js";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    /* plain HTTP on a LAN address: no service worker, the outbox still works */
  });
}

const badge = document.getElementById("sync");
function render(items) {
  if (!badge) return;
  const refused = items.filter((i) => i.status === "refused").length;
  const waiting = items.length - refused;
  badge.hidden = items.length === 0;
  badge.classList.toggle("bad", refused > 0);
  const parts = [];
  if (refused) parts.push(`${refused} ${refused === 1 ? "set needs" : "sets need"} fixing`);
  if (waiting) parts.push(`${waiting} waiting to sync`);
  badge.textContent = parts.join(" · ");
}
onChange(render);
if ("indexedDB" in window) {
  pending().then(render).catch(() => {});
  startAutoFlush();
}
if (badge) badge.addEventListener("click", () => openFixing());

// Sliders show their value beside them (no inline handlers: the page's security policy).
document.addEventListener("input", (e) => {
  const el = e.target;
  if (el instanceof HTMLInputElement && el.type === "range" && el.id) {
    const out = document.getElementById(`${el.id}-out`);
    if (out) out.textContent = el.value;
  }
});

// A workout left running (another tab, the back button, a reload elsewhere) is one tap away.
const bar = document.getElementById("inprogress");
if (bar && document.body.dataset.page !== "session") {
  try {
    const loop = JSON.parse(localStorage.getItem("mm.loop") || "null");
    if (loop && loop.current && loop.screen && loop.screen !== "summary") {
      const p = loop.current[loop.ex];
      const what = p ? `${p.name} · set ${loop.set + 1} of ${p.sets}` : "";
      bar.querySelector("[data-what]").textContent = what;
      bar.hidden = false;
      document.body.classList.add("has-inprogress");
    }
  } catch {
    /* nothing saved */
  }
}

// Colours computed by the server (the connection map's scores) come as data attributes: the
// Content-Security-Policy refuses inline style attributes, and styles set from a script are fine.
for (const el of document.querySelectorAll("[data-fill]")) el.style.fill = el.dataset.fill;
for (const el of document.querySelectorAll("[data-bg]")) el.style.background = el.dataset.bg;
