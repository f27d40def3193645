"""One connection interface over the two backends: SQLite (embedded, the default) and PostgreSQL.

The store and the registry write their SQL once, with `?` placeholders and the SQL that both engines
share; what differs (case-insensitive LIKE, string aggregation, a list of ids as one parameter,
full-text search, locking) is asked of the connection's `Dialect`. A database is named by a path or a
URL: `kroniek.db`, `sqlite:///kroniek.db`, `postgresql://user@host:5432/kroniek`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite:///"

# All writers that change cross-document state take this lock, so two processes never link at once.
LINK_LOCK = 0x6B726F6E  # "kron"


class Row(Protocol):
    def __getitem__(self, key: int | str) -> Any: ...
    def keys(self) -> Sequence[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


@dataclass(frozen=True)
class Dialect:
    name: str  # "sqlite" or "postgresql"
    like: str  # case-insensitive LIKE
    group_concat: str  # aggregate of strings with a separator, as a template: {expr}, {sep}

    def concat(self, expr: str, sep: str) -> str:
        return self.group_concat.format(expr=expr, sep=sep)

    def in_ids(self, column: str, ids: Sequence[int]) -> tuple[str, Any]:
        """`column` is one of `ids`, as SQL with one parameter and its value (any number of ids)."""
        if self.name == "postgresql":
            return f"{column} = ANY(?)", list(ids)
        return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(ids))

    def fts(self, documents: str) -> str:
        """Documents (alias `documents`) whose title or text match the one parameter `fts_query` made."""
        if self.name == "postgresql":
            return f"{documents}.fts @@ to_tsquery('simple', ?)"
        return f"{documents}.rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)"

    def fts_query(self, text: str) -> str:
        """Free text as a query where every word must occur and `word*` matches a prefix. No syntax leaks."""
        words = re.findall(r"(\w+)(\*?)", text)
        if self.name == "postgresql":
            return " & ".join(f"'{word.lower()}'{':*' if star else ''}" for word, star in words) or "''"
        return " ".join(f'"{word}"{star}' for word, star in words) or '""'


SQLITE = Dialect("sqlite", like="LIKE", group_concat="group_concat({expr}, '{sep}')")
POSTGRESQL = Dialect("postgresql", like="ILIKE", group_concat="string_agg({expr}, '{sep}')")


class Connection:
    """What the store needs of a database connection; autocommit unless inside `transaction()`."""

    dialect: Dialect
    location: str  # for messages: a path, or a URL without its password

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def script(self, sql: str) -> None:
        """Run several statements without parameters (a migration)."""
        raise NotImplementedError

    @contextmanager
    def transaction(self, lock: int | None = None) -> Iterator[Connection]:
        """BEGIN ... COMMIT, or ROLLBACK on any error. `lock`: also hold this lock until the end."""
        self.execute(self._begin)
        try:
            if lock is not None:
                self._lock(lock)
            yield self
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    _begin = "BEGIN"

    def _lock(self, key: int) -> None:
        pass

    def close(self) -> None:
        raise NotImplementedError


class SqliteConnection(Connection):
    dialect = SQLITE
    _begin = "BEGIN IMMEDIATE"  # takes the write lock at once: one writer at a time, across processes

    def __init__(self, path: Path) -> None:
        self.location = str(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.raw.row_factory = sqlite3.Row
        self.raw.execute("PRAGMA journal_mode=WAL")
        self.raw.execute("PRAGMA foreign_keys=ON")
        self.raw.execute("PRAGMA busy_timeout=10000")

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.raw.executemany(sql, rows)

    def script(self, sql: str) -> None:
        for statement in _sqlite_statements(sql):
            self.raw.execute(statement)

    def close(self) -> None:
        self.raw.close()


class PostgresConnection(Connection):
    dialect = POSTGRESQL

    def __init__(self, url: str) -> None:
        import psycopg  # only needed for this backend

        self.location = redact(url)
        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        return self.raw.execute(_pg_sql(sql, params), params or None)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(_pg_sql(sql, rows[0]), rows)

    def script(self, sql: str) -> None:
        self.raw.execute(sql.encode())  # no parameters: PostgreSQL takes many statements in one

    def _lock(self, key: int) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", (key,))

    def close(self) -> None:
        self.raw.close()


def connect(target: Path | str) -> Connection:
    """A connection to the database named by a path or a URL."""
    text = str(target)
    if text.startswith(POSTGRES_SCHEMES):
        return PostgresConnection(text)
    if text.startswith(SQLITE_SCHEME):
        text = text[len(SQLITE_SCHEME) :]
    return SqliteConnection(Path(text).expanduser())


def is_url(target: Path | str) -> bool:
    return isinstance(target, str) and "://" in target


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


# -- PostgreSQL ------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\?|(?<!:):([A-Za-z_]\w*)")


def _pg_sql(sql: str, params: object) -> str:
    """`?` and `:name` placeholders as psycopg's `%s` and `%(name)s`; a literal `%` doubled."""
    named = isinstance(params, Mapping)
    sql = sql.replace("%", "%%")

    def placeholder(match: re.Match[str]) -> str:
        if match.group(0) == "?":
            return "%s"
        return f"%({match.group(1)})s" if named else match.group(0)

    return _PLACEHOLDER.sub(placeholder, sql)


class _PgRow(tuple):  # type: ignore[type-arg]
    """A row read by position, by column name, or as a dict, like sqlite3.Row."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self._names


def _row_factory(cursor: Any) -> Any:
    names = tuple(column.name for column in cursor.description or ())
    row_type = type("Row", (_PgRow,), {"_names": names})
    return lambda values: row_type(values)


def _sqlite_statements(sql: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    statements, current = [], ""
    for line in sql.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements
