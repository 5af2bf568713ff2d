"""The BAAs page in a real Chromium, as a compliance officer: a subcontractor's
agreement recorded, refused activation in words without its document hash, activated
with it, then terminated; axe-core on each state."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dashboard.conftest import (
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    wait_until_replaced,
)
from tests.dashboard.test_admin_browser import element, notice, submit


def test_an_officer_records_activates_and_terminates_an_agreement(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    sign_in(browser, live, people("compliance_officer"), "/baas")
    assert element(browser, "h1").text == "Business associate agreements"
    assert browser.find_element(By.LINK_TEXT, "BAAs")  # in the menu
    assert "in force" in element(browser, "#baas").text  # the clinic's own
    assert serious_accessibility_violations(browser) == []

    element(browser, "#kind option[value=storage]").click()
    element(browser, "#counterparty").send_keys("Example Cloud Storage Inc")
    browser.execute_script("document.getElementById('effective_on').value = '2026-01-01'")
    record = element(browser, "#record-baa button[type=submit]")
    record.click()
    wait_until_replaced(browser, record)
    assert "recorded as a draft" in notice(browser)
    row = element(browser, "#baas tr[data-status=draft]")
    assert "Storage provider" in row.text and "none yet" in row.text
    assert serious_accessibility_violations(browser) == []

    submit(browser, "/baas/activate")  # without the hash
    assert "document_sha256" in element(browser, "#refusal").text
    element(browser, "#baas tr[data-status=draft] input[name=document_sha256]").send_keys("5d" * 32)
    submit(browser, "/baas/activate")
    assert "agreement is active" in notice(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "#baas tr[data-status=draft]") == []
    assert serious_accessibility_violations(browser) == []
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "baas")

    storage = element(browser, "#baas tr[data-status=active]:nth-of-type(2)")
    storage.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until_replaced(browser, storage)
    assert "was terminated" in notice(browser)
    assert "terminated" in element(browser, "#baas tr[data-status=terminated]").text
