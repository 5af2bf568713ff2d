"""The Tracking and Reports pages in a real Chromium, as marketing: a campaign and a
tracking number added through the forms, a call to that number linked to the
campaign, the report's table and chart, and axe-core on each page."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dashboard._calls import create_call, integration_headers
from tests.dashboard.conftest import (
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)
from tests.dashboard.test_admin_browser import element, notice, submit


def test_marketing_adds_a_number_and_reads_the_report(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    sign_in(browser, live, people("marketing"), "/tracking")
    assert element(browser, "h1").text == "Campaigns and tracking numbers"
    assert browser.find_element(By.LINK_TEXT, "Reports")  # in the menu
    assert serious_accessibility_violations(browser) == []

    element(browser, "#name").send_keys("browser-campaign")
    element(browser, "#source").send_keys("billboard")
    submit(browser, "/tracking/campaigns")
    assert "campaign was added" in notice(browser)
    element(browser, "#number").send_keys("(202) 555-0181")
    submit(browser, "/tracking/numbers")
    assert "+12025550181" in element(browser, "#numbers").text

    element(browser, "#number").send_keys("12")
    submit(browser, "/tracking/numbers")
    assert element(browser, "#number").get_attribute("aria-invalid") == "true"
    assert serious_accessibility_violations(browser) == []

    with live.client() as api:
        ingest = integration_headers(live.settings)
        for n in range(12):
            create_call(
                api, ingest, caller_number=f"+1202555{140 + n:04d}",
                tracking_number="+12025550181", campaign=None,
            )  # fmt: skip
    browser.get(f"{live.url}/reports?group_by=source")
    table = element(browser, "#attribution").text
    assert "billboard 12" in table
    assert element(browser, "#chart svg rect")
    assert serious_accessibility_violations(browser) == []
    screenshot(browser, "reports")
