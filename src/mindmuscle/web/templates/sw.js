// MindMuscle service worker: keeps the app shell so that a reload with no network still shows
// the session. Pages: network first, cached copy when offline. Assets: cache first (their URLs
// change with every release). API calls always go to the network (the outbox retries sets).
const CACHE = "mindmuscle-{{ version }}";
const SHELL = [
  "/session",
  "/today",
  "/static/css/app.css?v={{ version }}",
  "/static/js/shell.js?v={{ version }}",
  "/static/js/session.js?v={{ version }}",
  "/static/js/api.js",
  "/static/js/outbox.js",
  "/static/js/metronome.js",
  "/static/js/device.js",
  "/static/js/bodymap.js",
  "/static/js/livecount.js",
  "/static/js/live.js",
  "/static/js/setbounds.js",
  "/static/js/fixing.js",
  "/static/js/workout.js",
  "/static/img/icon.svg",
  "/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        SHELL.map((url) =>
          fetch(url, { credentials: "same-origin" })
            .then((res) => (res.ok && !res.redirected ? cache.put(url, res) : null))
            .catch(() => null)
        )
      )
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

// A page never opened with the network has no copy here: say so, with the way back to the
// workout (the set loop works offline), rather than show the set loop under another page's name.
function offlinePage() {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>No network · MindMuscle</title>
<link rel="stylesheet" href="/static/css/app.css?v={{ version }}"></head>
<body><main><h1>No network</h1>
<p class="muted">This page needs the server and has not been opened on this phone before.
Sets you save wait on the phone and are sent when the network is back.</p>
<p><a class="btn big primary" href="/session">Back to your workout</a></p>
<p><a class="btn big" href="/today">Today</a></p></main></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (req.mode === "navigate") {
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok && !res.redirected) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put(url.pathname, copy));
          }
          return res;
        })
        .catch(async () => (await caches.match(url.pathname)) || offlinePage())
    );
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/vendor/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(
      caches.match(req).then(
        (hit) =>
          hit ||
          fetch(req).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              caches.open(CACHE).then((c) => c.put(req, copy));
            }
            return res;
          })
      )
    );
  }
});

// A tap on "Rest is over" brings the session back (the open tab, or a new one).
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/session";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((clients) => {
      const open = clients.find((c) => new URL(c.url).pathname === url);
      return open ? open.focus() : self.clients.openWindow(url);
    })
  );
});
