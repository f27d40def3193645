"""Store: the embedded SQLite database (default) or a PostgreSQL server, behind one Store class."""

from kroniek.store.queries import DocumentQuery, EntityQuery, EventFilter, EventQuery, Page, PlaceQuery
from kroniek.store.store import Store

__all__ = ["DocumentQuery", "EntityQuery", "EventFilter", "EventQuery", "Page", "PlaceQuery", "Store"]
