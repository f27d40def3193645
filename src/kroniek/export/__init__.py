"""Events out of the store: one row per real event (ACLED's column names), in files and timelines."""

from kroniek.export.rows import COLUMN_NAMES, COLUMNS, EventRows, export_rows
from kroniek.export.timeline import Timeline, timeline
from kroniek.export.writers import ExportFormat, Written, write

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "EventRows",
    "ExportFormat",
    "Timeline",
    "Written",
    "export_rows",
    "timeline",
    "write",
]
