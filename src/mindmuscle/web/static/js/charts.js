// Small SVG charts for Progress: a line (with points) or bars over weeks, with a readable date
// axis (day and month, never rotated) and nice round value ticks. A few kilobytes instead of a
// general chart library: these three charts need nothing more.

const NS = "http://www.w3.org/2000/svg";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function node(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// Round tick values covering [lo, hi]: 1, 2 or 5 times a power of ten apart.
export function niceTicks(lo, hi, count = 4) {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toFixed(10));
  if (ticks[ticks.length - 1] < hi) ticks.push(+(ticks[ticks.length - 1] + step).toFixed(10));
  return ticks;
}

export function dateLabel(iso, withYear = false) {
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${MONTHS[m - 1]}${withYear ? ` ${String(y).slice(2)}` : ""}`;
}

// points: [{x: "YYYY-MM-DD", y: number|null}]; kind: "line" | "bar".
export function drawChart(root, { title, points, kind = "line", colour = "#ff7a1a", yMin = null, yMax = null, unit = "" }) {
  const W = 360;
  const H = 220;
  const m = { l: 44, r: 12, t: 28, b: 28 };
  const shown = points.filter((p) => p.y !== null && p.y !== undefined);
  const svg = node("svg", { viewBox: `0 0 ${W} ${H}`, class: "svgchart", role: "img" });
  const last = shown[shown.length - 1];
  svg.setAttribute("aria-label", `${title}: ${shown.length} weeks${last ? `, latest ${dateLabel(last.x, true)}: ${last.y}${unit ? ` ${unit}` : ""}` : ""}.`);
  svg.append(node("text", { x: 0, y: 16, class: "ctitle" }, title));
  if (!shown.length) {
    svg.append(node("text", { x: W / 2, y: H / 2, class: "cempty", "text-anchor": "middle" }, "No data yet"));
    root.replaceChildren(svg);
    return svg;
  }
  const ys = shown.map((p) => p.y);
  const lo = yMin ?? (kind === "bar" ? 0 : Math.min(...ys));
  const hi = yMax ?? Math.max(...ys);
  const ticks = niceTicks(lo === hi ? lo - 1 : lo, lo === hi ? hi + 1 : hi);
  const y0 = ticks[0];
  const y1 = ticks[ticks.length - 1];
  const n = points.length;
  const band = (W - m.l - m.r) / Math.max(1, n);
  const X = (i) => (kind === "bar" ? m.l + band * (i + 0.5) : m.l + (n === 1 ? (W - m.l - m.r) / 2 : ((W - m.l - m.r) * i) / (n - 1)));
  const Y = (v) => m.t + (H - m.t - m.b) * (1 - (v - y0) / (y1 - y0 || 1));
  for (const t of ticks) {
    svg.append(node("line", { x1: m.l, x2: W - m.r, y1: Y(t), y2: Y(t), class: "cgrid" }));
    svg.append(node("text", { x: m.l - 6, y: Y(t) + 4, "text-anchor": "end", class: "ctick" }, Math.abs(t) >= 1000 ? `${+(t / 1000).toFixed(1)}k` : `${t}`));
  }
  // At most five date labels, evenly spread, the year shown when the data spans more than one.
  const spansYears = points[0].x.slice(0, 4) !== points[n - 1].x.slice(0, 4);
  const every = Math.max(1, Math.ceil(n / 5));
  for (let i = 0; i < n; i += every) {
    svg.append(node("text", { x: X(i), y: H - 8, "text-anchor": i === 0 && kind !== "bar" && n > 1 ? "start" : "middle", class: "ctick" }, dateLabel(points[i].x, spansYears)));
  }
  if (kind === "bar") {
    points.forEach((p, i) => {
      if (p.y === null || p.y === undefined) return;
      const w = Math.max(2, band * 0.7);
      svg.append(node("rect", { x: X(i) - w / 2, y: Y(p.y), width: w, height: Math.max(0, Y(y0) - Y(p.y)), fill: colour, rx: 2 }, undefined));
    });
  } else {
    const d = points.map((p, i) => (p.y === null || p.y === undefined ? null : `${X(i).toFixed(1)},${Y(p.y).toFixed(1)}`)).filter(Boolean);
    svg.append(node("polyline", { points: d.join(" "), fill: "none", stroke: colour, "stroke-width": 3, "stroke-linejoin": "round" }));
    points.forEach((p, i) => {
      if (p.y === null || p.y === undefined) return;
      const c = node("circle", { cx: X(i), cy: Y(p.y), r: 3.5, fill: colour });
      c.append(node("title", {}, `${dateLabel(p.x, true)}: ${p.y}${unit ? ` ${unit}` : ""}`));
      svg.append(c);
    });
  }
  root.replaceChildren(svg);
  return svg;
}
