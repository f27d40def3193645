import datetime as dt
import socket
import threading

import pytest

from kroniek import Document, StoreError
from kroniek.model import Claim, Entity, Event, Mention, Place
from kroniek.store import DocumentQuery, EventFilter, Store
from kroniek.store.connection import redact
from kroniek.store.migrations import MIGRATION_NAMES

TEXT = "De Russische regering verklaarde al-Baghdadi vorige week dood in Raqqa."


def doc_with_event() -> Document:
    """A document with the findings later stages will write, built by hand over real text."""
    doc = Document.new(TEXT, published=dt.date(2017, 6, 21), language="nl")

    def span(word: str) -> Mention:
        start = TEXT.index(word)
        return doc.mention(start, start + len(word))

    doc.entities = [
        Entity(id="E1", type="ORG", name="Russische regering", mentions=[span("Russische regering")]),
        Entity(id="E2", type="PER", name="Abu Bakr al-Baghdadi", mentions=[span("al-Baghdadi")]),
    ]
    doc.places = [
        Place(
            id="P1",
            name="Raqqa",
            lat=35.95,
            lon=39.01,
            country="SY",
            source_id="geonames:163915",
            mentions=[span("Raqqa")],
        )
    ]
    doc.claims = [Claim(id="C1", source="E1", cue="verklaarde", certainty="unconfirmed", start=0, end=len(TEXT))]
    doc.events = [
        Event(
            id="V1",
            type="DECLARE",
            trigger=span("verklaarde"),
            actors=["E1"],
            targets=["E2"],
            place="P1",
            time="2017-W24",
            claim="C1",
        )
    ]
    return doc


@pytest.fixture
def store(database_url):
    """The same tests on both backends: SQLite, then a real PostgreSQL server."""
    with Store(database_url) as opened:
        yield opened


def test_same_document_is_stored_once(store):
    assert store.add(doc_with_event()) is True
    assert store.add(doc_with_event()) is False
    assert store.count() == 1


def test_stored_document_comes_back_whole(store):
    doc = doc_with_event()
    store.add(doc)
    assert store.get(doc.id) == doc
    assert store.get(doc.id[:8]) == doc
    with pytest.raises(StoreError, match="no document with id 'abc'"):
        store.get("abc")


def test_events_with_their_roles_place_and_claim(store):
    store.add(doc_with_event())
    [event] = store.events()
    assert event["actors"] == "Russische regering"
    assert event["targets"] == "Abu Bakr al-Baghdadi"
    assert (event["place"], event["country"], event["lat"]) == ("Raqqa", "SY", 35.95)
    assert (event["time"], event["time_inferred"], event["certainty"]) == ("2017-W24", False, "unconfirmed")
    assert event["claim_source"] == "Russische regering"  # the source entity by name, not its id


@pytest.mark.parametrize(
    ("where", "found"),
    [
        (EventFilter(since="2017"), 1),
        (EventFilter(since="2018"), 0),
        (EventFilter(until="2017-06"), 1),
        (EventFilter(until="2016"), 0),
        (EventFilter(place="Raqqa"), 1),
        (EventFilter(place="sy"), 1),
        (EventFilter(place="Mosul"), 0),
        (EventFilter(actor="Russische"), 1),
        (EventFilter(actor="Baghdadi"), 0),  # he is the target, not the actor
        (EventFilter(type="DECL"), 1),
        (EventFilter(type="ATTACK"), 0),
        (EventFilter(place="'; DROP TABLE events; --"), 0),
    ],
)
def test_event_filters(store, where, found):
    store.add(doc_with_event())
    assert len(store.events(where)) == found
    assert store.count() == 1


def test_a_failed_write_leaves_nothing_half_written(store):
    broken = doc_with_event()
    broken.entities.append(broken.entities[0])  # duplicate entity id violates the primary key
    with pytest.raises(StoreError, match=r"\[E034\] cannot store document"):
        store.add(broken)
    assert store.count() == 0
    assert store.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 0


def test_migrations_are_recorded_and_not_rerun(database_url):
    Store(database_url).close()
    with Store(database_url) as reopened:
        names = [r[0] for r in reopened.conn.execute("SELECT name FROM migrations ORDER BY name")]
    assert names == MIGRATION_NAMES


def test_newer_schema_is_refused(database_url):
    with Store(database_url) as store:
        store.conn.execute("INSERT INTO migrations VALUES ('999_from_the_future', '2030-01-01')")
    with pytest.raises(StoreError, match="newer than this kroniek"):
        Store(database_url)


def test_full_text_search_finds_documents_by_words_and_prefixes(store):
    store.add(doc_with_event())
    for query, found in [("Raqqa", 1), ("raqqa regering", 1), ("Baghd*", 1), ("Mosul", 0), ('" OR 1=1 --', 0)]:
        assert len(store.document_page(DocumentQuery(q=query)).rows) == found, query


def test_two_writers_store_the_same_document_once(database_url):
    """Two processes (here: two connections in two threads) ingesting the same article at once."""
    Store(database_url).close()
    results: list[bool] = []

    def add() -> None:
        with Store(database_url) as store:
            results.append(store.add(doc_with_event()))

    threads = [threading.Thread(target=add) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    with Store(database_url) as store:
        assert store.count() == 1
        assert len(store.events()) == 1


def test_an_unreachable_server_is_a_clear_error_without_the_password():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    url = f"postgresql://kroniek:s3cret@127.0.0.1:{port}/kroniek?connect_timeout=2"
    with pytest.raises(StoreError, match=r"\[E030\] cannot open database") as raised:
        Store(url)
    assert "s3cret" not in str(raised.value)
    assert redact(url) in str(raised.value)


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open database"):
        Store(blocker / "k.db")


def test_like_wildcards_typed_by_a_user_match_only_themselves(store):
    store.add(doc_with_event())
    assert len(store.events(EventFilter(actor="Russ_sche"))) == 0  # `_` is not "any character"
    assert len(store.events(EventFilter(actor="%"))) == 0
    assert len(store.events(EventFilter(actor="russische"))) == 1  # still case-insensitive


def test_a_long_event_still_matches_a_window_after_its_start(store):
    """The lower bound on the sort-time index must keep an event that began long before `since`."""
    doc = doc_with_event()
    doc.events[0].time = "2016"  # a year-long event: from 2016-01-01 to 2016-12-31
    store.add(doc)
    assert store.longest_event_days() == 365
    assert len(store.events(EventFilter(since="2016-12"))) == 1
    assert len(store.events(EventFilter(since="2017-01"))) == 0
