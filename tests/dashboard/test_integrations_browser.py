"""The Integrations page in a real Chromium, as an admin: the Twilio settings saved
through the form, the token field empty again afterwards, a bad SID marked on its
field, and axe-core on the page."""

from __future__ import annotations

from selenium.webdriver.remote.webdriver import WebDriver

from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind
from tests._baa import record_agreement
from tests._vault import TENANT_B
from tests.dashboard.conftest import Live, PersonFactory, serious_accessibility_violations, sign_in
from tests.dashboard.test_admin_browser import element, notice, submit

ACCOUNT_SID = "AC" + "fedcba9876543210" * 2


def test_an_admin_connects_twilio_from_the_page(
    browser: WebDriver, live: Live, people: PersonFactory, module_vault: Settings
) -> None:
    record_agreement(module_vault, TENANT_B, AgreementKind.TELEPHONY)
    sign_in(browser, live, people("admin", tenant=TENANT_B), "/integrations")
    assert element(browser, "h1").text == "Integrations"
    assert "not configured yet" in element(browser, "#twilio-state").text
    assert f"/webhooks/twilio/{TENANT_B}/recording-status" in element(browser, "#webhooks").text
    assert serious_accessibility_violations(browser) == []

    element(browser, "#account_sid").send_keys("AC12")
    element(browser, "#auth_token").send_keys("synthetic-token-" + "7" * 16)
    submit(browser, "/integrations/twilio")
    assert element(browser, "#account_sid").get_attribute("aria-invalid") == "true"
    assert element(browser, "#auth_token").get_attribute("value") == ""

    sid = element(browser, "#account_sid")
    sid.clear()
    sid.send_keys(ACCOUNT_SID)
    element(browser, "#auth_token").send_keys("synthetic-token-" + "7" * 16)
    submit(browser, "/integrations/twilio")
    assert "Twilio settings were saved" in notice(browser)
    assert "an auth token is stored" in element(browser, "#twilio-state").text
    assert element(browser, "#account_sid").get_attribute("value") == ACCOUNT_SID
    assert element(browser, "#auth_token").get_attribute("value") == ""
    assert serious_accessibility_violations(browser) == []
