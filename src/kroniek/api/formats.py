"""One listing, three formats (JSON page, CSV, GeoJSON), and the opaque cursor that pages through it."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, Literal

from fastapi import Request, Response

from kroniek.api.errors import ApiError
from kroniek.cli.output import to_csv
from kroniek.store.queries import Page

Format = Literal["json", "csv", "geojson"]
Geometry = Callable[[dict[str, Any]], dict[str, Any] | None]

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}
FORMAT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/geo+json": {"schema": {"type": "object", "description": "a GeoJSON FeatureCollection"}},
        },
        "description": "a page of the listing: JSON, or CSV or GeoJSON with ?format=; the next page is in the"
        " Link header",
    }
}


def encode_cursor(listing: str, key: Sequence[Any]) -> str:
    raw = json.dumps([listing, *key], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str | None) -> list[Any] | None:
    """The sort key a cursor carries; a cursor from another listing or a mangled one is bad input."""
    if cursor is None:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        value = None
    if not isinstance(value, list) or len(value) < 2 or value[0] != listing:
        raise ApiError(422, f"invalid cursor for /{listing}: pass the 'next' value of the previous page unchanged")
    return value[1:]


def point(row: dict[str, Any]) -> dict[str, Any] | None:
    if row.get("lat") is None or row.get("lon") is None:
        return None
    return {"type": "Point", "coordinates": [row["lon"], row["lat"]]}


def no_geometry(row: dict[str, Any]) -> None:
    return None


def respond(
    request: Request,
    response: Response,
    listing: str,
    page: Page,
    format: Format,
    columns: Sequence[str],
    geometry: Geometry = no_geometry,
) -> dict[str, Any] | Response:
    """A JSON page (validated by the route's model), or CSV or GeoJSON; all carry the next page in `Link`."""
    cursor = encode_cursor(listing, page.next_key) if page.next_key is not None else None
    headers = {"Link": f'<{request.url.include_query_params(cursor=cursor)}>; rel="next"'} if cursor else {}
    if format == "json":
        response.headers.update(headers)
        return {"items": page.rows, "next": cursor}
    if format == "csv":
        body = to_csv(page.rows, columns)
    else:
        body = json.dumps(feature_collection(page.rows, geometry), ensure_ascii=False)
    return Response(body, media_type=MEDIA_TYPES[format], headers=headers)


def feature_collection(rows: Sequence[dict[str, Any]], geometry: Geometry) -> dict[str, Any]:
    """RFC 7946: a row without coordinates is an unlocated feature (geometry null), not dropped."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": geometry(row),
                "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
            }
            for row in rows
        ],
    }
