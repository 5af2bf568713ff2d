"""Signing in and out in a real Chromium: the first sign-in enrols TOTP from the QR
code and shows the recovery codes once; later sign-ins ask for a code only."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dashboard.conftest import (
    Live,
    PersonFactory,
    fresh_code,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    wait_for,
)


def test_an_anonymous_visitor_is_sent_to_sign_in(browser: WebDriver, live: Live) -> None:
    browser.delete_all_cookies()
    browser.get(f"{live.url}/")
    wait_for(browser, By.NAME, "email")
    assert browser.current_url == f"{live.url}/signin?next=/"
    assert browser.find_element(By.NAME, "password").get_attribute("type") == "password"
    screenshot(browser, "signin")
    assert serious_accessibility_violations(browser) == []


def test_first_sign_in_enrols_with_the_qr_code_and_shows_recovery_codes_once(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    person = people("supervisor")
    browser.delete_all_cookies()
    browser.get(f"{live.url}/signin")
    wait_for(browser, By.NAME, "email").send_keys(person.email)
    browser.find_element(By.NAME, "password").send_keys(person.password)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    code_input = wait_for(browser, By.NAME, "code")
    assert code_input.get_attribute("autocomplete") == "one-time-code"  # type: ignore[attr-defined]
    qr = browser.find_element(By.CSS_SELECTOR, "img.qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert browser.execute_script("return arguments[0].naturalWidth", qr) > 0
    screenshot(browser, "signin-enrol")
    assert serious_accessibility_violations(browser) == []

    recovery_codes = sign_in(browser, live, person)  # enrols, shows the codes, then the calls
    assert len(recovery_codes) >= 8
    assert browser.find_element(By.TAG_NAME, "h1").text == "Calls"

    # Signed out, the calls page is closed again; signing in again asks for a code only.
    browser.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for(browser, By.NAME, "email")
    browser.get(f"{live.url}/calls")
    wait_for(browser, By.NAME, "email")
    assert sign_in(browser, live, person, code=recovery_codes[0]) == []  # shown only once


def test_a_wrong_password_stays_on_the_sign_in_page_with_a_message(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    person = people("supervisor")
    browser.delete_all_cookies()
    browser.get(f"{live.url}/signin")
    wait_for(browser, By.NAME, "email").send_keys(person.email)
    browser.find_element(By.NAME, "password").send_keys("not-the-password-at-all")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    alert = wait_for(browser, By.CSS_SELECTOR, "[role=alert]")
    assert "not right" in alert.text  # type: ignore[attr-defined]
    assert browser.find_elements(By.NAME, "code") == []


def test_signing_in_works_from_the_keyboard_alone_in_a_sensible_order(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    person = people("supervisor")
    browser.delete_all_cookies()
    browser.get(f"{live.url}/signin")
    wait_for(browser, By.NAME, "email")
    active = browser.switch_to.active_element
    assert active.get_attribute("name") == "email"  # autofocus: typing can start at once
    active.send_keys(person.email, Keys.TAB)
    active = browser.switch_to.active_element
    assert active.get_attribute("name") == "password"
    active.send_keys(person.password, Keys.TAB)
    assert browser.switch_to.active_element.text == "Continue"
    browser.switch_to.active_element.send_keys(Keys.ENTER)

    wait_for(browser, By.NAME, "code")
    assert browser.switch_to.active_element.get_attribute("name") == "code"
    browser.switch_to.active_element.send_keys(fresh_code(person), Keys.ENTER)
    wait_for(browser, By.ID, "recovery-codes")
    assert browser.find_element(By.LINK_TEXT, "I have saved them: continue")
