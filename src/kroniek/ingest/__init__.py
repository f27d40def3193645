"""Ingest: files, HTML pages, JSON Lines and folders to articles with a publication date."""

from kroniek.ingest.dates import parse_date
from kroniek.ingest.readers import Article, ReadResult, read_paths

__all__ = ["Article", "ReadResult", "parse_date", "read_paths"]
