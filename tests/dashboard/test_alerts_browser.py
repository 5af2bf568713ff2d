"""The alerts pages in a real Chromium: an alert the real watcher raised from refused
requests in the trail, and the settings form saving and refusing bad values."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from callvault.alerts.watcher import run_watcher
from callvault.cli.vault import open_keyring
from tests.dashboard.conftest import (
    WAIT_SECONDS,
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    signed_in_client,
    wait_for,
)


def test_an_officer_sees_the_alert_the_watcher_raised(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    # A supervisor tries the alerts page eleven times: each refusal is in the trail,
    # and more than ten within a minute is a denied burst.
    prober = people("supervisor")
    with signed_in_client(live, prober) as client:
        for _ in range(11):
            assert client.get("/alerts").status_code == 403
    with open_keyring(live.settings) as (session, _):
        run_watcher(session)

    sign_in(browser, live, people("compliance_officer"), next_path="/alerts")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Alerts"
    rows = browser.find_elements(By.CSS_SELECTOR, "#alerts tbody tr[data-rule=denied_burst]")
    [row] = [r for r in rows if prober.id in r.text]
    assert "Denied burst" in row.text
    screenshot(browser, "alerts")
    assert serious_accessibility_violations(browser) == []

    row.find_element(By.PARTIAL_LINK_TEXT, "seq").click()  # its evidence in the trail
    wait_for(browser, By.ID, "proof")
    assert prober.id in browser.find_element(By.ID, "event").text


def test_the_settings_form_saves_and_shows_what_is_wrong(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    sign_in(browser, live, people("compliance_officer"), next_path="/alerts/settings")
    threshold = browser.find_element(By.ID, "mass_access_threshold")
    threshold.clear()
    threshold.send_keys("250")
    browser.find_element(By.ID, "rule-same_surname").click()  # off
    browser.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
    notice = wait_for(browser, By.ID, "notice")
    assert "saved" in notice.text  # type: ignore[attr-defined]
    assert browser.find_element(By.ID, "mass_access_threshold").get_attribute("value") == "250"
    assert not browser.find_element(By.ID, "rule-same_surname").is_selected()
    assert serious_accessibility_violations(browser) == []

    start = browser.find_element(By.ID, "work_start")
    start.clear()
    start.send_keys("20:00")
    browser.find_element(By.ID, "day-mon").click()  # still other days
    browser.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
    errors = wait_for(browser, By.ID, "form-errors")
    assert "work_start must be before work_end" in errors.text  # type: ignore[attr-defined]
    # The form comes back with what was typed, and nothing was saved.
    assert browser.find_element(By.ID, "work_start").get_attribute("value") == "20:00"
    assert not browser.find_element(By.ID, "day-mon").is_selected()
    assert serious_accessibility_violations(browser) == []
    browser.get(f"{live.url}/alerts/settings")
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda b: b.find_element(By.ID, "work_start").get_attribute("value") == "07:00"
    )
    assert browser.find_element(By.ID, "day-mon").is_selected()


def test_a_role_without_audit_read_sees_the_403_page(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    sign_in(browser, live, people("agent"))
    browser.get(f"{live.url}/alerts")
    assert wait_for(browser, By.TAG_NAME, "h1").text == "Permission denied"  # type: ignore[attr-defined]
    assert browser.find_elements(By.ID, "alerts") == []
