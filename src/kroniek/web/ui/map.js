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

/** The bounds of points with lat and lon: the events when there are any, the places mentioned otherwise. */
function bounds(points) {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  return L.latLngBounds([Math.min(...lats), Math.min(...lons)], [Math.max(...lats), Math.max(...lons)]);
}

/** A tooltip over whichever marker of `layer` the pointer is on, its text `describe(marker)`. */
function describeOnHover(map, layer, describe) {
  const tooltip = L.tooltip();
  layer.on("mouseover", (e) => map.openTooltip(tooltip.setContent(h("span", {}, describe(e.propagatedFrom))), e.propagatedFrom.getLatLng()));
  layer.on("mouseout", () => map.closeTooltip(tooltip));
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
  // One handler and one tooltip per layer, made on hover: thousands of markers get neither an object nor a
  // listener of their own (the first render with 10,000 events spent most of its map time on them).
  const placeLayer = L.featureGroup().addTo(map);
  const eventLayer = L.featureGroup().addTo(map);
  placeLayer.on("click", (e) => onPlace(e.propagatedFrom.place));
  eventLayer.on("click", (e) => onEvents(e.propagatedFrom.group.events));
  describeOnHover(map, placeLayer, ({ place: p }) => `${p.name}${p.country ? " (" + p.country + ")" : ""}: ${p.documents} article(s), ${p.events} event(s)`);
  describeOnHover(map, eventLayer, ({ group: g }) => `${g.type} at ${g.place ?? "?"}: ${g.reports} report(s)`);
  L.control.layers(null, { "Places mentioned": placeLayer, Events: eventLayer }, { collapsed: false }).addTo(map);

  const countriesShown = fetch("/static/countries.geojson")
    .then((response) => response.json())
    .then((shapes) => {
      L.geoJSON(shapes, { renderer: countryRenderer, pane: "countries", interactive: false, style: { color: "#9aa7b0", weight: 0.7, fillColor: "#f3f1ea", fillOpacity: 1 } }).addTo(countries);
      element.dataset.countries = String(shapes.features.length);
    });

  function update(events, places, { fit }) {
    placeLayer.clearLayers();
    eventLayer.clearLayers();
    const located = places.filter((p) => p.lat !== null && p.lon !== null);
    const groups = groupEvents(events);
    map.invalidateSize(); // the page around the map may have changed its size (the timeline's bars)
    // Framed before the markers are added, without animation: each marker is then placed once, not twice.
    const points = groups.length ? groups : located;
    if (fit && points.length) map.fitBounds(bounds(points).pad(0.3), { maxZoom: 5, animate: false });
    for (const p of located) {
      const marker = L.circleMarker([p.lat, p.lon], { renderer, radius: radius(p.documents), color: PLACE_COLOUR, weight: 2, fillColor: "#ffffff", fillOpacity: 0.6 });
      marker.place = p;
      placeLayer.addLayer(marker);
    }
    for (const g of groups) {
      const marker = L.circleMarker([g.lat, g.lon], { renderer, radius: radius(g.reports), color: "#222", weight: 0.8, fillColor: eventColour(g.type), fillOpacity: 0.85 });
      marker.group = g;
      eventLayer.addLayer(marker);
    }
    element.dataset.places = String(located.length);
    element.dataset.events = String(groups.length);
  }

  /** Resolves once the countries and the markers added so far are drawn: Leaflet draws its canvases in the next
   * animation frame, before a callback asked for after it. */
  const drawn = () => countriesShown.then(() => new Promise((resolve) => requestAnimationFrame(resolve)));

  return { update, drawn, invalidate: () => map.invalidateSize() };
}
