"""A signed-in browser session: the warning before the idle timeout, and the layout at
a tablet's width."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from callvault.cli.vault import open_keyring
from callvault.identity.policy.access import save_access_policy
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_B
from tests.dashboard.conftest import Live, PersonFactory, sign_in


def test_a_warning_comes_before_the_idle_timeout_and_staying_signed_in_keeps_the_session(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    with open_keyring(live.settings) as (db, _):
        tenant_id = get_tenant(db, TENANT_B).id
        save_access_policy(db, tenant_id, ip_allowlist=[], idle_minutes=1, absolute_minutes=60)
        db.commit()
    person = people("supervisor", tenant=TENANT_B)
    sign_in(browser, live, person)
    warning = browser.find_element(By.ID, "idle-warning")
    assert not warning.is_displayed()

    # One minute idle: the warning comes at the latest 5 seconds in.
    WebDriverWait(browser, 15).until(lambda _: warning.is_displayed())
    assert browser.switch_to.active_element.get_attribute("id") == "stay-signed-in"
    browser.switch_to.active_element.click()
    assert not warning.is_displayed()
    browser.refresh()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Calls"  # still signed in


def test_the_calls_page_fits_a_tablet_without_sideways_scrolling(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    sign_in(browser, live, people("supervisor"))
    browser.set_window_size(768, 1024)
    try:
        browser.refresh()
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        assert browser.find_element(By.CSS_SELECTOR, "form.signout button").is_displayed()
    finally:
        browser.set_window_size(1280, 900)
