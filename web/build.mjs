// Builds kroniek's web UI into the Python package: src/kroniek/web/ui -> src/kroniek/web/static.
// Run through src/kroniek/web/build.sh (which runs `npm ci` first); the output is committed, so users need no Node.js.

import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const ui = join(here, "..", "src", "kroniek", "web", "ui");
const out = join(here, "..", "src", "kroniek", "web", "static");
const modules = join(here, "node_modules");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await esbuild.build({
  entryPoints: { app: join(ui, "main.js"), "app-style": join(ui, "style.css") },
  bundle: true,
  minify: process.env.KRONIEK_UNMINIFIED !== "1", // =1 keeps names readable in a profile (not to commit)
  format: "iife",
  target: ["chrome110", "firefox110", "safari16"],
  nodePaths: [modules],
  loader: { ".png": "dataurl", ".svg": "dataurl" },
  legalComments: "eof",
  outdir: out,
  logLevel: "warning",
});
// esbuild names the CSS bundle after its entry; the page asks for app.css.
await copyFile(join(out, "app-style.css"), join(out, "app.css"));
await rm(join(out, "app-style.css"));
await copyFile(join(ui, "index.html"), join(out, "index.html"));

// Country shapes: Natural Earth 1:110m (public domain) from world-atlas, TopoJSON -> GeoJSON, 2 decimals.
const topology = JSON.parse(await readFile(join(modules, "world-atlas", "countries-110m.json"), "utf8"));
const countries = feature(topology, topology.objects.countries);
// A flat map cannot draw rings cut at the antimeridian: Antarctica goes (no news happens at the pole's edge)
// and rings that wrap (Russia's far east, Fiji) continue past 180°E instead of jumping back to 180°W.
countries.features = countries.features.filter((country) => country.properties.name !== "Antarctica");
for (const country of countries.features) {
  const polygons = country.geometry.type === "Polygon" ? [country.geometry.coordinates] : country.geometry.coordinates;
  for (const ring of polygons.flat()) {
    const lons = ring.map(([lon]) => lon);
    if (Math.max(...lons) - Math.min(...lons) > 180) for (const point of ring) if (point[0] < 0) point[0] += 360;
  }
}
const rounded = JSON.stringify(countries, (key, value) => (typeof value === "number" ? Math.round(value * 100) / 100 : value));
await writeFile(join(out, "countries.geojson"), rounded);

const licences = [
  "Third-party material in these built files",
  "",
  "app.js, app.css: Leaflet 1.9.4, BSD-2-Clause, (c) 2010-2023 Volodymyr Agafonkin, (c) 2010-2011 CloudMade.",
  "countries.geojson: Natural Earth 1:110m admin 0 countries, public domain (naturalearthdata.com),",
  "  via the world-atlas package (ISC licence, Mike Bostock), converted with topojson-client (ISC).",
  "",
  "--- Leaflet licence ---",
  await readFile(join(modules, "leaflet", "LICENSE"), "utf8"),
];
await writeFile(join(out, "LICENSES.txt"), licences.join("\n"));
console.log("web UI built into", out);
