"""GET /events/brief (the web UI's map and lists) against a real server over the linked examples, on each backend:
the same events, order, values and pages as /events, with fewer columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kroniek.api import create_app
from kroniek.api.server import running
from tests.conftest import BACKENDS
from tests.linked_examples import linked_database


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(linked_database(request, tmp_path_factory))
    with running(app) as base:
        yield base
    app.state.backend.close()


def get(server: str, path: str, **params: Any) -> Any:
    response = httpx.get(server + path, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def brief_rows(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(zip(page["columns"], row, strict=True)) for row in page["rows"]]


@pytest.mark.parametrize("filters", [{}, {"place": "Mosul"}, {"type": "ASSAULT"}, {"since": "2017-06-20"}])
def test_brief_rows_are_the_events_rows_with_fewer_columns(server: str, filters: dict[str, str]) -> None:
    full = get(server, "/events", limit=1000, **filters)["items"]
    brief = get(server, "/events/brief", limit=1000, **filters)
    assert full, f"the examples have events under {filters}"
    assert {"doc_id", "id", "type", "lat", "lon", "place", "reports", "event_id"} <= set(brief["columns"])
    assert brief_rows(brief) == [{column: row[column] for column in brief["columns"]} for row in full]
    assert any(row["reports"] > 1 for row in brief_rows(get(server, "/events/brief", limit=1000))), "linked reports"


def test_brief_pages_follow_the_cursor_as_events_pages_do(server: str) -> None:
    everything = [(row["doc_id"], row["id"]) for row in get(server, "/events", limit=1000)["items"]]
    seen: list[tuple[str, str]] = []
    cursor = None
    while True:
        page = get(server, "/events/brief", limit=3, **({"cursor": cursor} if cursor else {}))
        seen += [(row["doc_id"], row["id"]) for row in brief_rows(page)]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == everything and len(everything) > 3


def test_brief_rejects_what_events_rejects(server: str) -> None:
    assert httpx.get(server + "/events/brief", params={"bbox": "1,2,3"}, timeout=30).status_code == 422
    assert httpx.get(server + "/events/brief", params={"cursor": "bm9wZQ"}, timeout=30).status_code == 422
    assert httpx.get(server + "/events/brief", params={"limit": 10_001}, timeout=30).status_code == 422
