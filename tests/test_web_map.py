"""The map's markers in headless Chromium: one tooltip and one click handler per layer serve every marker (made
on hover, not per marker up front). Same server, browser and skips as tests/test_web.py."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests import test_web
from tests.test_web import open_ui, pwned, wait_for, wait_until  # the module skips itself where no browser can run

browser = test_web.browser
server = test_web.server


def test_a_marker_describes_itself_on_hover_and_opens_its_events_on_click(server: str, browser: WebDriver) -> None:
    # Filtered to Mosul, the map frames Mosul's events: their marker is at the centre of the map.
    open_ui(browser, server + "/?place=Mosul&tab=events")
    wait_until(browser, "performance.getEntriesByName('kroniek:first-render').length")
    map_element = browser.find_element(By.ID, "map")
    assert browser.find_elements(By.CSS_SELECTOR, "#map .leaflet-tooltip") == []
    ActionChains(browser).move_to_element(map_element).perform()
    tooltip = wait_for(browser, "#map .leaflet-tooltip")
    assert " at Mosul: " in tooltip.text and "report(s)" in tooltip.text
    ActionChains(browser).move_by_offset(0, 200).perform()  # off the marker: the tooltip goes
    wait_until(browser, "!document.querySelector('#map .leaflet-tooltip')")
    ActionChains(browser).move_to_element(map_element).click().perform()
    shown = wait_for(browser, "#event-panel, #list-here")
    assert "Mosul" in shown.text
    assert pwned(browser) is None
