// kroniek's web UI: filters in the URL, a map, a timeline, lists, stories, an event panel and an article view.

import { api } from "./api.js";
import { articleView } from "./article.js";
import { eventColour } from "./colours.js";
import { clear, debounce, h } from "./dom.js";
import { eventPanel } from "./event.js";
import { createMap } from "./map.js";
import { histogramOfStory, placesOfEvents, sourceDocuments, storyItem, storyView } from "./story.js";
import { createTimeline } from "./timeline.js";

const FILTERS = ["q", "since", "until", "place", "country", "bbox", "actor", "type", "certainty", "story"];
// What each list is asked for: /documents and /places know no event filters and no stories.
const NOT_FOR_ARTICLES = ["actor", "type", "certainty", "story"];
const VIEW = ["tab", "doc", "event"];
const LIST_LIMIT = 300; // rows drawn in a list; the map shows them all
const $ = (id) => document.getElementById(id);

let state = readUrl();
let loaded = { events: [], documents: [], places: [], stories: [] };
let map, timeline;
let rendered = false; // the first render is done (benchmarks/ui_render.py times it)

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  return Object.fromEntries([...FILTERS, ...VIEW].map((key) => [key, params.get(key) ?? ""]));
}

function writeUrl(push) {
  const params = new URLSearchParams();
  for (const key of [...FILTERS, ...VIEW]) if (state[key]) params.set(key, state[key]);
  const url = window.location.pathname + (params.size ? "?" + params : "");
  if (url !== window.location.pathname + window.location.search) history[push ? "pushState" : "replaceState"](null, "", url);
}

function filters(...without) {
  return Object.fromEntries(FILTERS.filter((key) => !without.includes(key)).map((key) => [key, state[key]]));
}

function status(text, error = false) {
  const el = $("status");
  el.textContent = text;
  el.className = error ? "error" : "";
}

/** Change filters: the URL follows, and everything on screen is loaded again. */
function setFilters(changes, { fit = false } = {}) {
  state = { ...state, ...changes };
  writeUrl(true);
  syncForm();
  refresh({ fit });
}

function syncForm() {
  for (const input of $("filters").elements) if (input.name) input.value = state[input.name] ?? "";
  $("range").textContent = state.since || state.until ? `${state.since || "…"} – ${state.until || "…"}` : "";
  $("range-clear").hidden = !(state.since || state.until);
}

async function refresh({ fit }) {
  status("loading…");
  try {
    const [events, histogram, stories, pages] = await Promise.all([
      api.briefEvents(filters()),
      api.histogram(filters("since", "until")),
      api.stories({ since: state.since, until: state.until }),
      state.story ? storyPages(state.story) : articlePages(),
    ]);
    const { documents, places } = state.story ? { ...pages, places: { items: placesOfEvents(events.items) } } : pages;
    loaded = { events: events.items, documents: documents.items, places: places.items, stories: stories.items };
    if (!state.tab) state.tab = events.items.length ? "events" : "documents";
    // The timeline first: its height takes from the map's, which the map must know before it frames the events.
    timed("timeline", () => timeline.render(state.story ? histogramOfStory(histogram, documents.items) : histogram, state.since, state.until));
    timed("map", () => map.update(events.items, places.items, { fit }));
    timed("lists", () => renderLists({ events, documents, places, stories }));
    await showDetail();
    if (!rendered) await markFirstRender();
  } catch (error) {
    status(error.message, true);
  }
}

/** Run `work` and, during the first render, keep its time as the performance measure kroniek:<name>. */
function timed(name, work) {
  const start = performance.now();
  const result = work();
  if (!rendered) performance.measure("kroniek:" + name, { start });
  return result;
}

/** The mark kroniek:first-render once the map has drawn its countries and markers (the rest is drawn by now). */
async function markFirstRender() {
  const start = performance.now();
  await map.drawn();
  rendered = true;
  performance.measure("kroniek:draw", { start });
  performance.mark("kroniek:first-render");
}

/** The articles and places under the filters. */
async function articlePages() {
  const [documents, places] = await Promise.all([
    api.documents(filters(...NOT_FOR_ARTICLES)),
    api.places({ ...filters(...NOT_FOR_ARTICLES, "place"), name: state.place }),
  ]);
  return { documents, places };
}

/** Under a story: its articles (the places come from its events). */
async function storyPages(id) {
  const story = await once("story:" + id, () => api.story(id));
  return { documents: { items: story.articles, next: null } };
}

function renderLists(pages) {
  for (const name of ["events", "documents", "places", "stories"]) {
    $("n-" + name).textContent = `(${pages[name].items.length}${pages[name].next ? "+" : ""})`;
  }
  for (const button of $("tabs").querySelectorAll("button")) button.classList.toggle("active", button.dataset.tab === state.tab);
  const list = clear($("list"));
  list.dataset.tab = state.tab;
  const items = { events: eventItem, documents: documentItem, places: placeItem, stories: storyRow }[state.tab];
  const rows = loaded[state.tab] ?? [];
  list.append(...rows.slice(0, LIST_LIMIT).map(items));
  if (rows.length > LIST_LIMIT) list.append(h("li", { className: "empty" }, `${rows.length - LIST_LIMIT} more: narrow the filters to see them`));
  if (!list.children.length) list.append(h("li", { className: "empty" }, emptyText()));
  const partial = Object.values(pages).some((page) => page.next);
  status(`${loaded.events.length} events · ${loaded.documents.length} articles · ${loaded.places.length} places${partial ? " (first pages only)" : ""}`);
}

function emptyText() {
  if (state.tab === "events" && loaded.documents.length) return "No events found in these articles yet.";
  if (state.tab === "stories") return "No stories in this range: `kroniek ingest` groups the articles it stores into stories.";
  return "Nothing matches these filters.";
}

function documentItem(doc) {
  return h(
    "li",
    { className: "doc", dataset: { id: doc.id }, onclick: () => openDocument(doc.id), tabIndex: 0 },
    h("span", { className: "title" }, doc.title ?? "(untitled)"),
    h("span", { className: "meta" }, [doc.published ?? "undated", doc.language, doc.places !== undefined && `${doc.places} places`, doc.events !== undefined && `${doc.events} events`].filter(Boolean).join(" · ")),
  );
}

function eventItem(event) {
  return h(
    "li",
    { className: "event", dataset: { id: event.id, doc: event.doc_id }, onclick: () => openEvent(event), tabIndex: 0 },
    h("span", { className: "type-chip", style: { background: eventColour(event.type) } }, event.type),
    " ",
    h("span", { className: "title" }, `“${event.trigger}”`),
    h("span", { className: "meta" }, [event.time, event.place, event.actors, event.certainty].filter(Boolean).join(" · ")),
  );
}

function placeItem(place) {
  return h(
    "li",
    { className: "place", onclick: () => setFilters({ place: place.name, tab: "documents" }), tabIndex: 0 },
    h("span", { className: "title" }, place.name + (place.country ? ` (${place.country})` : "")),
    h("span", { className: "meta" }, `${place.documents} article(s) · ${place.events} event(s)`),
  );
}

function storyRow(story) {
  return storyItem(story, { onOpen: openStory, active: story.id === state.story });
}

/** Choosing a story filters the map and the timeline to it and shows its timeline. */
function openStory(id) {
  setFilters({ story: id, doc: "", event: "" }, { fit: true });
}

function openDocument(id) {
  state = { ...state, doc: id, event: "" };
  writeUrl(true);
  showDetail();
}

function openEvent(event) {
  state = { ...state, event: `${event.doc_id}:${event.id}`, doc: "" };
  writeUrl(true);
  showDetail();
}

function showEvents(events) {
  if (events.length === 1) return openEvent(events[0]);
  showInDetail(h("section", {}, h("h2", {}, `${events.length} events here`), h("ul", { id: "list-here" }, events.map(eventItem))));
}

function showInDetail(node) {
  // Back from anything opened under a story goes to the story; from the story, to the lists.
  $("detail-close").textContent = state.story && node.id !== "story-view" ? "← back to the story" : "← back to the list";
  clear($("detail-body")).append(node);
  $("detail").hidden = false;
  $("lists").hidden = true;
  $("detail-body").scrollTop = 0;
}

function closeDetail() {
  $("detail").hidden = true;
  $("lists").hidden = false;
}

async function showDetail() {
  try {
    if (state.doc) {
      showInDetail(articleView(await api.document(state.doc)));
    } else if (state.event) {
      const [docId, eventId] = state.event.split(":");
      // The map's rows are brief: the panel shows the full row, read with its document's few others.
      const [doc, rows] = await Promise.all([api.document(docId), api.events({ doc: docId }, 1000)]);
      const row = rows.items.find((e) => e.doc_id === doc.document.id && e.id === eventId);
      if (!row) throw new Error(`no event ${eventId} in document ${docId.slice(0, 12)}`);
      showInDetail(eventPanel(row, doc, { onOpenArticle: openDocument }));
    } else if (state.story) {
      showInDetail(await loadStoryView(state.story));
    } else {
      closeDetail();
    }
  } catch (error) {
    status(error.message, true);
  }
}

const cache = new Map();

/** What `load` gives, asked for once per key (a failure is asked for again next time). */
function once(key, load) {
  if (!cache.has(key)) cache.set(key, load().catch((error) => (cache.delete(key), Promise.reject(error))));
  return cache.get(key);
}

/** The story's view: the story, its timeline and its sources' analyses, read once per story. */
async function loadStoryView(id) {
  const [story, page] = await Promise.all([once("story:" + id, () => api.story(id)), once("timeline:" + id, () => api.storyTimeline(id))]);
  const docs = await once("sources:" + id, () => sourceDocuments(page.items, api.document));
  const onOpenEvent = (docId, eventId) => openEvent({ doc_id: docId, id: eventId });
  return storyView(story, page, docs, { onOpenEvent, onOpenArticle: openDocument });
}

function setUpPaste() {
  const dialog = $("paste");
  $("paste-open").addEventListener("click", () => dialog.showModal());
  $("paste-form").addEventListener("submit", async (event) => {
    if (event.submitter?.value !== "analyse") return;
    event.preventDefault();
    $("paste-error").textContent = "";
    $("paste-analyse").disabled = true;
    try {
      const doc = await api.analyse({
        text: $("paste-text").value,
        published: $("paste-published").value || null,
        language: $("paste-language").value || null,
      });
      dialog.close();
      state = { ...state, doc: "", event: "" };
      writeUrl(true);
      showInDetail(articleView(doc, { note: "Analysed here and not stored." }));
    } catch (error) {
      $("paste-error").textContent = error.message;
    } finally {
      $("paste-analyse").disabled = false;
    }
  });
}

function setUpFilters() {
  const form = $("filters");
  const changed = debounce(() => {
    const values = Object.fromEntries([...form.elements].filter((el) => el.name).map((el) => [el.name, el.value.trim()]));
    setFilters(values);
  }, 400);
  form.addEventListener("input", changed);
  form.addEventListener("submit", (event) => event.preventDefault());
  $("reset").addEventListener("click", () => setFilters(Object.fromEntries(FILTERS.map((key) => [key, ""]))));
  $("range-clear").addEventListener("click", () => setFilters({ since: "", until: "" }));
  for (const button of $("tabs").querySelectorAll("button")) {
    button.addEventListener("click", () => {
      state.tab = button.dataset.tab;
      writeUrl(false);
      renderLists(Object.fromEntries(Object.entries(loaded).map(([name, items]) => [name, { items }])));
    });
  }
  $("detail-close").addEventListener("click", () => {
    if ($("story-view")) return setFilters({ story: "", tab: "stories" }, { fit: true });
    state = { ...state, doc: "", event: "" };
    writeUrl(true);
    showDetail();
  });
  window.addEventListener("popstate", () => {
    state = readUrl();
    syncForm();
    refresh({ fit: false });
  });
}

function start() {
  map = createMap($("map"), {
    onPlace: (place) => setFilters({ place: place.name, tab: "documents" }),
    onEvents: showEvents,
  });
  timeline = createTimeline($("timeline"), { onBrush: (since, until) => setFilters({ since, until }) });
  setUpFilters();
  setUpPaste();
  syncForm();
  refresh({ fit: true });
}

document.addEventListener("DOMContentLoaded", start);
