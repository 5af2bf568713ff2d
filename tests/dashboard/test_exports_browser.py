"""The Exports page in a real Chromium, as a supervisor: the page sends them through
the step-up page first, the export they ask for waits for a second person, and axe-core
finds nothing serious on the page or the form with a field refused."""

from __future__ import annotations

from selenium.webdriver.remote.webdriver import WebDriver

from tests.dashboard._calls import create_call, integration_headers
from tests.dashboard.admin_support import next_code
from tests.dashboard.conftest import (
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)
from tests.dashboard.test_admin_browser import element, notice, submit, wait_for_path

STARTED = "2026-05-04T09:00:00Z"


def fill_request(browser: WebDriver, recipient_id: str = "reviewer-311") -> None:
    element(browser, "#reason").send_keys("Synthetic partner review of May calls")
    element(browser, "#recipient_name").send_keys("Example Review Partners")
    element(browser, "#recipient_id").send_keys(recipient_id)
    # A date field takes the digits in the browser's locale order; set it directly.
    browser.execute_script("document.getElementById('since').value = '2026-05-01'")
    browser.execute_script("document.getElementById('until').value = '2026-05-31'")
    element(browser, "#passphrase").send_keys("a synthetic browser passphrase")
    submit(browser, "/exports")


def test_a_supervisor_asks_for_an_export_that_waits_for_approval(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    with live.client() as api:
        create_call(api, integration_headers(live.settings), started_at=STARTED, ended_at=STARTED)
    supervisor = people("supervisor")
    sign_in(browser, live, supervisor)
    # The page itself needs a fresh code: export:create is a step-up permission.
    browser.get(f"{live.url}/exports")
    wait_for_path(browser, "/account/step-up")
    element(browser, "input[name=code]").send_keys(next_code(supervisor))
    submit(browser, "/account/step-up")
    wait_for_path(browser, "/exports")
    assert element(browser, "h1").text == "Exports"
    assert "No exports yet" in element(browser, "#no-exports").text
    assert serious_accessibility_violations(browser) == []

    fill_request(browser)
    assert "second person" in notice(browser)
    row = element(browser, "#exports tbody tr[data-export]")
    assert "pending" in row.text and "reviewer-311" in row.text
    assert serious_accessibility_violations(browser) == []
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "exports")

    fill_request(browser, recipient_id="not an id")
    assert element(browser, "#recipient_id").get_attribute("aria-invalid") == "true"
    assert serious_accessibility_violations(browser) == []
