"""Store: the embedded SQLite database (default)."""

from kroniek.store.sqlite import EventFilter, Store

__all__ = ["EventFilter", "Store"]
