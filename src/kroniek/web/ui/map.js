// The map: country shapes shipped with the package (Natural Earth via world-atlas), no tile server.
// Events are circles coloured by type and sized by reports; places mentioned in articles are outlined circles.

import * as L from "leaflet/dist/leaflet-src.esm.js";
import { h } from "./dom.js";
import { eventColour, PLACE_COLOUR } from "./colours.js";

const radius = (n) => 4 + 3 * Math.sqrt(n);

/** Events at the same spot and of the same type make one marker, sized by the articles reporting them. */
function groupEvents(events) {
  const groups = new Map();
  for (const e of events) {
    if (e.lat === null || e.lon === null) continue;
    const key = `${e.lat.toFixed(3)},${e.lon.toFixed(3)},${e.type}`;
    const group = groups.get(key) ?? { lat: e.lat, lon: e.lon, type: e.type, place: e.place, events: [], reports: 0, real: new Set() };
    group.events.push(e);
    // Each row is one report; its `reports` count its real event's reports: count a real event once.
    if (!e.event_id || !group.real.has(e.event_id)) group.reports += e.reports ?? 1;
    if (e.event_id) group.real.add(e.event_id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function createMap(element, { onPlace, onEvents }) {
  const renderer = L.canvas({ padding: 0.5, tolerance: 4 });
  const map = L.map(element, { preferCanvas: true, renderer, worldCopyJump: true, minZoom: 1, maxZoom: 13, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Countries: Natural Earth");
  map.setView([25, 20], 2);
  // Countries get their own pane and canvas beneath the markers, whenever their shapes arrive.
  map.createPane("countries").style.zIndex = 250;
  const countryRenderer = L.canvas({ pane: "countries", padding: 0.5 });
  const countries = L.layerGroup().addTo(map);
  const placeLayer = L.layerGroup().addTo(map);
  const eventLayer = L.layerGroup().addTo(map);
  L.control.layers(null, { "Places mentioned": placeLayer, Events: eventLayer }, { collapsed: false }).addTo(map);

  fetch("/static/countries.geojson")
    .then((response) => response.json())
    .then((shapes) => {
      L.geoJSON(shapes, { renderer: countryRenderer, pane: "countries", interactive: false, style: { color: "#9aa7b0", weight: 0.7, fillColor: "#f3f1ea", fillOpacity: 1 } }).addTo(countries);
      element.dataset.countries = String(shapes.features.length);
    });

  function update(events, places, { fit }) {
    placeLayer.clearLayers();
    eventLayer.clearLayers();
    const located = places.filter((p) => p.lat !== null && p.lon !== null);
    for (const p of located) {
      const marker = L.circleMarker([p.lat, p.lon], { renderer, radius: radius(p.documents), color: PLACE_COLOUR, weight: 2, fillColor: "#ffffff", fillOpacity: 0.6 });
      marker.bindTooltip(h("span", {}, `${p.name}${p.country ? " (" + p.country + ")" : ""}: ${p.documents} article(s), ${p.events} event(s)`));
      marker.on("click", () => onPlace(p));
      marker.addTo(placeLayer);
    }
    const groups = groupEvents(events);
    for (const g of groups) {
      const colour = eventColour(g.type);
      const marker = L.circleMarker([g.lat, g.lon], { renderer, radius: radius(g.reports), color: "#222", weight: 0.8, fillColor: colour, fillOpacity: 0.85 });
      marker.bindTooltip(h("span", {}, `${g.type} at ${g.place ?? "?"}: ${g.reports} report(s)`));
      marker.on("click", () => onEvents(g.events));
      marker.addTo(eventLayer);
    }
    element.dataset.places = String(located.length);
    element.dataset.events = String(groups.length);
    // Frame the events when there are any; the places mentioned otherwise.
    const points = groups.length ? groups.map((g) => [g.lat, g.lon]) : located.map((p) => [p.lat, p.lon]);
    if (fit && points.length) map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 5 });
  }

  return { update, invalidate: () => map.invalidateSize() };
}
