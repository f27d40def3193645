"""The web UI end to end in headless Chromium (Debian's chromium and chromium-driver, driven by Selenium),
against a real server over a real store.

Skipped only where Chromium is not installed and CI is not set; under CI a missing browser fails.
Set KRONIEK_SCREENSHOTS=docs/screenshots to keep a screenshot of each view.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from kroniek import Pipeline
from kroniek.api import create_app
from kroniek.api.server import running
from kroniek.model import Document, Entity, Place
from tests.test_api import Annotator, example_articles, mosul_report, store_annotated

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 15  # seconds

# Markup in an article is text to show, never code to run: each payload would set window.__pwned.
XSS_TEXT = (
    "Een lezer stuurde ons deze tekst: <script>window.__pwned = 'script'</script> en daarna "
    '<img src=x onerror="window.__pwned = \'img\'"> met een link <a href="javascript:window.__pwned=1">klik</a>. '
    "De politie in Utrecht onderzoekt de zaak."
)
XSS_TITLE = "<b onmouseover=\"window.__pwned='title'\">Vette kop</b><script>window.__pwned='title'</script>"


def browser_missing() -> str | None:
    if CHROMIUM and CHROMEDRIVER:
        return None
    return "chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)"


if browser_missing() and not os.environ.get("CI"):
    pytest.skip(browser_missing() or "", allow_module_level=True)

from selenium import webdriver  # noqa: E402  (only where a browser is there to drive)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def annotated_markup_report() -> Document:
    """Markup inside highlighted stretches: the highlighting must keep it text too."""
    doc = Document.new(XSS_TEXT, published=dt.date(2024, 3, 1), language="nl", title=XSS_TITLE)
    a = Annotator(doc)
    doc.entities = [Entity(id="E1", type="MISC", name="<script>", mentions=[a.span("<script>window.__pwned")])]
    doc.places = [
        Place(id="P1", name="Utrecht <img src=x onerror=alert(1)>", lat=52.09, lon=5.12, country="NL",
              source_id="geonames:2745912", mentions=[a.span("<img src=x"), a.span("Utrecht")]),
    ]  # fmt: skip
    return doc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[str]:
    """A real server over the annotated reports, the examples and one article full of markup."""
    path = tmp_path_factory.mktemp("web") / "kroniek.db"
    store_annotated(path)
    app = create_app(path, pipeline=pipeline)
    app.state.backend.store().add(annotated_markup_report())
    with running(app) as base:
        articles = [*example_articles(), {"text": XSS_TEXT + " Opnieuw.", "title": XSS_TITLE, "language": "nl"}]
        assert httpx.post(base + "/documents", json=articles, timeout=300).status_code == 201
        yield base
    app.state.backend.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    missing = browser_missing()
    if missing:
        pytest.fail(f"CI is set and {missing}")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}", "--window-size=1400,850",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    yield driver
    driver.quit()


def wait_for(browser: WebDriver, css: str) -> WebElement:
    found: WebElement = WebDriverWait(browser, WAIT).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))
    return found


def wait_until(browser: WebDriver, script: str) -> object:
    """Wait until a JavaScript expression is truthy; returns its value."""
    return WebDriverWait(browser, WAIT).until(lambda driver: driver.execute_script(f"return {script}"))


def open_ui(browser: WebDriver, url: str) -> None:
    browser.get(url)
    wait_until(browser, "document.getElementById('map').dataset.countries > 100")
    wait_until(browser, "document.getElementById('status').textContent.includes('articles')")


def screenshot(browser: WebDriver, name: str) -> None:
    folder = os.environ.get("KRONIEK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def query_of(browser: WebDriver) -> dict[str, list[str]]:
    return parse_qs(urlparse(browser.current_url).query)


def pwned(browser: WebDriver) -> object:
    return browser.execute_script("return window.__pwned")


def test_the_map_timeline_and_lists_render(server, browser):
    open_ui(browser, server + "/")
    map_element = browser.find_element(By.ID, "map")
    assert "leaflet-container" in map_element.get_attribute("class")
    assert int(map_element.get_attribute("data-events")) >= 4  # Mosul, Valkenburg, Turkey, Antakya
    assert int(map_element.get_attribute("data-places")) >= 6
    assert browser.find_elements(By.CSS_SELECTOR, "#map .leaflet-countries-pane canvas, #map canvas")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline svg .bin")) >= 3
    events = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#list li.event")]
    assert any("omsingelden" in event and "Mosul" in event for event in events), events
    browser.find_element(By.CSS_SELECTOR, "#tabs [data-tab=documents]").click()
    titles = [
        li.find_element(By.CLASS_NAME, "title").text for li in browser.find_elements(By.CSS_SELECTOR, "#list li.doc")
    ]
    assert len(titles) == 3 + 5 + 2 and "Troepen naderen moskee in Mosul" in titles
    assert XSS_TITLE in titles, "a title with markup is listed as text"
    assert query_of(browser)["tab"] == ["documents"]
    screenshot(browser, "map")


def test_brushing_the_timeline_filters_by_time_in_the_url(server, browser):
    open_ui(browser, server + "/?tab=events")
    everything = browser.find_elements(By.CSS_SELECTOR, "#list li.event")
    bins = browser.find_elements(By.CSS_SELECTOR, "#timeline .bin")
    bounds = [(b.get_attribute("data-start"), b.get_attribute("data-end")) for b in bins]
    at = next(i for i, (start, end) in enumerate(bounds) if start <= "2017-06-21" <= end)  # the bin of Mosul
    bar = bins[at].find_element(By.TAG_NAME, "rect")
    ActionChains(browser).move_to_element_with_offset(bar, 0, 0).click_and_hold().move_by_offset(
        1, 0
    ).release().perform()
    WebDriverWait(browser, WAIT).until(lambda driver: "since" in query_of(driver))
    assert (query_of(browser)["since"], query_of(browser)["until"]) == ([bounds[at][0]], [bounds[at][1]])
    wait_until(browser, f"document.querySelector('#range').textContent.includes('{bounds[at][0]}')")
    wait_until(browser, f"document.querySelectorAll('#list li.event').length < {len(everything)}")
    shown = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#list li.event")]
    assert any("omsingelden" in event for event in shown) and any("naderden" in event for event in shown)
    assert not any("evacueerde" in event for event in shown)
    assert browser.find_element(By.CSS_SELECTOR, "#filters [name=since]").get_attribute("value") == bounds[at][0]
    assert browser.find_element(By.CSS_SELECTOR, "#timeline rect.brush").get_attribute("visibility") == "visible"


def test_filters_are_read_from_the_url(server, browser):
    open_ui(browser, server + "/?q=Geul&tab=documents")
    assert browser.find_element(By.CSS_SELECTOR, "#filters [name=q]").get_attribute("value") == "Geul"
    wait_until(browser, "document.querySelectorAll('#list li.doc').length > 0")
    titles = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#list li.doc .title")]
    assert "Geul overstroomt Valkenburg" in titles and "Troepen naderen moskee in Mosul" not in titles


def test_an_event_opens_its_panel_and_its_article_with_highlights(server, browser):
    open_ui(browser, server + "/?tab=events&place=Mosul")
    browser.find_element(By.XPATH, "//li[contains(@class, 'event')][contains(., 'omsingelden')]").click()
    panel = wait_for(browser, "#event-panel")
    fields = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
              for row in panel.find_elements(By.CSS_SELECTOR, "tr")}  # fmt: skip
    assert fields["type"] == "ASSAULT" and fields["actors"] == "Iraakse strijdkrachten"
    assert fields["place"].startswith("Mosul (IQ)") and fields["time"] == "2017-06-20"
    assert "Troepen naderen moskee in Mosul" in fields["source"] and "certainty" in fields
    assert query_of(browser)["event"][0].endswith(":V2")
    screenshot(browser, "event")
    browser.find_element(By.ID, "open-article").click()
    text = wait_for(browser, "#article-text")
    assert text.text == mosul_report().text
    places = [span.text for span in text.find_elements(By.CSS_SELECTOR, ".hl.k-place")]
    assert places == ["al-Nuri-moskee", "Mosul", "Mosul"]
    assert [span.text for span in text.find_elements(By.CSS_SELECTOR, ".hl.k-time")] == ["woensdag", "Dinsdag"]
    assert [span.text for span in text.find_elements(By.CSS_SELECTOR, ".hl.k-event")] == ["naderden", "omsingelden"]
    assert len(text.find_elements(By.CSS_SELECTOR, ".hl.k-quantity")) == 2
    assert len(text.find_elements(By.CSS_SELECTOR, ".hl.k-claim")) >= 2
    legend = browser.find_element(By.ID, "article-legend").text
    assert "place (geocoded) (3)" in legend and "claim (2)" in legend
    screenshot(browser, "article")
    browser.find_element(By.XPATH, "//label[contains(., 'time (2)')]/input").click()
    assert text.find_elements(By.CSS_SELECTOR, ".k-time") == []  # switched off in the legend


def test_markup_in_an_article_is_shown_as_text_and_never_runs(server, browser):
    doc = annotated_markup_report()
    open_ui(browser, f"{server}/?doc={doc.id}")
    text = wait_for(browser, "#article-text")
    assert text.get_attribute("textContent") == XSS_TEXT
    assert browser.find_element(By.ID, "article-title").text == XSS_TITLE
    highlighted = [span.get_attribute("textContent") for span in text.find_elements(By.CSS_SELECTOR, ".hl")]
    assert "<img src=x" in highlighted and "<script>window.__pwned" in highlighted
    detail = browser.find_element(By.ID, "detail-body")
    assert detail.find_elements(By.CSS_SELECTOR, "script, img, a[href^='javascript'], b, iframe") == []
    assert "Utrecht <img src=x onerror=alert(1)>" in detail.text  # the place's name, in the findings
    # The same article through the real pipeline and the API, opened from the list.
    browser.find_element(By.ID, "detail-close").click()
    browser.find_element(By.CSS_SELECTOR, "#tabs [data-tab=documents]").click()
    items = browser.find_elements(By.XPATH, f"//li[contains(@class, 'doc')][.//*[text()={xpath_text(XSS_TITLE)}]]")
    assert len(items) == 2
    items[-1].click()
    wait_until(browser, "document.getElementById('article-text')?.textContent.endsWith('Opnieuw.')")
    for element in browser.find_elements(By.CSS_SELECTOR, ".hl"):  # hovering runs no handler either
        ActionChains(browser).move_to_element(element).perform()
    assert pwned(browser) is None
    assert browser.execute_script("return document.querySelectorAll('body script').length") == 0


def xpath_text(value: str) -> str:
    """An XPath string literal for any text (XPath 1.0 has no escapes: quote parts with concat)."""
    parts = re.split("(')", value)
    return "concat(" + ", ".join('"\'"' if part == "'" else f"'{part}'" for part in parts if part) + ", '')"


def test_a_pasted_text_is_analysed_and_shown(server, browser):
    open_ui(browser, server + "/")
    text = "Iraakse troepen naderden woensdag de al-Nuri-moskee in Mosul, meldde het Iraakse leger."
    expected = httpx.post(server + "/analyse", json={"text": text, "published": "2017-06-21"}, timeout=60).json()
    browser.find_element(By.ID, "paste-open").click()
    wait_for(browser, "#paste-text").send_keys(text)
    browser.execute_script("document.getElementById('paste-published').value = '2017-06-21'")
    screenshot(browser, "paste")
    browser.find_element(By.ID, "paste-analyse").click()
    shown = wait_for(browser, "#article-text")
    assert shown.text == text
    assert "not stored" in browser.find_element(By.CSS_SELECTOR, "#article-view .note").text
    times = [span.text for span in shown.find_elements(By.CSS_SELECTOR, ".hl.k-time")]
    assert times == [t["text"] for t in expected["times"]]
    places = {span.text for span in shown.find_elements(By.CSS_SELECTOR, ".hl.k-place")}
    assert places == {m["text"] for p in expected["places"] for m in p["mentions"]}
    assert "doc" not in query_of(browser), "an analysis that is not stored has no address"
    screenshot(browser, "analysis")
