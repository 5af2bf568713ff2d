"""The Compliance page in a real Chromium, as a compliance officer: the checks with
their badges, a training completion recorded through the form; axe-core on each."""

from __future__ import annotations

from datetime import timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from callvault.db.base import utcnow
from tests.dashboard.conftest import (
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)
from tests.dashboard.test_admin_browser import element, notice, submit


def test_an_officer_reads_the_checks_and_records_a_completion(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    agent = people("agent")
    sign_in(browser, live, people("compliance_officer"), "/compliance")
    assert element(browser, "h1").text == "Compliance"
    assert browser.find_element(By.LINK_TEXT, "Compliance")  # in the menu
    rows = browser.find_elements(By.CSS_SELECTOR, "#checks tbody tr")
    assert len(rows) == 11
    assert "PASS" in element(browser, "#checks tr[data-check=baa]").text
    assert serious_accessibility_violations(browser) == []

    element(browser, f"#user_id option[value='{agent.id}']").click()
    element(browser, "#course").send_keys("Annual HIPAA workforce course")
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    browser.execute_script(f"document.getElementById('completed_on').value = '{yesterday}'")
    submit(browser, "/compliance/training")
    assert "was recorded" in notice(browser)
    assert agent.email in element(browser, "#training").text
    assert serious_accessibility_violations(browser) == []
    screenshot(browser, "compliance")
