// The article view: the text with every finding highlighted, a legend to switch kinds on and off,
// and the findings listed. All text goes through text nodes (see dom.js): article text is data, never markup.

import { clear, h, safeLink } from "./dom.js";

const ENTITY_TYPES = ["PER", "ORG", "LOC", "MISC"];
export const KINDS = {
  PER: "person",
  ORG: "organisation",
  LOC: "location (name)",
  MISC: "other name",
  place: "place (geocoded)",
  time: "time",
  quantity: "quantity",
  claim: "claim",
  event: "event trigger",
};
// Kinds drawn as a background: of several covering one stretch, the innermost visible one shows.
const BACKGROUND = new Set([...ENTITY_TYPES, "time", "quantity"]);

function entityKind(type) {
  const main = String(type || "").slice(0, 4).toUpperCase();
  return ENTITY_TYPES.find((t) => main.startsWith(t)) ?? "MISC";
}

function describeQuantity(q) {
  const parts = [q.approximation !== "exact" ? q.approximation.replace("_", " ") : null, q.value, q.unit];
  return parts.filter((p) => p !== null && p !== undefined).join(" ") + (q.counts ? ` (${q.counts})` : "");
}

/** Every highlighted stretch of the document: {start, end, kind, label}. */
export function annotations(doc) {
  const found = [];
  const add = (start, end, kind, label) => {
    if (Number.isInteger(start) && Number.isInteger(end) && end > start) found.push({ start, end, kind, label });
  };
  for (const e of doc.entities ?? []) {
    for (const m of e.mentions) add(m.start, m.end, entityKind(e.type), `${e.type}: ${e.name}`);
  }
  for (const p of doc.places ?? []) {
    const where = p.lat !== null && p.lon !== null ? ` ${p.lat.toFixed(2)}, ${p.lon.toFixed(2)}` : "";
    for (const m of p.mentions) add(m.start, m.end, "place", `place: ${p.name}${p.country ? " (" + p.country + ")" : ""}${where}`);
  }
  for (const t of doc.times ?? []) add(t.start, t.end, "time", `${t.type}: ${t.value ?? "unresolved"}`);
  for (const q of doc.quantities ?? []) add(q.start, q.end, "quantity", `quantity: ${describeQuantity(q)}`);
  for (const c of doc.claims ?? []) {
    add(c.start, c.end, "claim", `claim (${c.certainty})${c.source ? ", source " + sourceName(doc, c.source) : ""}: "${c.cue}"`);
  }
  for (const v of doc.events ?? []) add(v.trigger.start, v.trigger.end, "event", `event: ${v.type}`);
  return found;
}

export function sourceName(doc, source) {
  return (doc.entities ?? []).find((e) => e.id === source)?.name ?? source;
}

/** Cut the text at every annotation boundary; each piece knows which annotations cover it. */
export function pieces(text, found) {
  const cuts = new Set([0, text.length]);
  for (const a of found) {
    cuts.add(Math.min(a.start, text.length));
    cuts.add(Math.min(a.end, text.length));
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const result = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [start, end] = [sorted[i], sorted[i + 1]];
    result.push({ start, end, covering: found.filter((a) => a.start <= start && a.end >= end) });
  }
  return result;
}

function renderText(container, text, found, hidden, onPick) {
  clear(container);
  for (const piece of pieces(text, found)) {
    const chunk = text.slice(piece.start, piece.end);
    const visible = piece.covering.filter((a) => !hidden.has(a.kind));
    if (!visible.length) {
      container.append(document.createTextNode(chunk));
      continue;
    }
    const inner = visible.filter((a) => BACKGROUND.has(a.kind)).sort((a, b) => a.end - a.start - (b.end - b.start))[0];
    const classes = ["hl", ...new Set(visible.filter((a) => !BACKGROUND.has(a.kind)).map((a) => "k-" + a.kind))];
    if (inner) classes.push("k-" + inner.kind);
    const labels = visible.map((a) => a.label);
    container.append(h("span", { className: classes.join(" "), title: labels.join("\n"), onclick: () => onPick(labels) }, chunk));
  }
}

function legend(found, hidden, onToggle) {
  const counts = new Map();
  for (const a of found) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  return h(
    "div",
    { className: "legend", id: "article-legend" },
    Object.entries(KINDS).map(([kind, name]) =>
      h(
        "label",
        { className: "legend-item" + (counts.has(kind) ? "" : " empty"), title: `${counts.get(kind) ?? 0} highlighted` },
        h("input", { type: "checkbox", checked: !hidden.has(kind), onchange: (e) => onToggle(kind, !e.target.checked) }),
        h("span", { className: "swatch k-" + kind }, "Ab"),
        ` ${name} (${counts.get(kind) ?? 0})`,
      ),
    ),
  );
}

function findings(doc) {
  const rows = [
    ["Entities", (doc.entities ?? []).map((e) => `${e.name} · ${e.type} · ${e.mentions.length}×`)],
    ["Places", (doc.places ?? []).map((p) => `${p.name}${p.country ? " (" + p.country + ")" : ""}${p.lat !== null ? ` · ${p.lat.toFixed(2)}, ${p.lon.toFixed(2)}` : ""}`)],
    ["Times", (doc.times ?? []).map((t) => `“${t.text}” → ${t.value ?? "?"} (${t.type})`)],
    ["Quantities", (doc.quantities ?? []).map((q) => `“${q.text}” → ${describeQuantity(q)}`)],
    ["Events", (doc.events ?? []).map((v) => `${v.type}: “${v.trigger.text}”${v.time ? " · " + v.time : ""}`)],
    ["Claims", (doc.claims ?? []).map((c) => `${c.certainty}: “${c.cue}”${c.source ? " · " + sourceName(doc, c.source) : ""}`)],
    ["Warnings", doc.warnings ?? []],
  ].filter(([, items]) => items.length);
  return h(
    "div",
    { className: "findings" },
    rows.map(([title, items]) => h("details", { open: items.length <= 12 }, h("summary", {}, `${title} (${items.length})`), h("ul", {}, items.map((item) => h("li", {}, item))))),
  );
}

/** The whole view for one analysed document (stored or just analysed). */
export function articleView(doc, { note } = {}) {
  const info = doc.document;
  const found = annotations(doc);
  const hidden = new Set();
  const picked = h("div", { className: "picked", id: "article-picked" }, "Click a highlight to see what was found there.");
  const text = h("div", { className: "article-text", id: "article-text", lang: info.language ?? "" });
  const pick = (labels) => clear(picked).append(...labels.map((label) => h("div", {}, label)));
  const redraw = () => renderText(text, info.text, found, hidden, pick);
  const toggle = (kind, hide) => {
    hide ? hidden.add(kind) : hidden.delete(kind);
    redraw();
  };
  redraw();
  const meta = [info.published ?? "undated", info.language ?? "language unknown", info.source, `id ${info.id.slice(0, 12)}`];
  return h(
    "article",
    { className: "article", id: "article-view", dataset: { id: info.id } },
    note ? h("p", { className: "note" }, note) : null,
    h("h2", { id: "article-title" }, info.title ?? "(untitled)"),
    h("p", { className: "meta" }, meta.filter(Boolean).join(" · "), " ", info.url ? safeLink(info.url, "source") : null),
    legend(found, hidden, toggle),
    picked,
    text,
    findings(doc),
  );
}
