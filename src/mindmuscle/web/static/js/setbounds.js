// The limits of a set, read from the API's own OpenAPI schema (POST /api/sets), so the page
// checks each field with the same bounds the server applies before anything is sent. The
// schema is kept on the phone, so the checks work offline too.

const KEY = "mm.setBounds";
// Used only before the schema has ever been read (first visit with no network).
const FALLBACK = {
  reps: { min: 0, max: 200, required: true },
  load_kg: { min: 0, max: 1000, required: false },
  target_rating: { min: 0, max: 10, required: true },
  focus_rating: { min: 0, max: 10, required: false },
  reps_in_reserve: { min: 0, max: 10, required: false },
};

function resolve(schema, root) {
  let s = schema || {};
  for (let i = 0; i < 10 && s.$ref; i++) {
    const name = s.$ref.split("/").pop();
    s = (root.components && root.components.schemas && root.components.schemas[name]) || {};
  }
  return s;
}

// The numeric limits of one property, looking through `anyOf` (an optional number is
// `anyOf: [{type: number, minimum, maximum}, {type: null}]`).
function limits(prop, root) {
  const out = {};
  const parts = [prop, ...((prop && prop.anyOf) || []), ...((prop && prop.allOf) || [])].map((p) => resolve(p, root));
  for (const p of parts) {
    if (p.minimum !== undefined) out.min = p.minimum;
    if (p.exclusiveMinimum !== undefined) {
      out.min = p.exclusiveMinimum;
      out.exclusiveMin = true;
    }
    if (p.maximum !== undefined) out.max = p.maximum;
    if (p.exclusiveMaximum !== undefined) {
      out.max = p.exclusiveMaximum;
      out.exclusiveMax = true;
    }
  }
  return out;
}

function objectOf(prop, root) {
  const parts = [prop, ...((prop && prop.anyOf) || []), ...((prop && prop.allOf) || [])].map((p) => resolve(p, root));
  return parts.find((p) => p.properties) || null;
}

// Exported for the tests' sake: the bounds of a set from an OpenAPI document.
export function boundsFromOpenApi(doc) {
  const op = doc.paths && doc.paths["/api/sets"] && doc.paths["/api/sets"].post;
  const body = op && op.requestBody && op.requestBody.content["application/json"].schema;
  const set = resolve(body, doc);
  if (!set.properties) return null;
  const out = {};
  const take = (obj, name, key = name) => {
    if (!obj || !obj.properties || !(name in obj.properties)) return;
    out[key] = { ...limits(obj.properties[name], doc), required: (obj.required || []).includes(name) };
  };
  take(set, "reps");
  take(set, "load_kg");
  take(set, "rir", "reps_in_reserve");
  take(set, "reps_in_reserve");
  take(set, "target_rating");
  take(set, "focus_rating");
  const refl = set.properties.reflection ? objectOf(set.properties.reflection, doc) : null;
  take(refl, "target_rating");
  take(refl, "focus_rating");
  take(refl, "reps_in_reserve");
  out.reflectionRequired = (set.required || []).includes("reflection");
  return out;
}

let cached = null;

export async function setBounds() {
  if (cached) return cached;
  try {
    const res = await fetch("/api/openapi.json", { credentials: "same-origin" });
    if (res.ok) {
      const b = boundsFromOpenApi(await res.json());
      if (b) {
        localStorage.setItem(KEY, JSON.stringify(b));
        cached = { ...FALLBACK, ...b };
        return cached;
      }
    }
  } catch {
    /* offline: the copy kept on the phone */
  }
  try {
    cached = { ...FALLBACK, ...JSON.parse(localStorage.getItem(KEY) || "{}") };
  } catch {
    cached = { ...FALLBACK };
  }
  return cached;
}

// A number as a lifter types it: "12.5" or "12,5" (the decimal comma many phones' keypads
// give); null when empty; NaN for anything else, which checkField refuses in words. A field
// read with this is type="text": a number field drops a comma it does not expect, and "12,5"
// would be stored as 125.
export function decimal(text) {
  const t = String(text ?? "").trim();
  if (t === "") return null;
  return /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(t) ? Number(t.replace(",", ".")) : NaN;
}

// One field's check in plain words; null when the value is allowed.
// `value` is a number, NaN (typed but not a number) or null (empty); `shown` converts a kg
// bound to what the lifter reads.
export function checkField(bounds, key, value, { label, shown = (x) => `${x}`, integer = false } = {}) {
  const b = bounds[key] || {};
  if (Number.isNaN(value)) return `${label} must be a number, such as 12.5 or 12,5.`;
  if (value === null || value === undefined) {
    return b.required ? `${label} is needed.` : null;
  }
  if (integer && !Number.isInteger(value)) return `${label} must be a whole number; ${value} was given.`;
  if (b.min !== undefined && (b.exclusiveMin ? value <= b.min : value < b.min)) {
    return `${label} ${shown(value)} is too low: it must be ${b.exclusiveMin ? "more than" : "at least"} ${shown(b.min)}.`;
  }
  if (b.max !== undefined && (b.exclusiveMax ? value >= b.max : value > b.max)) {
    return `${label} ${shown(value)} is too high: it can be at most ${shown(b.max)}.`;
  }
  return null;
}
