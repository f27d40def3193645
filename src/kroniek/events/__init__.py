"""Events: who did what to whom, where, when and how many (PLOVER types, OTHER outside them)."""

from kroniek.events.stage import EventFinder, make_event_finder

__all__ = ["EventFinder", "make_event_finder"]
