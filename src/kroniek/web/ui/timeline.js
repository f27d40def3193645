// The timeline: events and articles per day, month or year, with a brush to pick a time range.
// Drag across the bars to select; click a bar to select its bin.

import { clear } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const DAY = 86400000;
const HEIGHT = 110;
const AXIS = 18;

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

const time = (iso) => Date.parse(iso + "T00:00:00Z");
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The first and last day of the bin a day falls in. */
function snap(ms, bucket) {
  const d = new Date(ms);
  const [y, m] = [d.getUTCFullYear(), d.getUTCMonth()];
  if (bucket === "year") return [Date.UTC(y, 0, 1), Date.UTC(y, 11, 31)];
  if (bucket === "month") return [Date.UTC(y, m, 1), Date.UTC(y, m + 1, 0)];
  const day = Date.UTC(y, m, d.getUTCDate());
  return [day, day];
}

function ticks(from, to) {
  const years = (to - from) / (365.25 * DAY);
  const result = [];
  const start = new Date(from);
  if (years > 2) {
    const step = Math.ceil(years / 8);
    for (let y = start.getUTCFullYear(); Date.UTC(y, 0, 1) <= to; y += step) result.push([Date.UTC(y, 0, 1), String(y)]);
  } else {
    const months = Math.max(1, Math.round((years * 12) / 8));
    for (let t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1); t <= to; ) {
      const d = new Date(t);
      result.push([t, d.toISOString().slice(0, 7)]);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
    }
  }
  return result.filter(([t]) => t >= from);
}

export function createTimeline(element, { onBrush }) {
  let current = null;

  function render(histogram, since, until) {
    current = { histogram, since, until };
    clear(element);
    const width = Math.max(element.clientWidth, 200);
    const root = svg("svg", { width, height: HEIGHT, role: "img", "aria-label": "events and articles over time" });
    element.append(root);
    const bins = histogram.bins;
    if (!bins.length) {
      root.append(svg("text", { x: 10, y: HEIGHT / 2, class: "empty" }, "Nothing dated to show."));
      return;
    }
    const starts = bins.map((b) => time(b.start));
    const ends = bins.map((b) => time(b.end) + DAY);
    const from = Math.min(...starts);
    const to = Math.max(...ends);
    const pad = (to - from) * 0.03 || DAY;
    const x = (t) => ((t - from + pad) / (to - from + 2 * pad)) * width;
    const toTime = (px) => from - pad + (px / width) * (to - from + 2 * pad);
    const top = Math.max(...bins.map((b) => Math.max(b.events, b.documents)), 1);
    const y = (n) => (HEIGHT - AXIS) * (1 - n / top);
    for (const b of bins) {
      const [x0, x1] = [x(time(b.start)), x(time(b.end) + DAY)];
      const w = Math.max(x1 - x0 - 1, 2);
      const label = `${b.start}${b.end !== b.start ? " – " + b.end : ""}: ${b.events} event(s), ${b.documents} article(s)`;
      const bar = svg("g", { class: "bin", "data-start": b.start, "data-end": b.end });
      bar.append(svg("title", {}, label));
      bar.append(svg("rect", { class: "documents", x: x0, y: y(b.documents), width: w, height: HEIGHT - AXIS - y(b.documents) }));
      if (b.events) bar.append(svg("rect", { class: "events", x: x0 + w * 0.2, y: y(b.events), width: Math.max(w * 0.6, 1), height: HEIGHT - AXIS - y(b.events) }));
      root.append(bar);
    }
    for (const [t, text] of ticks(from, to)) {
      root.append(svg("line", { class: "tick", x1: x(t), x2: x(t), y1: HEIGHT - AXIS, y2: HEIGHT - AXIS + 4 }));
      root.append(svg("text", { class: "tick-label", x: x(t) + 2, y: HEIGHT - 4 }, text));
    }
    const selection = svg("rect", { class: "brush", x: 0, y: 0, width: 0, height: HEIGHT - AXIS, visibility: "hidden" });
    root.append(selection);
    if (since || until) {
      const [a, b] = [x(since ? time(since) : from - pad), x(until ? time(until) + DAY : to + pad)];
      Object.entries({ x: a, width: Math.max(b - a, 2), visibility: "visible" }).forEach(([k, v]) => selection.setAttribute(k, v));
    }
    brush(root, selection, (px0, px1) => {
      const [lo, hi] = [Math.min(px0, px1), Math.max(px0, px1)];
      const first = snap(toTime(lo), histogram.bucket)[0];
      const last = snap(hi - lo < 3 ? toTime(lo) : toTime(hi), histogram.bucket)[1];
      onBrush(iso(first), iso(last));
    });
  }

  function brush(root, selection, done) {
    let start = null;
    const px = (event) => event.clientX - root.getBoundingClientRect().left;
    root.addEventListener("pointerdown", (event) => {
      start = px(event);
      root.setPointerCapture(event.pointerId);
      Object.entries({ x: start, width: 1, visibility: "visible" }).forEach(([k, v]) => selection.setAttribute(k, v));
    });
    root.addEventListener("pointermove", (event) => {
      if (start === null) return;
      const now = px(event);
      selection.setAttribute("x", Math.min(start, now));
      selection.setAttribute("width", Math.abs(now - start));
    });
    root.addEventListener("pointerup", (event) => {
      if (start === null) return;
      const end = px(event);
      const from = start;
      start = null;
      done(from, end);
    });
  }

  window.addEventListener("resize", () => current && render(current.histogram, current.since, current.until));
  return { render };
}
