// The HTTP API, as the UI uses it. Errors come back as {error: {code, message}}.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(path, options = {}) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, ...options });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error ?? { code: "http_" + response.status, message: response.statusText };
    throw new ApiError(response.status, error.code, error.message);
  }
  return body;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text ? "?" + text : "";
}

export const api = {
  documents: (filters, limit = 500) => call("/documents" + query({ ...filters, limit })),
  document: (id) => call("/documents/" + encodeURIComponent(id)),
  events: (filters, limit = 10000) => call("/events" + query({ ...filters, limit })),
  /** The events as /events lists them, with a few of its columns (map, lists): a fifth of the bytes. */
  briefEvents: async (filters, limit = 10000) => {
    const page = await call("/events/brief" + query({ ...filters, limit }));
    return { items: page.rows.map((row) => Object.fromEntries(page.columns.map((column, i) => [column, row[i]]))), next: page.next };
  },
  places: (filters, limit = 5000) => call("/places" + query({ ...filters, limit })),
  histogram: (filters) => call("/histogram" + query(filters)),
  stories: (filters, limit = 500) => call("/stories" + query({ ...filters, limit })),
  story: (id) => call("/stories/" + encodeURIComponent(id)),
  storyTimeline: (id, limit = 1000) => call(`/stories/${encodeURIComponent(id)}/timeline` + query({ limit })),
  analyse: (body) =>
    call("/analyse", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }),
};
