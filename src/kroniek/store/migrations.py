"""Named schema migrations, applied in order, each in one transaction and recorded in the database.

Each migration has one script per backend: the same tables, columns, indexes and names, in the types and
features of each engine (SQLite's FTS5 and rowid; PostgreSQL's tsvector and identity columns).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from kroniek.store.connection import LINK_LOCK, Connection

SQLITE_MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "001_initial",
        """
        CREATE TABLE documents (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            language TEXT,
            published TEXT,
            title TEXT,
            url TEXT,
            source TEXT,
            text TEXT NOT NULL,
            analysis TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX documents_published ON documents(published);
        CREATE TABLE entities (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL, mentions INTEGER NOT NULL,
            PRIMARY KEY (doc_id, id)
        );
        CREATE INDEX entities_name ON entities(name);
        CREATE TABLE places (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL, name TEXT NOT NULL, lat REAL, lon REAL, country TEXT, source_id TEXT,
            PRIMARY KEY (doc_id, id)
        );
        CREATE INDEX places_name ON places(name);
        CREATE TABLE claims (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL, source TEXT, cue TEXT NOT NULL, certainty TEXT NOT NULL,
            PRIMARY KEY (doc_id, id)
        );
        CREATE TABLE events (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL, type TEXT NOT NULL, trigger TEXT NOT NULL,
            trigger_start INTEGER NOT NULL, trigger_end INTEGER NOT NULL,
            time TEXT, time_start TEXT, time_end TEXT, place_id TEXT, claim_id TEXT,
            PRIMARY KEY (doc_id, id)
        );
        CREATE INDEX events_time ON events(time_start, time_end);
        CREATE INDEX events_type ON events(type);
        CREATE TABLE event_roles (
            doc_id TEXT NOT NULL, event_id TEXT NOT NULL, role TEXT NOT NULL, entity_id TEXT NOT NULL,
            FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, id) ON DELETE CASCADE
        );
        CREATE INDEX event_roles_event ON event_roles(doc_id, event_id);
        CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents', content_rowid='rowid'
        );
        CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        """,
    ),
    (
        # Events in time order, one page at a time, without sorting them all: an event's own start, else its
        # article's date, else last. Filled by a trigger, so the code that inserts events needs no change.
        "002_event_sort_time",
        """
        ALTER TABLE events ADD COLUMN sort_time TEXT;
        UPDATE events SET sort_time = COALESCE(
            time_start, (SELECT published FROM documents d WHERE d.id = events.doc_id), '9999-12-31');
        CREATE INDEX events_sort ON events(sort_time, doc_id, trigger_start, id);
        CREATE TRIGGER events_sort_time AFTER INSERT ON events BEGIN
            UPDATE events SET sort_time = COALESCE(
                new.time_start, (SELECT published FROM documents d WHERE d.id = new.doc_id), '9999-12-31')
            WHERE rowid = new.rowid;
        END;
        """,
    ),
    (
        # Across documents (kroniek.link): one registry entity per real entity with its aliases and the rule
        # that linked each document's entity to it; one event per real event with its reports; stories.
        # Rows that hang off a document go with it (ON DELETE CASCADE).
        "003_cross_document",
        """
        CREATE TABLE registry_entities (
            id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, country TEXT,
            merged_into TEXT, created_at TEXT NOT NULL
        );
        CREATE TABLE registry_aliases (
            kind TEXT NOT NULL, key TEXT NOT NULL, entity_id TEXT NOT NULL, alias TEXT NOT NULL,
            rule TEXT NOT NULL, doc_id TEXT,
            PRIMARY KEY (kind, key, entity_id)
        );
        CREATE INDEX registry_aliases_entity ON registry_aliases(entity_id);
        CREATE TABLE registry_links (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            local_id TEXT NOT NULL, entity_id TEXT NOT NULL, name TEXT NOT NULL,
            rule TEXT NOT NULL, evidence TEXT,
            PRIMARY KEY (doc_id, local_id)
        );
        CREATE INDEX registry_links_entity ON registry_links(entity_id);
        CREATE TABLE registry_merges (
            kept TEXT NOT NULL, merged TEXT NOT NULL, rule TEXT NOT NULL, doc_id TEXT, merged_at TEXT NOT NULL
        );
        CREATE INDEX registry_merges_kept ON registry_merges(kept);
        CREATE TABLE stories (
            id TEXT PRIMARY KEY, label TEXT, first_seen TEXT, last_seen TEXT,
            size INTEGER NOT NULL DEFAULT 0, vector_sum BLOB
        );
        CREATE INDEX stories_last_seen ON stories(last_seen);
        CREATE TABLE story_documents (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            story_id TEXT NOT NULL, score REAL, reason TEXT, published TEXT
        );
        CREATE INDEX story_documents_story ON story_documents(story_id);
        CREATE TABLE story_entities (
            entity_id TEXT NOT NULL, story_id TEXT NOT NULL, documents INTEGER NOT NULL,
            PRIMARY KEY (entity_id, story_id)
        );
        CREATE TABLE cross_events (
            id TEXT PRIMARY KEY, type TEXT NOT NULL, mode TEXT, place TEXT, lat REAL, lon REAL,
            time TEXT, time_start TEXT NOT NULL, time_end TEXT NOT NULL, time_explicit INTEGER NOT NULL
        );
        CREATE INDEX cross_events_type_time ON cross_events(type, time_start, time_end);
        CREATE TABLE cross_event_reports (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, local_id TEXT NOT NULL,
            event_id TEXT NOT NULL, score REAL, reason TEXT, published TEXT, source TEXT,
            certainty TEXT, low REAL, high REAL, time TEXT,
            PRIMARY KEY (doc_id, local_id)
        );
        CREATE INDEX cross_event_reports_event ON cross_event_reports(event_id);
        CREATE TABLE cross_event_entities (
            event_id TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (event_id, entity_id)
        );
        CREATE TABLE linked_documents (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, linked_at TEXT NOT NULL
        );
        """,
    ),
    (
        # A place's first-level region (name and GeoNames code) and how precise the place is (country,
        # region, city, district, landmark ...), for exports and filters.
        "004_place_region_precision",
        """
        ALTER TABLE places ADD COLUMN admin1 TEXT;
        ALTER TABLE places ADD COLUMN admin1_code TEXT;
        ALTER TABLE places ADD COLUMN precision TEXT;
        """,
    ),
    (
        # Listing events from a date uses the sort-time index from below too: no event starts more than the
        # longest stored event's span before it ends. Country and place filters start from the places.
        "005_listing_indexes",
        """
        CREATE TABLE store_stats (key TEXT PRIMARY KEY, value REAL NOT NULL);
        INSERT INTO store_stats (key, value)
            SELECT 'longest_event_days', COALESCE(max(julianday(time_end) - julianday(time_start)), 0) FROM events;
        CREATE INDEX places_country ON places(upper(country));
        CREATE INDEX events_place ON events(doc_id, place_id);
        """,
    ),
    (
        # Linking stays as fast at 100,000 articles as at 1,000 (kroniek.link): counters instead of counting
        # (documents per registry entity, linked documents), each event's triggers, stories and numbers once
        # instead of once per report, an entity's stories by when it was last seen in them, and events found
        # by their start within a bound that depends on their span (8 days, a month, a year, longer), so no
        # query reads the whole past. Document vectors (multilingual-e5) are stored with their document.
        "006_link_scaling",
        """
        CREATE TABLE document_vectors (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, vector BLOB NOT NULL
        );
        ALTER TABLE registry_entities ADD COLUMN documents INTEGER NOT NULL DEFAULT 0;
        UPDATE registry_entities SET documents = (
            SELECT count(DISTINCT l.doc_id) FROM registry_links l WHERE l.entity_id = registry_entities.id);
        INSERT INTO store_stats (key, value) SELECT 'linked_documents', count(*) FROM linked_documents;
        ALTER TABLE story_entities ADD COLUMN last_seen TEXT;
        UPDATE story_entities SET last_seen = (
            SELECT max(s.published) FROM story_documents s JOIN registry_links l ON l.doc_id = s.doc_id
            WHERE s.story_id = story_entities.story_id AND l.entity_id = story_entities.entity_id);
        CREATE INDEX story_entities_recent ON story_entities(entity_id, last_seen);
        CREATE TABLE cross_event_triggers (
            event_id TEXT NOT NULL, trigger TEXT NOT NULL, PRIMARY KEY (event_id, trigger)
        );
        INSERT INTO cross_event_triggers (event_id, trigger)
            SELECT DISTINCT r.event_id, lower(v.trigger) FROM cross_event_reports r
            JOIN events v ON v.doc_id = r.doc_id AND v.id = r.local_id;
        CREATE TABLE cross_event_stories (
            event_id TEXT NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (event_id, story_id)
        );
        INSERT INTO cross_event_stories (event_id, story_id)
            SELECT DISTINCT r.event_id, s.story_id FROM cross_event_reports r
            JOIN story_documents s ON s.doc_id = r.doc_id;
        CREATE TABLE cross_event_numbers (
            event_id TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (event_id, value)
        );
        INSERT INTO cross_event_numbers (event_id, value)
            SELECT event_id, low FROM cross_event_reports WHERE low IS NOT NULL
            UNION SELECT event_id, high FROM cross_event_reports WHERE high IS NOT NULL;
        ALTER TABLE cross_events ADD COLUMN time_span INTEGER NOT NULL DEFAULT 1000000;
        UPDATE cross_events SET time_span = CASE
            WHEN julianday(time_end) - julianday(time_start) <= 8 THEN 8
            WHEN julianday(time_end) - julianday(time_start) <= 32 THEN 32
            WHEN julianday(time_end) - julianday(time_start) <= 370 THEN 370 ELSE 1000000 END;
        DROP INDEX cross_events_type_time;
        CREATE INDEX cross_events_span ON cross_events(type, time_span, time_start);
        """,
    ),
)

POSTGRESQL_MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "001_initial",
        """
        CREATE TABLE documents (
            rowid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            language TEXT,
            published TEXT,
            title TEXT,
            url TEXT,
            source TEXT,
            text TEXT NOT NULL,
            analysis TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            fts tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, '') || ' ' || text)) STORED
        );
        CREATE INDEX documents_published ON documents(published);
        CREATE INDEX documents_fts ON documents USING gin(fts);
        CREATE TABLE entities (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL, mentions INTEGER NOT NULL,
            PRIMARY KEY (doc_id, id)
        );
        CREATE INDEX entities_name ON entities(name);
        CREATE TABLE places (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL, name TEXT NOT NULL, lat DOUBLE PRECISION, lon DOUBLE PRECISION, country TEXT,
            source_id TEXT,
            PRIMARY KEY (doc_id, id)
        );
        CREATE INDEX places_name ON places(name);
        CREATE TABLE claims (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL, source TEXT, cue TEXT NOT NULL, certainty TEXT NOT NULL,
            PRIMARY KEY (doc_id, id)
        );
        CREATE TABLE events (
            rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL, type TEXT NOT NULL, trigger TEXT NOT NULL,
            trigger_start INTEGER NOT NULL, trigger_end INTEGER NOT NULL,
            time TEXT, time_start TEXT, time_end TEXT, place_id TEXT, claim_id TEXT,
            PRIMARY KEY (doc_id, id)
        );
        CREATE INDEX events_time ON events(time_start, time_end);
        CREATE INDEX events_type ON events(type);
        CREATE TABLE event_roles (
            doc_id TEXT NOT NULL, event_id TEXT NOT NULL, role TEXT NOT NULL, entity_id TEXT NOT NULL,
            FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, id) ON DELETE CASCADE
        );
        CREATE INDEX event_roles_event ON event_roles(doc_id, event_id);
        """,
    ),
    (
        "002_event_sort_time",
        """
        ALTER TABLE events ADD COLUMN sort_time TEXT;
        UPDATE events SET sort_time = COALESCE(
            time_start, (SELECT published FROM documents d WHERE d.id = events.doc_id), '9999-12-31');
        CREATE INDEX events_sort ON events(sort_time, doc_id, trigger_start, id);
        CREATE FUNCTION events_sort_time() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.sort_time := COALESCE(
                NEW.time_start, (SELECT published FROM documents d WHERE d.id = NEW.doc_id), '9999-12-31');
            RETURN NEW;
        END $$;
        CREATE TRIGGER events_sort_time BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_sort_time();
        """,
    ),
    (
        "003_cross_document",
        """
        CREATE TABLE registry_entities (
            id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, country TEXT,
            merged_into TEXT, created_at TEXT NOT NULL
        );
        CREATE TABLE registry_aliases (
            kind TEXT NOT NULL, key TEXT NOT NULL, entity_id TEXT NOT NULL, alias TEXT NOT NULL,
            rule TEXT NOT NULL, doc_id TEXT,
            PRIMARY KEY (kind, key, entity_id)
        );
        CREATE INDEX registry_aliases_entity ON registry_aliases(entity_id);
        CREATE TABLE registry_links (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            local_id TEXT NOT NULL, entity_id TEXT NOT NULL, name TEXT NOT NULL,
            rule TEXT NOT NULL, evidence TEXT,
            PRIMARY KEY (doc_id, local_id)
        );
        CREATE INDEX registry_links_entity ON registry_links(entity_id);
        CREATE TABLE registry_merges (
            kept TEXT NOT NULL, merged TEXT NOT NULL, rule TEXT NOT NULL, doc_id TEXT, merged_at TEXT NOT NULL
        );
        CREATE INDEX registry_merges_kept ON registry_merges(kept);
        CREATE TABLE stories (
            id TEXT PRIMARY KEY, label TEXT, first_seen TEXT, last_seen TEXT,
            size INTEGER NOT NULL DEFAULT 0, vector_sum BYTEA
        );
        CREATE INDEX stories_last_seen ON stories(last_seen);
        CREATE TABLE story_documents (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            story_id TEXT NOT NULL, score DOUBLE PRECISION, reason TEXT, published TEXT
        );
        CREATE INDEX story_documents_story ON story_documents(story_id);
        CREATE TABLE story_entities (
            entity_id TEXT NOT NULL, story_id TEXT NOT NULL, documents INTEGER NOT NULL,
            PRIMARY KEY (entity_id, story_id)
        );
        CREATE TABLE cross_events (
            id TEXT PRIMARY KEY, type TEXT NOT NULL, mode TEXT, place TEXT, lat DOUBLE PRECISION,
            lon DOUBLE PRECISION, time TEXT, time_start TEXT NOT NULL, time_end TEXT NOT NULL,
            time_explicit INTEGER NOT NULL
        );
        CREATE INDEX cross_events_type_time ON cross_events(type, time_start, time_end);
        CREATE TABLE cross_event_reports (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, local_id TEXT NOT NULL,
            event_id TEXT NOT NULL, score DOUBLE PRECISION, reason TEXT, published TEXT, source TEXT,
            certainty TEXT, low DOUBLE PRECISION, high DOUBLE PRECISION, time TEXT,
            PRIMARY KEY (doc_id, local_id)
        );
        CREATE INDEX cross_event_reports_event ON cross_event_reports(event_id);
        CREATE TABLE cross_event_entities (
            event_id TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (event_id, entity_id)
        );
        CREATE TABLE linked_documents (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, linked_at TEXT NOT NULL
        );
        """,
    ),
    (
        "004_place_region_precision",
        """
        ALTER TABLE places ADD COLUMN admin1 TEXT;
        ALTER TABLE places ADD COLUMN admin1_code TEXT;
        ALTER TABLE places ADD COLUMN precision TEXT;
        """,
    ),
    (
        "005_listing_indexes",
        """
        CREATE TABLE store_stats (key TEXT PRIMARY KEY, value DOUBLE PRECISION NOT NULL);
        INSERT INTO store_stats (key, value)
            SELECT 'longest_event_days', COALESCE(max(CAST(time_end AS date) - CAST(time_start AS date)), 0)
            FROM events;
        CREATE INDEX places_country ON places(upper(country));
        CREATE INDEX events_place ON events(doc_id, place_id);
        """,
    ),
    (
        "006_link_scaling",
        """
        CREATE TABLE document_vectors (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, vector BYTEA NOT NULL
        );
        ALTER TABLE registry_entities ADD COLUMN documents INTEGER NOT NULL DEFAULT 0;
        UPDATE registry_entities SET documents = (
            SELECT count(DISTINCT l.doc_id) FROM registry_links l WHERE l.entity_id = registry_entities.id);
        INSERT INTO store_stats (key, value) SELECT 'linked_documents', count(*) FROM linked_documents;
        ALTER TABLE story_entities ADD COLUMN last_seen TEXT;
        UPDATE story_entities SET last_seen = (
            SELECT max(s.published) FROM story_documents s JOIN registry_links l ON l.doc_id = s.doc_id
            WHERE s.story_id = story_entities.story_id AND l.entity_id = story_entities.entity_id);
        CREATE INDEX story_entities_recent ON story_entities(entity_id, last_seen);
        CREATE TABLE cross_event_triggers (
            event_id TEXT NOT NULL, trigger TEXT NOT NULL, PRIMARY KEY (event_id, trigger)
        );
        INSERT INTO cross_event_triggers (event_id, trigger)
            SELECT DISTINCT r.event_id, lower(v.trigger) FROM cross_event_reports r
            JOIN events v ON v.doc_id = r.doc_id AND v.id = r.local_id;
        CREATE TABLE cross_event_stories (
            event_id TEXT NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (event_id, story_id)
        );
        INSERT INTO cross_event_stories (event_id, story_id)
            SELECT DISTINCT r.event_id, s.story_id FROM cross_event_reports r
            JOIN story_documents s ON s.doc_id = r.doc_id;
        CREATE TABLE cross_event_numbers (
            event_id TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY (event_id, value)
        );
        INSERT INTO cross_event_numbers (event_id, value)
            SELECT event_id, low FROM cross_event_reports WHERE low IS NOT NULL
            UNION SELECT event_id, high FROM cross_event_reports WHERE high IS NOT NULL;
        ALTER TABLE cross_events ADD COLUMN time_span INTEGER NOT NULL DEFAULT 1000000;
        UPDATE cross_events SET time_span = CASE
            WHEN (CAST(time_end AS date) - CAST(time_start AS date)) <= 8 THEN 8
            WHEN (CAST(time_end AS date) - CAST(time_start AS date)) <= 32 THEN 32
            WHEN (CAST(time_end AS date) - CAST(time_start AS date)) <= 370 THEN 370 ELSE 1000000 END;
        DROP INDEX cross_events_type_time;
        CREATE INDEX cross_events_span ON cross_events(type, time_span, time_start);
        """,
    ),
)

MIGRATIONS = {"sqlite": SQLITE_MIGRATIONS, "postgresql": POSTGRESQL_MIGRATIONS}
MIGRATION_NAMES = [name for name, _ in SQLITE_MIGRATIONS]
assert [name for name, _ in POSTGRESQL_MIGRATIONS] == MIGRATION_NAMES, "the backends' migrations differ"
SCHEMA_VERSION = len(MIGRATION_NAMES)


def applied(conn: Connection) -> list[str]:
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY name")]


def migrate(conn: Connection) -> list[str]:
    """Apply the migrations not yet recorded; returns their names. Each runs in its own transaction."""
    if set(applied(conn)) >= set(MIGRATION_NAMES):
        return []
    ran = []
    for name, sql in MIGRATIONS[conn.dialect.name]:
        # The schema change and its record land together or not at all; the lock and the second look
        # keep two processes that open a new database at once from applying a migration twice.
        with conn.transaction(lock=LINK_LOCK):
            if name in applied(conn):
                continue
            conn.script(sql)
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (name, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
            )
        ran.append(name)
    return ran


@contextmanager
def transaction(conn: Connection, lock: int | None = None) -> Iterator[Connection]:
    """BEGIN ... COMMIT, or ROLLBACK on any error (see Connection.transaction)."""
    with conn.transaction(lock) as inside:
        yield inside
