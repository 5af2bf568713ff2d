"""The incident pages in a real Chromium, as a compliance officer: an incident opened,
scoped by the actor who read a call, its counts per State and the notices owed, a
notice recorded as sent, and axe-core on each page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dashboard._calls import create_call, integration_headers
from tests.dashboard.conftest import (
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    signed_in_client,
)
from tests.dashboard.test_admin_browser import element, notice, submit


def set_date(browser: WebDriver, css: str, value: str) -> None:
    """A date input's value as ISO 8601 (typing one depends on the browser's locale)."""
    browser.execute_script("arguments[0].value = arguments[1]", element(browser, css), value)


def test_an_officer_opens_scopes_and_documents_an_incident(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    with live.client() as api:
        call_id = create_call(api, integration_headers(live.settings), caller_number="+17135550103")
    reader = people("supervisor")
    with signed_in_client(live, reader) as client:
        assert client.get(f"/api/v1/calls/{call_id}").status_code == 200

    officer = people("compliance_officer")
    sign_in(browser, live, officer, "/incidents")
    assert element(browser, "h1").text == "Incidents"
    assert browser.find_element(By.LINK_TEXT, "Incidents")  # in the menu
    assert "No incidents" in element(browser, "#incidents").text

    discovered = datetime.now(UTC).date() - timedelta(days=3)
    element(browser, "#title").send_keys("Synthetic: shared login used off-site")
    set_date(browser, "#discovered_on", discovered.isoformat())
    submit(browser, "/incidents")
    assert "60-day clock" in notice(browser)
    assert "57 days left" in element(browser, "#clock").text
    assert serious_accessibility_violations(browser) == []

    incident_path = browser.current_url.split("?")[0].removeprefix(live.url)
    element(browser, "#actor_id").send_keys(reader.id)
    submit(browser, f"{incident_path}/scope")
    assert element(browser, "#scope-summary strong").text == "1"
    assert "Texas 1" in element(browser, "#by-state").text
    annual_log = element(browser, "#obligations tr[data-duty=secretary_annual_log]")
    assert "45 CFR 164.408(c)" in annual_log.text
    assert "5550103" not in browser.page_source

    set_date(browser, "#sent_on", discovered.isoformat())
    submit(browser, f"{incident_path}/timeline")  # the first form: record a notice
    assert "added to the timeline" in notice(browser)
    individuals = element(browser, "#obligations tr[data-duty=individuals]")
    assert discovered.isoformat() in individuals.text.split("\n")[-1]
    assert serious_accessibility_violations(browser) == []
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "incident")

    browser.get(f"{live.url}/incidents")
    row = element(browser, "#incidents tbody tr[data-incident]")
    assert "Synthetic: shared login used off-site" in row.text and "57" in row.text
    assert serious_accessibility_violations(browser) == []
