// Sets the server refused stay on the phone as "needs fixing", with the server's message, until
// the lifter fixes them (sent again) or discards them on purpose.

import { kgFrom, massIn } from "./api.js";
import { discard, enqueue, flush, pending, replaceStored } from "./outbox.js";
import { checkField, decimal, setBounds } from "./setbounds.js";

const DAY_MS = 24 * 3600 * 1000; // a set may be dated at most a day ahead (the API's limit)

// The API names a refused value by its field; the lifter reads what the set page calls it.
const FIELD_WORDS = {
  performed_at: "Date and time",
  reps: "Reps",
  load_kg: "Load (kg)",
  set_index: "Set number",
  "reflection.target_rating": "The target rating",
  "reflection.reps_in_reserve": "Reps in reserve",
  "reflection.focus_rating": "The focus rating",
};

// Why the server refused an outbox item, in the set page's words: each refused field by the
// name the lifter knows ("Date and time", not performed_at), else the server's message.
export function refusalText(item) {
  const details = (item && item.details) || [];
  const worded = details.filter((d) => d && d.field && d.allowed && FIELD_WORDS[d.field]);
  if (!worded.length || worded.length !== details.length) return (item && item.message) || "";
  return worded
    .map((d) => {
      const given = d.given === undefined ? "" : ` ${String(d.given).replace(/^'(.*)'$/, "$1")}`;
      return `${FIELD_WORDS[d.field]}${given} is not allowed: ${d.allowed}.`;
    })
    .join(" ");
}

// True when the server refused the item for its date and time.
export function refusedForDate(item) {
  return ((item && item.details) || []).some((d) => d && d.field === "performed_at");
}

// A date and time as a datetime-local field holds it: the phone's local time, to the minute.
export function localInput(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// The page's own check of a set's date and time, with the API's limit; null when it may be sent.
export function checkWhen(value) {
  if (!value) return "Date and time are needed: pick when you did the set.";
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return `Date and time ${value} is not a date: pick when you did the set.`;
  const latest = new Date(Date.now() + DAY_MS);
  if (t > latest.getTime()) return `Date and time must be at most a day ahead of now (up to ${latest.toLocaleString()}).`;
  return null;
}

function whenField(id, iso) {
  const input = el("input", { type: "datetime-local", id, value: localInput(iso) });
  const msg = el("p", { className: "field-error", id: `${id}-msg`, hidden: true });
  msg.setAttribute("role", "alert");
  input.setAttribute("aria-describedby", msg.id);
  return { wrap: el("div", {}, el("label", { htmlFor: id, textContent: "Date and time" }), input, msg), input, msg };
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

function field(label, id, value, { step = "1", inputmode = "numeric" } = {}) {
  // A decimal field is text (see decimal()): a number field would drop a decimal comma.
  const type = inputmode === "decimal" ? "text" : "number";
  const input = el("input", { type, id, value: value === null || value === undefined ? "" : String(value), step });
  input.setAttribute("inputmode", inputmode);
  const msg = el("p", { className: "field-error", id: `${id}-msg`, hidden: true });
  msg.setAttribute("role", "alert");
  input.setAttribute("aria-describedby", msg.id);
  return { wrap: el("div", {}, el("label", { htmlFor: id, textContent: label }), input, msg), input, msg };
}

function setForm(item, bounds, onDone) {
  const b = item.body;
  const units = (b.prescription && b.prescription.units) || "kg";
  // To 0.01, as the set page shows it: 21.25 kg stays 21.25, 10 kg is 22.05 lb.
  const toShown = (kg) => (kg === null || kg === undefined ? null : massIn(kg, units));
  const r = b.reflection || {};
  const reps = field("Reps", `fix-reps-${item.id}`, b.reps);
  const load = field(`Load (${units})`, `fix-load-${item.id}`, toShown(b.load_kg), { step: "any", inputmode: "decimal" });
  const target = field("Target muscle felt (0-10, empty = skipped)", `fix-target-${item.id}`, r.target_rating);
  const rir = field("Reps in reserve (empty = not given)", `fix-rir-${item.id}`, r.reps_in_reserve);
  const when = whenField(`fix-when-${item.id}`, b.performed_at || new Date(item.queuedAt).toISOString());
  const whenShown = when.input.value;
  const num = (f) => (f.input.value.trim() === "" ? null : Number(f.input.value));
  const send = el("button", { type: "button", className: "primary grow", textContent: "Send again" });
  // Its workout was deleted (on another device): the set goes into a workout of its own day.
  const own = el("button", { type: "button", className: "big primary", textContent: "Save into a workout of its day" });
  own.hidden = item.conflict !== "workout_deleted";
  // Saved first from another tab or device with other answers: these go in their place.
  const replace = el("button", { type: "button", className: "big primary", textContent: "Put these in its place" });
  replace.hidden = item.conflict !== "already_stored";
  const replaceMsg = el("p", { className: "field-error", hidden: true });
  replaceMsg.setAttribute("role", "alert");
  // Sent again as it is, a set in conflict would be refused again: its reason says what to do.
  send.hidden = !!item.conflict;
  const drop = el("button", { type: "button", className: "grow", textContent: "Discard this set" });
  // The set as the lifter fixed it, checked with the API's bounds, sent again (with `over`).
  const sendFixed = async (over, inPlace = false) => {
    const loadShown = decimal(load.input.value);
    // A load left as shown is the load stored on the phone, exactly: only what the lifter
    // changes is converted again.
    const loadKg = kgFrom(loadShown, units, [b.load_kg]);
    const kgShown = (x) => `${toShown(x)} ${units}`;
    const checks = [
      [reps, checkField(bounds, "reps", num(reps), { label: "Reps", integer: true })],
      [load, checkField(bounds, "load_kg", loadKg, { label: "Load", shown: kgShown })],
      [target, checkField(bounds, "target_rating", num(target), { label: "The target rating", integer: true })],
      [rir, checkField(bounds, "reps_in_reserve", num(rir), { label: "Reps in reserve", integer: true })],
      [when, when.input.value === whenShown && !refusedForDate(item) ? null : checkWhen(when.input.value)],
    ];
    let ok = true;
    for (const [f, m] of checks) {
      f.msg.textContent = m || "";
      f.msg.hidden = !m;
      f.input.setAttribute("aria-invalid", String(!!m));
      if (m) ok = false;
    }
    if (!ok) return;
    const reflection = { ...r, target_rating: num(target), reps_in_reserve: num(rir) };
    if (reflection.target_rating === null) delete reflection.target_rating;
    const body = { ...b, reps: num(reps), load_kg: loadKg === null ? null : Math.round(loadKg * 1000) / 1000, reflection };
    // A date left as shown is the one stored on the phone, to the millisecond.
    if (when.input.value !== whenShown) body.performed_at = new Date(when.input.value).toISOString();
    if (inPlace) {
      try {
        await replaceStored(item.id, body);
      } catch (ex) {
        replaceMsg.textContent = ex.status ? `Not saved: ${ex.message}` : "Not saved: this needs the network; try again in a moment.";
        replaceMsg.hidden = false;
        return;
      }
      return onDone();
    }
    await enqueue(item.id, item.url, { ...body, ...over });
    await flush({ force: true });
    onDone();
  };
  send.addEventListener("click", () => sendFixed({}));
  replace.addEventListener("click", () => sendFixed({}, true));
  own.addEventListener("click", () => sendFixed({ session_id: null }));
  drop.addEventListener("click", async () => {
    if (!confirm("Discard this set? It will not be stored.")) return;
    await discard(item.id);
    onDone();
  });
  const at = new Date(b.performed_at || item.queuedAt).toLocaleString();
  const name = (b.prescription && b.prescription.name) || "A set";
  return el(
    "div",
    { className: "card fix-item" },
    el("h3", { textContent: `${name} · ${at}` }),
    el("p", { className: "error-text", textContent: refusalText(item) }),
    when.wrap,
    reps.wrap,
    load.wrap,
    target.wrap,
    rir.wrap,
    own,
    replace,
    replaceMsg,
    el("div", { className: "row", style: "margin-top:12px" }, drop, send),
  );
}

function otherForm(item, onDone) {
  const retry = el("button", { type: "button", className: "primary grow", textContent: "Try again" });
  const drop = el("button", { type: "button", className: "grow", textContent: "Discard" });
  retry.addEventListener("click", async () => {
    await enqueue(item.id, item.url, item.body);
    await flush({ force: true });
    onDone();
  });
  drop.addEventListener("click", async () => {
    if (!confirm("Discard this? It will not be sent.")) return;
    await discard(item.id);
    onDone();
  });
  return el("div", { className: "card fix-item" }, el("p", { className: "error-text", textContent: refusalText(item) }), el("div", { className: "row" }, drop, retry));
}

export async function openFixing() {
  let dialog = document.getElementById("fixing");
  if (!dialog) {
    dialog = el("dialog", { id: "fixing", className: "sheet" });
    dialog.setAttribute("aria-labelledby", "fixing-title");
    document.body.append(dialog);
  }
  const bounds = await setBounds();
  const fill = async () => {
    const items = await pending();
    const refused = items.filter((i) => i.status === "refused");
    const waiting = items.length - refused.length;
    const close = el("button", { type: "button", textContent: "Close" });
    close.addEventListener("click", () => dialog.close());
    const list = refused.map((i) => (i.url === "/api/sets" ? setForm(i, bounds, fill) : otherForm(i, fill)));
    const intro = refused.length
      ? "The server refused these. Fix them and send again, or discard them: nothing else happens to them until you do."
      : "Nothing needs fixing.";
    const more = waiting ? ` ${waiting} more ${waiting === 1 ? "is" : "are"} waiting for the network and will be sent by themselves.` : "";
    dialog.replaceChildren(
      el("div", { className: "row" }, el("h2", { id: "fixing-title", className: "grow", textContent: "Sets to sync" }), close),
      el("p", { className: "muted", textContent: intro + more }),
      ...list,
    );
  };
  await fill();
  if (!dialog.open) dialog.showModal();
}
