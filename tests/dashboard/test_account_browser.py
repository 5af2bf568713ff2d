"""A person's own account in a real Chromium: changing the password through
/account/password (current password, new password, a fresh TOTP code)."""

from __future__ import annotations

from dataclasses import replace

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dashboard.admin_support import next_code
from tests.dashboard.conftest import (
    Live,
    PersonFactory,
    serious_accessibility_violations,
    sign_in,
    wait_for,
)

NEW_PASSWORD = "another-synthetic-Passphrase-7730"


def test_a_person_changes_their_password_and_signs_in_with_the_new_one(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    person = people("agent")
    recovery_codes = sign_in(browser, live, person, "/account/password")
    assert serious_accessibility_violations(browser) == []
    wait_for(browser, By.ID, "current_password").send_keys("not-my-password-at-all")
    browser.find_element(By.ID, "new_password").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "code").send_keys("123456")
    browser.find_element(By.CSS_SELECTOR, "form[action='/account/password'] button").click()
    alert = wait_for(browser, By.CSS_SELECTOR, "[role=alert]")
    assert "not correct" in alert.text  # type: ignore[attr-defined]

    wait_for(browser, By.ID, "current_password").send_keys(person.password)
    browser.find_element(By.ID, "new_password").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "code").send_keys(next_code(person))
    browser.find_element(By.CSS_SELECTOR, "form[action='/account/password'] button").click()
    notice = wait_for(browser, By.CSS_SELECTOR, "p.notice[role=status]")
    assert "password was changed" in notice.text  # type: ignore[attr-defined]

    browser.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for(browser, By.NAME, "email")
    changed = replace(person, password=NEW_PASSWORD)
    sign_in(browser, live, changed, "/calls", code=recovery_codes[0])
    assert browser.find_element(By.TAG_NAME, "h1").text == "Calls"
