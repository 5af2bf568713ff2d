"""The alerts pages over HTTP: headers, bad input as clear 4xx pages, the settings
form's CSRF and validation, and 403 pages for roles without the permission."""

from __future__ import annotations

import pytest

from callvault.dashboard.rendering import CONTENT_SECURITY_POLICY
from tests.dashboard.conftest import Live, PersonFactory, signed_in_client

VALID = {
    "mass_access_threshold": "100",
    "denied_burst_threshold": "10",
    "timezone": "UTC",
    "work_start": "07:00",
    "work_end": "19:00",
    "work_days": ["mon", "tue", "wed", "thu", "fri"],
    "enabled_rules": ["mass_access", "off_hours", "new_network", "denied_burst", "same_surname"],
    "webhook_url": "",
}


def test_the_alerts_pages_carry_the_policy_and_no_store(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("compliance_officer")) as client:
        for path in ("/alerts", "/alerts/settings", "/alerts?rule=off_hours"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("query", "message"),
    [({"rule": "loud"}, "rule must be one of"), ({"cursor": "junk"}, "cursor")],
)
def test_bad_list_input_is_a_clear_page(
    live: Live, people: PersonFactory, query: dict[str, str], message: str
) -> None:
    with signed_in_client(live, people("compliance_officer")) as client:
        page = client.get("/alerts", params=query)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mass_access_threshold": "lots"}, "Mass access threshold: enter a whole number"),
        ({"denied_burst_threshold": "0"}, "Denied burst threshold: enter a whole number"),
        ({"timezone": "Mars/Olympus_Mons"}, "time zone"),
        ({"work_end": "25:00"}, "Working hours end: enter a time"),
        ({"work_days": []}, "Working days: choose at least one day"),
        ({"webhook_url": "ftp://example.org/x"}, "Webhook URL"),
        ({"enabled_rules": ["loud"]}, "Rules: unknown rule"),
    ],
)
def test_invalid_settings_re_render_the_form_with_a_message(
    live: Live, people: PersonFactory, change: dict[str, object], message: str
) -> None:
    with signed_in_client(live, people("compliance_officer")) as client:
        form = {**VALID, **change, "csrf_token": client.cookies["callvault_csrf"]}
        page = client.post("/alerts/settings", data=form)
    assert page.status_code == 422
    assert 'id="form-errors"' in page.text
    assert message in page.text
    assert page.headers["cache-control"] == "no-store"


def test_a_valid_form_saves_and_redirects_with_a_notice(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("compliance_officer")) as client:
        form = {
            **VALID,
            "timezone": "America/Chicago",
            "csrf_token": client.cookies["callvault_csrf"],
        }
        saved = client.post("/alerts/settings", data=form)
        assert saved.status_code == 303
        assert saved.headers["location"] == "/alerts/settings?saved=1"
        api = client.get("/api/v1/alerts/settings").json()
    assert api["timezone"] == "America/Chicago"


def test_the_settings_form_needs_its_csrf_token(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("compliance_officer")) as client:
        for token in (None, "forged"):
            form = dict(VALID) if token is None else {**VALID, "csrf_token": token}
            page = client.post("/alerts/settings", data=form)
            assert page.status_code == 403
            assert page.headers["content-type"].startswith("text/html")


def test_roles_without_the_permissions_get_403_pages(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("supervisor")) as client:
        for path in ("/alerts", "/alerts/settings"):
            page = client.get(path)
            assert page.status_code == 403, path
            assert "<h1>Permission denied</h1>" in page.text
        form = {**VALID, "csrf_token": client.cookies["callvault_csrf"]}
        assert client.post("/alerts/settings", data=form).status_code == 403
