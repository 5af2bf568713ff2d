"""The lifecycle pages in a real Chromium, as a compliance officer: a shorter retention
period (through the step-up page) left waiting for a second person, a legal hold placed
and released, the call page's Legal hold badge, and axe-core on each page."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dashboard._calls import create_call, integration_headers
from tests.dashboard.admin_support import next_code
from tests.dashboard.conftest import (
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    wait_until_replaced,
)
from tests.dashboard.test_admin_browser import element, notice, submit, wait_for_path


def set_period(browser: WebDriver, data_type: str, days: str) -> None:
    field = element(browser, f"#{data_type}")
    field.clear()
    field.send_keys(days)
    submit(browser, "/retention")


def test_an_officer_sets_a_period_and_sees_it_wait_for_approval(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    officer = people("compliance_officer")
    sign_in(browser, live, officer, "/retention")
    assert element(browser, "h1").text == "Retention"
    assert browser.find_element(By.LINK_TEXT, "Legal holds")  # in the menu
    assert serious_accessibility_violations(browser) == []

    # Keep-everything to 30 days deletes sooner: a fresh code first, then the request.
    set_period(browser, "recording_original", "30")
    wait_for_path(browser, "/account/step-up")
    element(browser, "input[name=code]").send_keys(next_code(officer))
    submit(browser, "/account/step-up")
    wait_for_path(browser, "/retention")
    set_period(browser, "recording_original", "30")
    assert "second person" in notice(browser)
    row = element(browser, "#pending tbody tr")
    assert "Recordings as uploaded: keep → 30" in row.text
    assert "you" in row.text
    # Still in force until someone else approves: the form shows the current period.
    assert element(browser, "#recording_original").get_attribute("value") == "keep"
    assert serious_accessibility_violations(browser) == []
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "retention")

    # Approving one's own request is refused, in words.
    submit(browser, "/retention/approve")
    assert "second person must approve" in element(browser, "#refusal").text

    set_period(browser, "export", "ten")
    assert "whole number of days" in element(browser, "#export-error").text
    assert element(browser, "#export").get_attribute("aria-invalid") == "true"
    assert serious_accessibility_violations(browser) == []


def test_an_officer_places_and_releases_a_hold(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    with live.client() as api:
        call_id = create_call(api, integration_headers(live.settings), campaign="fall-flu-2026")
    officer = people("compliance_officer", "supervisor")  # call:read for the call's page
    sign_in(browser, live, officer, "/holds")
    assert element(browser, "h1").text == "Legal holds"
    assert "No active holds" in element(browser, "#holds").text

    element(browser, "#matter").send_keys("Doe v. Clinic, case 26-0117")
    element(browser, "#reason").send_keys("Litigation notice received 2026-03-05")
    element(browser, "#covers-campaign").click()
    element(browser, "#campaign").send_keys("fall-flu-2026")
    place = element(browser, "#place-hold button[type=submit]")  # not the filter's button
    place.click()
    wait_until_replaced(browser, place)
    assert "hold was placed" in notice(browser)
    row = element(browser, "#holds tbody tr[data-hold]")
    assert "the campaign fall-flu-2026" in row.text
    assert serious_accessibility_violations(browser) == []
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "holds")

    browser.get(f"{live.url}/calls/{call_id}")
    assert element(browser, "#legal-hold").text == "Legal hold"
    assert "legal hold covers this call" in element(browser, "#shred-refused").text
    assert serious_accessibility_violations(browser) == []

    browser.get(f"{live.url}/holds")
    submit(browser, "/holds/release")
    assert "hold was released" in notice(browser)
    assert "No active holds" in element(browser, "#holds").text
    browser.get(f"{live.url}/holds?status=released")
    assert "released" in element(browser, "#holds tbody tr[data-hold]").text

    browser.get(f"{live.url}/calls/{call_id}")
    assert browser.find_elements(By.ID, "legal-hold") == []
    assert element(browser, "#shred button[type=submit]").text == "Shred…"
    assert serious_accessibility_violations(browser) == []
