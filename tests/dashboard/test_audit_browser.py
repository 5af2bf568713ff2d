"""The audit pages in a real Chromium: a compliance officer searches the trail, opens
an event, and the browser checks its inclusion proof (WebCrypto SHA-256) against the
signed tree head; a tampered proof or event fails the check."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from callvault.audit import heads
from callvault.audit.runtime import runtime
from callvault.audit.verify import verify_tenant
from callvault.cli.vault import open_keyring
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A
from tests.dashboard.conftest import (
    WAIT_SECONDS,
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    wait_for,
)


def verify_the_log(live: Live) -> None:
    """What ``callvault audit verify`` does for tenant A, checkpoint included, after the
    server's periodic signing has signed a head (a log without one has no checkpoint)."""
    with open_keyring(live.settings) as (session, _):
        tenant_id = get_tenant(session, TENANT_A).id
        heads.sign_now(session, tenant_id)
        session.commit()
        verdict = verify_tenant(
            session, runtime(session).keys, tenant_id, live.settings.audit_checkpoint_dir
        )
        session.rollback()
    assert verdict.ok, verdict.problem


def proof_verdict(browser: WebDriver) -> str:
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda b: (
            b.find_element(By.ID, "proof").get_attribute("data-check-run")
            and b.find_element(By.ID, "proof-status").text.startswith("Proof")
        )
    )
    return str(browser.find_element(By.ID, "proof-status").get_attribute("data-verified"))


def test_an_officer_searches_opens_an_event_and_the_browser_verifies_its_proof(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    officer = people("compliance_officer")
    sign_in(browser, live, officer, next_path="/audit")
    verify_the_log(live)
    browser.refresh()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Audit trail"
    assert "Verified up to seq" in browser.find_element(By.ID, "last-verification").text
    assert "events" in browser.find_element(By.ID, "tree-size").text

    Select(browser.find_element(By.ID, "f-action")).select_by_value("auth:mfa")
    browser.find_element(By.ID, "f-actor").send_keys(officer.id)
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda b: "action=auth%3Amfa" in b.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "#events tbody tr")
    assert len(rows) == 1  # the officer's own sign-in
    assert "auth:mfa" in rows[0].text and officer.id in rows[0].text
    screenshot(browser, "audit")
    assert serious_accessibility_violations(browser) == []

    rows[0].find_element(By.CSS_SELECTOR, "a").click()
    wait_for(browser, By.ID, "proof")
    assert proof_verdict(browser) == "true"
    status = browser.find_element(By.ID, "proof-status").text
    assert status.startswith("Proof verified against tree head of size")
    signature = browser.find_element(By.ID, "signature-status")
    assert signature.get_attribute("data-verified") == "true", signature.text
    screenshot(browser, "audit-event")
    assert serious_accessibility_violations(browser) == []

    # The same check on a tampered root, then on a tampered event field, fails.
    tampered_root = browser.execute_script(
        "const el = document.getElementById('proof');"
        "el.dataset.rootHash = '00'.repeat(32);"
        "return window.callvaultVerifyProof(el);"
    )
    assert tampered_root is False
    assert browser.find_element(By.ID, "proof-status").get_attribute("data-verified") == "false"
    assert "NOT verified" in browser.find_element(By.ID, "proof-status").text

    browser.refresh()
    assert proof_verdict(browser) == "true"
    tampered_event = browser.execute_script(
        "const el = document.getElementById('proof');"
        "el.querySelector('[data-field=actor_id]').dataset.value = 'someone-else';"
        "return window.callvaultVerifyProof(el);"
    )
    assert tampered_event is False
    assert "do not hash to its leaf hash" in browser.find_element(By.ID, "proof-status").text


def test_a_role_without_audit_read_sees_the_403_page(
    browser: WebDriver, live: Live, people: PersonFactory
) -> None:
    sign_in(browser, live, people("supervisor"))
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav a")].count("Audit") == 0
    browser.get(f"{live.url}/audit")
    assert wait_for(browser, By.TAG_NAME, "h1").text == "Permission denied"  # type: ignore[attr-defined]
    assert browser.find_elements(By.ID, "events") == []
