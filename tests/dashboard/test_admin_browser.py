"""The administration pages in a real Chromium: users (with the step-up detour), API
tokens shown once, the access policy, a 403 page for a role without the permission,
and axe-core on each page."""

from __future__ import annotations

from urllib.parse import urlparse

import pyotp
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.dashboard.admin_support import next_code, signed_in_client
from tests.dashboard.conftest import (
    PASSWORD,
    WAIT_SECONDS,
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    wait_for,
    wait_until_replaced,
)

ADMIN_PAGES = ("/admin/users", "/admin/roles", "/admin/tokens", "/admin/policy")


def element(browser: WebDriver, css: str) -> WebElement:
    found = wait_for(browser, By.CSS_SELECTOR, css)
    assert isinstance(found, WebElement)
    return found


def submit(browser: WebDriver, form_action: str) -> None:
    """Send the form, and wait until its answer has replaced the page."""
    button = element(browser, f"form[action='{form_action}'] button[type=submit]")
    button.click()
    wait_until_replaced(browser, button)


def wait_for_path(browser: WebDriver, path: str) -> None:
    WebDriverWait(browser, WAIT_SECONDS).until(lambda b: urlparse(b.current_url).path == path)


def notice(browser: WebDriver) -> str:
    return element(browser, "p.notice[role=status]").text


def fill_new_user(browser: WebDriver, email: str) -> None:
    element(browser, "#email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[name=roles][value=agent]").click()
    submit(browser, "/admin/users")


def test_an_admin_creates_a_user_after_a_step_up_and_the_user_signs_in(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    admin = people("admin")
    sign_in(browser, live, admin, "/admin/users")
    assert element(browser, "h1").text == "Users"
    assert serious_accessibility_violations(browser) == []
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "admin-users")

    # Giving a role needs a fresh code: the form leads to the step-up page, and back.
    email = f"new.agent.{admin.id[:8]}@clinic-a.example"
    fill_new_user(browser, email)
    wait_for_path(browser, "/account/step-up")
    code = element(browser, "input[name=code]")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert serious_accessibility_violations(browser) == []
    code.send_keys(next_code(admin))
    submit(browser, "/account/step-up")
    wait_for_path(browser, "/admin/users")
    fill_new_user(browser, email)
    assert "was created" in notice(browser)
    assert urlparse(browser.current_url).path.startswith("/admin/users/")
    assert element(browser, "h1").text == email
    assert browser.find_element(By.ID, "user-roles").text == "agent"
    assert serious_accessibility_violations(browser) == []
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "admin-user")

    # The new person signs in through the pages, enrolling from the key the page shows.
    browser.delete_all_cookies()
    browser.get(f"{live.url}/calls")
    element(browser, "input[name=email]").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit(browser, "/signin")
    secret = element(browser, "#otp-secret").get_attribute("textContent") or ""
    element(browser, "input[name=code]").send_keys(pyotp.TOTP(secret.strip()).now())
    submit(browser, "/signin/mfa")
    element(browser, "#recovery-codes")
    browser.find_element(By.LINK_TEXT, "I have saved them: continue").click()
    wait_for_path(browser, "/calls")
    assert element(browser, "h1").text == "Calls"


def test_an_admin_deactivates_activates_and_unlocks_a_user(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    admin, target = people("admin"), people("agent")
    user_page = f"/admin/users/{target.id}"
    sign_in(browser, live, admin, user_page)
    assert element(browser, "#user-status").text == "active"
    submit(browser, f"{user_page}/deactivate")
    assert "deactivated" in notice(browser)
    assert element(browser, "#user-status").text == "deactivated"
    submit(browser, f"{user_page}/activate")
    assert "activated again" in notice(browser)
    assert element(browser, "#user-status").text == "active"
    submit(browser, f"{user_page}/unlock")
    assert "unlocked" in notice(browser)
    # An admin's own page offers none of it.
    browser.get(f"{live.url}/admin/users/{admin.id}")
    assert "your own account" in element(browser, "main").text
    assert browser.find_elements(By.CSS_SELECTOR, "form[action$='/deactivate']") == []


def test_a_new_token_is_shown_once_and_can_be_revoked(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    admin = people("admin")
    sign_in(browser, live, admin, "/admin/tokens")
    name = f"ingest-{admin.id[:8]}"
    element(browser, "#token-name").send_keys(name)
    element(browser, "#token-role option[value=integration]").click()
    submit(browser, "/admin/tokens")
    token = element(browser, "#new-token").text
    assert token.startswith("cvt_")
    assert "only this once" in browser.find_element(By.CSS_SELECTOR, "section.once").text
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "admin-tokens")
    assert serious_accessibility_violations(browser) == []

    browser.get(f"{live.url}/admin/tokens")  # the page again: the token is not on it
    assert name in element(browser, "#tokens").text
    assert browser.find_elements(By.ID, "new-token") == []
    assert token not in browser.page_source
    revoke = element(browser, f"button[aria-label='Revoke {name}']")
    revoke.click()
    wait_until_replaced(browser, revoke)
    assert "revoked" in notice(browser)
    assert browser.find_elements(By.CSS_SELECTOR, f"button[aria-label='Revoke {name}']") == []


def test_an_admin_edits_the_access_and_redaction_policy(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    admin = people("admin")
    sign_in(browser, live, admin, "/admin/policy")
    assert serious_accessibility_violations(browser) == []
    allowlist = element(browser, "#ip_allowlist")
    allowlist.clear()
    allowlist.send_keys("127.0.0.0/8\n2001:db8::/32")
    idle = browser.find_element(By.ID, "session_idle_minutes")
    idle.clear()
    idle.send_keys("12")
    submit(browser, "/admin/policy/access")
    assert "access policy was saved" in notice(browser)
    assert element(browser, "#session_idle_minutes").get_attribute("value") == "12"
    assert element(browser, "#ip_allowlist").get_attribute("value") == (
        "127.0.0.0/8\n2001:db8::/32"
    )

    element(browser, "input[name=redact_medical]").click()
    names = browser.find_element(By.ID, "clinic_names")
    names.clear()
    names.send_keys("Riverside Family Clinic")
    submit(browser, "/admin/policy/redaction")
    assert "redaction policy was saved" in notice(browser)
    assert element(browser, "input[name=redact_medical]").is_selected()
    assert element(browser, "#clinic_names").get_attribute("value") == "Riverside Family Clinic"
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "admin-policy")

    with signed_in_client(live, people("admin")) as client:  # the API reads the same
        assert client.get("/api/v1/policy").json()["session_idle_minutes"] == 12
        assert client.get("/api/v1/policy/redaction").json()["redact_medical"] is True


def test_a_role_without_the_permission_gets_a_403_page_on_each_admin_page(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    person = people("marketing")
    pages = (*ADMIN_PAGES, f"/admin/users/{person.id}", "/admin/roles/agent", "/admin/elevations")
    with signed_in_client(live, person) as client:
        for path in pages:
            answer = client.get(path)
            assert answer.status_code == 403, path
            assert answer.headers["content-type"].startswith("text/html")
    sign_in(browser, live, person, "/calls")
    nav = element(browser, "header nav").text
    assert "Administration" not in nav and "Break-glass" not in nav
    for path in pages:
        browser.get(f"{live.url}{path}")
        assert element(browser, "h1").text == "Permission denied", path
    assert serious_accessibility_violations(browser) == []


def test_the_roles_and_break_glass_pages_pass_axe(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    person = people("admin", "supervisor")
    sign_in(browser, live, person, "/admin/roles")
    assert "agent" in element(browser, "#roles").text
    assert serious_accessibility_violations(browser) == []
    for path, heading in (
        ("/admin/roles/agent", "Role agent"),
        ("/admin/elevations", "Break-glass requests"),
        ("/account/break-glass", "Request emergency access"),
    ):
        browser.get(f"{live.url}{path}")
        assert element(browser, "h1").text == heading
        assert serious_accessibility_violations(browser) == [], path
