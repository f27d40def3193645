"""Events in brief, for a map and long lists: the filters and order of Store.event_page, a few columns, one query.

Store.event_page reads a page's sort keys first and then 25 columns for those rows; at 10,000 rows a page
(what the web UI's map asks for) that second read is most of its time. Here the few columns a map and a
list show come with the keys, in one query whose correlated lookup (the actors) runs for the page's rows
only. Portable SQL, as in kroniek.store.store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kroniek.store.queries import EventQuery, Page
from kroniek.store.store import (
    _EVENT_SORT_TIME,
    Store,
    _all,
    _event_clauses,
    _event_joins,
    _event_query_clauses,
    _fetch_page,
    _role_names,
)

# The columns of a brief event row, in order.
BRIEF_COLUMNS = ("doc_id", "id", "type", "trigger", "time", "place", "country", "lat", "lon", "actors", "certainty")


def brief_event_page(store: Store, query: EventQuery, after: Sequence[Any] | None = None) -> Page:
    """The rows of `store.event_page(query, after)` with BRIEF_COLUMNS only; the same sort key and next key."""
    clauses, params = _event_clauses(query, store.longest_event_days())
    more, more_params = _event_query_clauses(query, store.dialect)
    sql = (
        "SELECT v.doc_id, v.id, v.type, v.trigger, COALESCE(v.time, d.published) AS time, p.name AS place,"
        f" p.country, p.lat, p.lon, {_role_names(store.dialect, 'actor')} AS actors, c.certainty,"
        f" {_EVENT_SORT_TIME} AS _k0, v.doc_id AS _k1, v.trigger_start AS _k2, v.id AS _k3"
        f" {_event_joins(query)} WHERE {_all(clauses + more)}"
    )
    return _fetch_page(store.conn, sql, [*params, *more_params], 4, after, query.limit)
