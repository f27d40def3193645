"""The story view end to end in headless Chromium, against a real server over the examples analysed by the real
pipeline, stored and linked across articles (as `kroniek ingest` does); and the report counts the map sizes
its markers by. Same browser, skips and screenshots as tests/test_web.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from kroniek.api import create_app
from kroniek.api.server import running
from kroniek.link.across import link_pending
from tests import test_web
from tests.conftest import BACKENDS
from tests.linked_examples import linked_database, store_examples
from tests.test_web import (  # the module skips itself where no browser can run
    XSS_TITLE,
    annotated_markup_report,
    open_ui,
    pwned,
    query_of,
    screenshot,
    wait_for,
    wait_until,
)

browser = test_web.browser  # the same headless Chromium fixture
MOSUL_NL = "Iraakse troepen rukken op naar al-Nuri-moskee in Mosul"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server over the linked examples and one article whose title is markup (a story's label)."""
    path: Path = tmp_path_factory.mktemp("web-stories") / "kroniek.db"
    with store_examples(path) as store:
        store.add(annotated_markup_report())
        link_pending(store)
    app = create_app(path)
    with running(app) as base:
        yield base
    app.state.backend.close()


@pytest.fixture(scope="module", params=BACKENDS)
def api_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server over the linked examples on each backend (the report counts are SQL on both)."""
    app = create_app(linked_database(request, tmp_path_factory))
    with running(app) as base:
        yield base
    app.state.backend.close()


def get(server: str, path: str, **params: Any) -> Any:
    response = httpx.get(server + path, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def mosul_story(server: str) -> dict[str, Any]:
    """The story of the Dutch report on Mosul (examples/html): whichever story the linker put it in."""
    stories = [get(server, f"/stories/{row['id']}") for row in get(server, "/stories")["items"]]
    return next(story for story in stories if MOSUL_NL in {article["title"] for article in story["articles"]})


def test_events_count_the_reports_of_their_real_event(api_server: str) -> None:
    server = api_server
    story = mosul_story(server)
    timeline = get(server, f"/stories/{story['id']}/timeline")["items"]
    sources = {event["event_id"]: event["sources"] for event in timeline}
    rows = get(server, "/events", story=story["id"], limit=1000)["items"]
    assert rows and all(row["event_id"] in sources for row in rows)
    assert [row["reports"] for row in rows] == [len(sources[row["event_id"]]) for row in rows]
    language = {article["id"]: article["language"] for article in story["articles"]}
    assert {language[row["doc_id"]] for row in rows if row["reports"] > 1} == {"nl", "en"}
    csv = httpx.get(server + "/events", params={"story": story["id"], "format": "csv"}, timeout=30).text
    assert csv.splitlines()[0].endswith(",reports,event_id")


def story_item(browser: WebDriver, story_id: str) -> WebElement:
    return browser.find_element(By.CSS_SELECTOR, f"#list li.story[data-id='{story_id}']")


def test_the_story_view_shows_its_timeline_in_both_languages_and_filters_the_map(
    server: str, browser: WebDriver
) -> None:
    story = mosul_story(server)
    timeline = get(server, f"/stories/{story['id']}/timeline")["items"]
    in_story = get(server, "/events", story=story["id"], limit=1000)["items"]
    open_ui(browser, server + "/?tab=stories")
    everywhere = int(browser.find_element(By.ID, "map").get_attribute("data-events") or 0)
    labels = [
        li.find_element(By.CLASS_NAME, "title").text for li in browser.find_elements(By.CSS_SELECTOR, "#list li.story")
    ]
    assert story["label"] in labels and XSS_TITLE in labels, "labels are listed, markup as text"
    assert (
        f"{story['documents']} articles" in story_item(browser, story["id"]).text
        and "Mosul (IQ)" in story_item(browser, story["id"]).text
    )

    story_item(browser, story["id"]).click()
    view = wait_for(browser, "#story-view")
    assert query_of(browser)["story"] == [story["id"]]
    assert browser.find_element(By.ID, "story-title").text == story["label"]
    # The map and the timeline follow the story.
    located = {(round(e["lat"], 3), round(e["lon"], 3), e["type"]) for e in in_story if e["lat"] is not None}
    wait_until(browser, f"document.getElementById('map').dataset.events == {len(located)}")
    assert len(located) < everywhere
    bins = browser.find_elements(By.CSS_SELECTOR, "#timeline .bin")
    assert bins and all(b.get_attribute("data-start") <= story["last_seen"] for b in bins)
    # Its timeline: every real event in time order, each with its sources in both languages where both report it.
    items = view.find_elements(By.CSS_SELECTOR, "#story-timeline > li.story-event")
    assert [li.get_attribute("data-id") for li in items] == [event["event_id"] for event in timeline]
    languages = [
        {s.get_attribute("data-language") for s in li.find_elements(By.CSS_SELECTOR, ".source")} for li in items
    ]
    assert {"nl", "en"} in languages
    trapped = next(li for li in items if "trapped" in li.text)
    assert "2 reports" in trapped.text
    sources = trapped.find_elements(By.CSS_SELECTOR, ".source")
    assert [s.find_element(By.CLASS_NAME, "title").text for s in sources] == [
        s["title"] for s in timeline_event(timeline, trapped)["sources"]
    ]
    assert "Example Wire · 2017-06-21 · en" in sources[0].text and "Voorbeeldkrant · 2017-06-21 · nl" in sources[1].text
    numbers = [s.find_element(By.CLASS_NAME, "numbers").text for s in sources]
    assert "100,000" in numbers[0] and "100.000" in numbers[1], numbers  # each report's numbers, in its own words
    browser.execute_script("arguments[0].scrollIntoView()", trapped)
    screenshot(browser, "story")

    # A report opens the event panel; back goes to the story, and back again to the list of stories.
    dutch = sources_of(trapped)[1]
    sources[1].click()
    panel = wait_for(browser, "#event-panel")
    fields = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
              for row in panel.find_elements(By.CSS_SELECTOR, "tr")}  # fmt: skip
    assert fields["reports"] == "2" and "Voorbeeldkrant" in fields["source"]
    assert query_of(browser)["event"] == [f"{dutch['doc_id']}:{dutch['local_id']}"]
    browser.find_element(By.ID, "detail-close").click()
    wait_for(browser, "#story-view")
    browser.find_element(By.ID, "detail-close").click()
    wait_for(browser, "#list li.story")
    assert "story" not in query_of(browser) and query_of(browser)["tab"] == ["stories"]
    wait_until(browser, f"document.getElementById('map').dataset.events == {everywhere}")
    assert pwned(browser) is None


def test_a_story_is_opened_from_the_url(server: str, browser: WebDriver) -> None:
    story = mosul_story(server)
    open_ui(browser, f"{server}/?story={story['id']}")
    view = wait_for(browser, "#story-view")
    articles = view.find_elements(By.CSS_SELECTOR, "#story-articles li")
    assert [li.get_attribute("data-id") for li in articles] == [article["id"] for article in story["articles"]]
    assert {li.get_attribute("data-language") for li in articles} == {"en", "nl"}
    assert browser.find_element(By.ID, "story-title").text == story["label"]
    # An article of the story opens the article view; back goes to the story.
    next(li for li in articles if MOSUL_NL in li.text).click()
    wait_for(browser, "#article-text")
    assert browser.find_element(By.ID, "detail-close").text == "← back to the story"
    browser.find_element(By.ID, "detail-close").click()
    wait_for(browser, "#story-view")


def timeline_event(timeline: list[dict[str, Any]], item: WebElement) -> dict[str, Any]:
    return next(event for event in timeline if event["event_id"] == item.get_attribute("data-id"))


def sources_of(item: WebElement) -> list[dict[str, str | None]]:
    return [
        {"doc_id": s.get_attribute("data-doc"), "local_id": s.get_attribute("data-id")}
        for s in item.find_elements(By.CSS_SELECTOR, ".source")
    ]
