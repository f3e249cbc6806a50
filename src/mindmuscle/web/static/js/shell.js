// Runs on every page: the service worker (offline app shell), the outbox's retries and the
// "waiting to sync" badge.

import { onChange, pending, startAutoFlush } from "./outbox.js";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    /* plain HTTP on a LAN address: no service worker, the outbox still works */
  });
}

const badge = document.getElementById("sync");
function render(items) {
  if (!badge) return;
  const sets = items.length;
  badge.hidden = sets === 0;
  badge.textContent = `${sets} waiting to sync`;
}
onChange(render);
if ("indexedDB" in window) {
  pending().then(render).catch(() => {});
  startAutoFlush();
}
