// Phone features: screen wake lock, vibration, speech, and motion recording with the iOS
// permission prompt. Each one degrades quietly where the browser does not have it.

let wakeLock = null;

export async function keepAwake(on) {
  try {
    if (on && "wakeLock" in navigator && !wakeLock) {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => (wakeLock = null));
    } else if (!on && wakeLock) {
      await wakeLock.release();
      wakeLock = null;
    }
  } catch {
    wakeLock = null; // not allowed (no secure context, battery saver): the set still runs
  }
  return !!wakeLock;
}

// A wake lock is dropped when the page is hidden; take it again when it comes back.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && document.body.dataset.awake === "1") keepAwake(true);
});

// The lifter's phone preferences (Settings): every page asks here before it makes a sound,
// vibrates or speaks.
export const PREF_DEFAULTS = { sound: true, vibrate: true, voice: true, eyesClosed: false };

export function prefs() {
  try {
    return { ...PREF_DEFAULTS, ...JSON.parse(localStorage.getItem("mm.prefs") || "{}") };
  } catch {
    return { ...PREF_DEFAULTS };
  }
}

export function savePref(key, value) {
  const p = prefs();
  p[key] = value;
  localStorage.setItem("mm.prefs", JSON.stringify(p));
}

// A notification when rest ends: the one thing that still sounds and vibrates after a reload
// (browsers hold back audio and navigator.vibrate until the lifter taps) or with the page in the
// background. Shown by the service worker where there is one (phones allow nothing else), with
// the vibration pattern; asked for once, from a tap (Settings or the first rest).
export function notificationState() {
  return "Notification" in window ? Notification.permission : "unsupported";
}

export async function askNotifications() {
  if (!("Notification" in window)) return "unsupported";
  savePref("notifyAsked", true);
  if (Notification.permission !== "default") return Notification.permission;
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

export async function notify(title, { body = "", tag = "mm", pattern = [200, 100, 200] } = {}) {
  if (notificationState() !== "granted") return false;
  const p = prefs();
  // The Notification API refuses a silent notification that vibrates: silent only when both
  // sound and vibration are off in Settings.
  const options = { body, tag, renotify: true, icon: "/static/img/icon.svg", data: { url: "/session" } };
  if (p.vibrate) options.vibrate = pattern;
  else if (!p.sound) options.silent = true;
  try {
    const reg = "serviceWorker" in navigator ? await navigator.serviceWorker.getRegistration() : null;
    if (reg) {
      await reg.showNotification(title, options);
      return true;
    }
  } catch {
    /* no service worker (plain HTTP on a LAN address): a page notification instead */
  }
  try {
    new Notification(title, options);
    return true;
  } catch {
    return false;
  }
}

export function vibrate(pattern) {
  if (navigator.vibrate && prefs().vibrate) navigator.vibrate(pattern);
}

export function speak(text, { rate = 0.95 } = {}) {
  if (!("speechSynthesis" in window) || !text || !prefs().voice) return;
  try {
    speechSynthesis.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.rate = rate;
    speechSynthesis.speak(u);
  } catch {
    /* no voice installed */
  }
}

export function stopSpeaking() {
  if ("speechSynthesis" in window) speechSynthesis.cancel();
}

// Motion: iOS asks for permission (from a tap); other browsers just send events.
export async function requestMotionPermission() {
  const DME = window.DeviceMotionEvent;
  if (!DME) return "unsupported";
  if (typeof DME.requestPermission === "function") {
    try {
      return await DME.requestPermission(); // "granted" | "denied"
    } catch {
      return "denied";
    }
  }
  return "granted";
}

export class MotionRecorder {
  constructor() {
    this.samples = [];
    this.t0 = 0;
    this.handler = (e) => this._on(e);
    this.recording = false;
    this.onSample = null; // (t_s, ax, ay, az) for a live count
  }

  start() {
    this.samples = [];
    this.t0 = performance.now();
    this.recording = true;
    window.addEventListener("devicemotion", this.handler);
  }

  stop() {
    window.removeEventListener("devicemotion", this.handler);
    this.recording = false;
    return this.payload();
  }

  _on(e) {
    const a = e.accelerationIncludingGravity || e.acceleration;
    // A desktop browser may fire devicemotion with empty axes: that is no motion data.
    if (!a || ![a.x, a.y, a.z].every((v) => typeof v === "number" && Number.isFinite(v))) return;
    const r = e.rotationRate || {};
    const t = (e.timeStamp || performance.now()) - this.t0;
    this.samples.push([
      Math.round(t * 10) / 10,
      a.x ?? 0,
      a.y ?? 0,
      a.z ?? 0,
      r.alpha ?? null,
      r.beta ?? null,
      r.gamma ?? null,
    ]);
    if (this.samples.length > 60000) this.samples.shift(); // ten minutes at 100 Hz is plenty
    if (this.onSample) this.onSample(t / 1000, a.x ?? 0, a.y ?? 0, a.z ?? 0);
  }

  // The JSON of mindmuscle.io.motion.recording_from_payload: one list per channel.
  payload() {
    if (this.samples.length < 2) return null;
    const col = (i) => this.samples.map((r) => r[i]);
    const out = { t_ms: col(0), ax: col(1), ay: col(2), az: col(3), units: "ms2" };
    if (this.samples.every((r) => r[4] !== null && r[5] !== null && r[6] !== null)) {
      // rotationRate: alpha about z, beta about x, gamma about y.
      Object.assign(out, { gx: col(5), gy: col(6), gz: col(4), rotation_units: "deg_s" });
    }
    return out;
  }
}
