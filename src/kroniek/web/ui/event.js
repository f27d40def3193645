// The event panel: what happened, who, where, when, how many, and who says so.

import { h, safeLink } from "./dom.js";
import { eventColour } from "./colours.js";
import { sourceName } from "./article.js";

function entityNames(doc, ids) {
  return ids.map((id) => sourceName(doc, id)).join("; ");
}

/** The numbers of an event: quantities attached to it, else those in its sentence. */
export function numbers(doc, event) {
  const byId = new Map((doc.quantities ?? []).map((q) => [q.id, q]));
  const attached = (event.quantities ?? []).map((id) => byId.get(id)).filter(Boolean);
  if (attached.length) return attached;
  const sentence = (doc.sentences ?? []).find((s) => s.start <= event.trigger.start && event.trigger.end <= s.end);
  return sentence ? (doc.quantities ?? []).filter((q) => q.start >= sentence.start && q.end <= sentence.end) : [];
}

/** Numbers as the article words them: “ruim 100.000” (people). */
export function numbersText(quantities) {
  return quantities.map((q) => `“${q.text}”${q.counts ? " (" + q.counts + ")" : ""}`).join("; ");
}

function row(label, ...value) {
  const shown = value.filter((v) => v !== null && v !== undefined && v !== "");
  return shown.length ? h("tr", {}, h("th", {}, label), h("td", {}, ...shown)) : null;
}

/** `row` is the event as /events lists it; `doc` its document (the full event and its context). */
export function eventPanel(row_, doc, { onOpenArticle }) {
  const event = (doc.events ?? []).find((v) => v.id === row_.id) ?? {};
  const claim = (doc.claims ?? []).find((c) => c.id === row_.claim_id);
  const place = (doc.places ?? []).find((p) => p.id === row_.place_id);
  const quantities = numbers(doc, { ...event, trigger: event.trigger ?? { start: row_.trigger_start, end: row_.trigger_end } });
  const where = place
    ? `${place.name}${place.country ? " (" + place.country + ")" : ""}${place.lat !== null ? ` · ${place.lat.toFixed(3)}, ${place.lon.toFixed(3)}` : ""}`
    : row_.place;
  return h(
    "section",
    { className: "event-panel", id: "event-panel", dataset: { id: row_.id, doc: row_.doc_id } },
    h("h2", {}, h("span", { className: "type-chip", style: { background: eventColour(row_.type) } }, row_.type), " ", `“${row_.trigger}”`),
    event.summary ? h("p", { className: "summary" }, event.summary) : null,
    h(
      "table",
      { className: "fields" },
      row("type", [row_.type, event.mode].filter(Boolean).join(" · ")),
      row("actors", row_.actors ?? (event.actor_mentions ?? []).map((m) => m.text).join("; ")),
      row("targets", row_.targets ?? (event.target_mentions ?? []).map((m) => m.text).join("; ")),
      row("place", where),
      row("time", row_.time, row_.time_inferred ? " (the article's date: the text gives no time)" : ""),
      row("numbers", numbersText(quantities)),
      row("fatalities", event.fatalities),
      row("negated", event.negated ? "yes: the text says it did not happen" : null),
      row("modality", event.modality),
      row("certainty", claim ? `${claim.certainty} (“${claim.cue}”)` : row_.certainty ?? "asserted (no attribution found)"),
      row("said by", claim?.source ? sourceName(doc, claim.source) : null, claim?.via ? ` via ${sourceName(doc, claim.via)}` : null),
      row("reports", String(row_.reports ?? 1)),
      row("source", [doc.document.title ?? "(untitled)", doc.document.published, doc.document.source].filter(Boolean).join(" · "), " ", doc.document.url ? safeLink(doc.document.url, "link") : null),
      row("involves", entityNames(doc, [...(event.actors ?? []), ...(event.targets ?? [])])),
    ),
    h("button", { type: "button", id: "open-article", onclick: () => onOpenArticle(row_.doc_id) }, "Open the article"),
  );
}
