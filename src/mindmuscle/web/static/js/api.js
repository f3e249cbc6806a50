// JSON API helper: same-origin fetch with the CSRF token and readable errors.

export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)mm_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export async function ensureCsrf() {
  if (!csrfToken()) {
    await fetch("/api/csrf", { credentials: "same-origin" });
  }
  return csrfToken();
}

export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") {
    headers["X-CSRF-Token"] = await ensureCsrf();
  }
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    signal,
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith("/api/login")) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
    }
    throw new ApiError(res.status, (data && data.message) || res.statusText, data);
  }
  return data;
}

/** A count with its noun in agreement: counted(1, "set") is "1 set", counted(2, "set") "2 sets". */
export function counted(n, noun, plural) {
  return `${n} ${n === 1 ? noun : plural || noun + "s"}`;
}

/**
 * A felt rating as every page shows it: feltText(9) is "felt 9/10". A rating is a whole number
 * (the set model's RATING), so a mean of ratings is rounded half up: feltText(7.5) is
 * "felt 8/10" (as mindmuscle.coach.limits.felt_text in the terminal). Never an activation.
 * A rating skipped on purpose (null) is "not rated", in the same words as the terminal.
 */
export function feltText(rating) {
  if (rating === null || rating === undefined) return "not rated";
  return `felt ${Math.floor(rating + 0.5)}/10`;
}

export function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function toast(message, kind = "info") {
  let box = document.getElementById("toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "toast";
    box.setAttribute("role", "status");
    document.body.append(box);
  }
  box.textContent = message;
  box.dataset.kind = kind;
  box.classList.add("show");
  clearTimeout(box._t);
  box._t = setTimeout(() => box.classList.remove("show"), 3500);
}

// Loads: one rule on every page, the terminal's (mindmuscle.coach.loads.format_load). A load
// is stored in kg; in the lifter's unit it reads to 0.01 (27.56 lb, 22.05 lb, 21.25 kg), and
// a load typed in lb is stored as its exact kg (value x 0.45359237, as the terminal converts
// it, no rounding), so it reads back exactly as typed on every page and in the terminal.
export const KG_PER_LB = 0.45359237;

/** A load in kg as a number in ``unit`` (kg or lb), to 0.01. */
export function massIn(kg, unit) {
  return Math.round((unit === "lb" ? kg / KG_PER_LB : kg) * 100) / 100;
}

/**
 * A load typed in ``unit`` as kg. A value that is one of ``known`` loads (kg) as shown (the
 * set's own load, the plan's, the last set's) is that load exactly, so 22.05 lb left as shown
 * stays the plan's 10 kg; anything else is converted exactly.
 */
export function kgFrom(shown, unit, known = []) {
  if (shown === null || shown === undefined) return null;
  for (const kg of known) if (kg !== null && kg !== undefined && massIn(kg, unit) === shown) return kg;
  return unit === "lb" ? shown * KG_PER_LB : shown;
}

/** "27.56 lb", "10 kg", or "bodyweight": a stored load as the lifter reads it. */
export function fmtLoad(loadKg, units) {
  if (loadKg === null || loadKg === undefined) return "bodyweight";
  return `${massIn(loadKg, units)} ${units}`;
}
