// Colours shared by the map, the lists, the timeline and the legends.

// PLOVER event types first; any other type gets a stable colour from its name.
const EVENT_TYPES = {
  ASSAULT: "#d62728",
  COERCE: "#ff7f0e",
  THREATEN: "#e377c2",
  PROTEST: "#9467bd",
  MOBILIZE: "#8c564b",
  SANCTION: "#bcbd22",
  ACCUSE: "#f7b6d2",
  REJECT: "#7f7f7f",
  REQUEST: "#17becf",
  AID: "#2ca02c",
  COOPERATE: "#98df8a",
  AGREE: "#1f77b4",
  CONSULT: "#aec7e8",
  SUPPORT: "#c5b0d5",
  CONCEDE: "#c49c94",
  RETREAT: "#dbdb8d",
  OTHER: "#555555",
};

export function eventColour(type) {
  const main = String(type || "OTHER").split(/[.:/]/)[0].toUpperCase();
  if (EVENT_TYPES[main]) return EVENT_TYPES[main];
  let hash = 0;
  for (const char of main) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360}, 55%, 45%)`;
}

export const PLACE_COLOUR = "#2b6f8e";
