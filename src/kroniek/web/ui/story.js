// Stories: articles about the same news. The list of stories, and one story's view: its articles and its
// timeline, the real events in time order, each with the articles reporting it and the numbers each gives.

import { h, safeLink } from "./dom.js";
import { eventColour } from "./colours.js";
import { numbers, numbersText } from "./event.js";

const plural = (n, one, many = one + "s") => `${n} ${n === 1 ? one : many}`;

function span(first, last) {
  if (!first && !last) return "undated";
  return first === last || !last ? first : `${first ?? "…"} – ${last}`;
}

function where(row) {
  return row.place ? row.place + (row.country ? ` (${row.country})` : "") : null;
}

function storyFacts(story) {
  return [span(story.first_seen, story.last_seen), plural(story.documents, "article"), plural(story.events, "event"), where(story)];
}

/** One story in the list of stories. */
export function storyItem(story, { onOpen, active }) {
  return h(
    "li",
    { className: "story" + (active ? " active" : ""), dataset: { id: story.id }, onclick: () => onOpen(story.id), tabIndex: 0 },
    h("span", { className: "title" }, story.label ?? "(untitled)"),
    h("span", { className: "meta" }, storyFacts(story).filter(Boolean).join(" · ")),
  );
}

/** The places of the events shown, each with the articles and events there (a story's places on the map). */
export function placesOfEvents(events) {
  const places = new Map();
  for (const e of events) {
    if (e.lat === null || e.lon === null || !e.place) continue;
    const key = `${e.place}|${e.lat.toFixed(3)},${e.lon.toFixed(3)}`;
    const place = places.get(key) ?? { name: e.place, country: e.country, lat: e.lat, lon: e.lon, docs: new Set(), events: 0 };
    place.docs.add(e.doc_id);
    place.events += 1;
    places.set(key, place);
  }
  return [...places.values()].map(({ docs, ...place }) => ({ ...place, documents: docs.size }));
}

/** The histogram's article bars counted over the story's articles only (/histogram counts every article). */
export function histogramOfStory(histogram, articles) {
  const bins = histogram.bins.map((bin) => ({
    ...bin,
    documents: articles.filter((a) => a.published && bin.start <= a.published && a.published <= bin.end).length,
  }));
  return { ...histogram, bins: bins.filter((bin) => bin.events || bin.documents) };
}

/** The analyses the timeline's sources come from, by document id: fetched at most `most` of them. */
export async function sourceDocuments(timeline, fetchDocument, most = 50) {
  const ids = [...new Set(timeline.flatMap((event) => event.sources.map((s) => s.doc_id)))].slice(0, most);
  const docs = await Promise.all(ids.map((id) => fetchDocument(id).catch(() => null)));
  return new Map(ids.map((id, i) => [id, docs[i]]).filter(([, doc]) => doc));
}

function when(event) {
  if (event.timex) return event.timex;
  return event.event_date ? `${event.event_date} (the article's date)` : "undated";
}

function sourceItem(source, docs, onOpenEvent) {
  const doc = docs.get(source.doc_id);
  const reported = doc && (doc.events ?? []).find((v) => v.id === source.local_id);
  const said = reported ? numbersText(numbers(doc, reported)) : "";
  const open = (click) => {
    click.stopPropagation();
    onOpenEvent(source.doc_id, source.local_id);
  };
  return h(
    "li",
    { className: "source", dataset: { doc: source.doc_id, id: source.local_id, language: source.language ?? "" }, onclick: open, tabIndex: 0 },
    h("span", { className: "title" }, source.title ?? "(untitled)"),
    h("span", { className: "meta" }, [source.source, source.published ?? "undated", source.language, source.certainty].filter(Boolean).join(" · "), " ", source.url ? safeLink(source.url, "link") : null),
    said ? h("span", { className: "numbers" }, "numbers: ", said) : null,
  );
}

function timelineItem(event, docs, onOpenEvent) {
  // The event row speaks for its first report: open that report's event panel.
  const first = event.sources.find((s) => s.doc_id === event.doc_id) ?? event.sources[0];
  const facts = [plural(event.reports, "report"), event.fatalities !== null ? plural(event.fatalities, "fatality", "fatalities") : null, event.certainty];
  return h(
    "li",
    { className: "story-event", dataset: { id: event.event_id }, onclick: () => first && onOpenEvent(first.doc_id, first.local_id), tabIndex: 0 },
    h("span", { className: "when" }, when(event)),
    h("span", { className: "what" }, h("span", { className: "type-chip", style: { background: eventColour(event.event_type) } }, event.event_type), event.sub_event_type ? ` ${event.sub_event_type}` : "", event.location ? ` · ${event.location}${event.country_code ? " (" + event.country_code + ")" : ""}` : ""),
    event.notes ? h("span", { className: "notes" }, event.notes) : null,
    h("span", { className: "meta" }, facts.filter(Boolean).join(" · ")),
    h("ul", { className: "sources" }, event.sources.map((source) => sourceItem(source, docs, onOpenEvent))),
  );
}

/** One story: what it is, its articles, and its timeline. `page` is /stories/{id}/timeline's first page. */
export function storyView(story, page, docs, { onOpenEvent, onOpenArticle }) {
  const articles = story.articles ?? [];
  return h(
    "section",
    { className: "story-view", id: "story-view", dataset: { id: story.id } },
    h("h2", { id: "story-title" }, story.label ?? "(untitled)"),
    h("p", { className: "meta" }, storyFacts(story).filter(Boolean).join(" · ")),
    h(
      "details",
      { className: "story-articles", open: articles.length <= 8 },
      h("summary", {}, `Articles (${articles.length})`),
      h(
        "ul",
        { id: "story-articles" },
        articles.map((a) =>
          h(
            "li",
            { dataset: { id: a.id, language: a.language ?? "" }, onclick: () => onOpenArticle(a.id), tabIndex: 0 },
            h("span", { className: "title" }, a.title ?? "(untitled)"),
            h("span", { className: "meta" }, [a.source, a.published ?? "undated", a.language].filter(Boolean).join(" · ")),
          ),
        ),
      ),
    ),
    h("h3", {}, `Timeline (${plural(page.items.length, "event")}${page.next ? ", the first only" : ""})`),
    page.items.length
      ? h("ol", { id: "story-timeline" }, page.items.map((event) => timelineItem(event, docs, onOpenEvent)))
      : h("p", { className: "hint" }, "No events found in these articles."),
  );
}
