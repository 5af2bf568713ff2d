"""Dynamic number insertion in a real Chromium: a clinic's page, served from its own
origin (a second local HTTPS server), includes ``/dni.js``; the marked number becomes
a pool number, the session keeps the UTM fields and the click id but not the page's
other query parameters, and a call to the shown number is attributed to the session
and its campaign. From an origin the tenant did not allow, the number stays as it is."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from callvault.calls.models import Call
from callvault.cli.vault import open_keyring
from callvault.identity.tokens import create_token
from callvault.tenants.service import get_tenant
from callvault.tracking.dni_models import DniSession
from callvault.web.tls import ensure_self_signed_certificate
from tests._vault import TENANT_A
from tests.calls.factories import call_payload
from tests.dashboard._calls import integration_headers
from tests.dashboard.conftest import WAIT_SECONDS, Live

PRINTED_NUMBER = "(202) 555-0100"
POOL = ("+12025550171", "+12025550172")
LANDING = (
    "/book/checkup?utm_source=newsletter&utm_medium=email&utm_campaign=spring"
    "&gclid=synthetic-gclid-7&patient_name=Quinn+Fictional&dob=1970-01-01"
)


class ClinicSite:
    """A clinic's website on its own origin: every path is one page with a marked
    number and the DNI tag of ``vault_url``."""

    def __init__(self, vault_url: str, tls_dir: Path) -> None:
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Synthetic clinic</title></head><body><main><h1>Synthetic clinic</h1>"
            f'<p>Call us: <a id="phone" href="tel:+12025550100" data-callvault-number>'
            f"{PRINTED_NUMBER}</a></p>"
            f'<script src="{vault_url}/dni.js" data-tenant="{TENANT_A}" data-pool="web"'
            ' referrerpolicy="no-referrer" async></script></main></body></html>'
        ).encode()

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *_: object) -> None:  # quiet: URLs stay out of logs
                pass

        pair = ensure_self_signed_certificate(tls_dir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(pair.cert), str(pair.key))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, host: str, path: str) -> str:
        return f"https://{host}:{self.port}{path}"


@pytest.fixture(scope="module")
def site(live: Live, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClinicSite]:
    clinic = ClinicSite(live.url, tmp_path_factory.mktemp("clinic-site-tls"))
    clinic.thread.start()
    yield clinic
    clinic.server.shutdown()
    clinic.server.server_close()


def _marketing_headers(live: Live) -> dict[str, str]:
    with open_keyring(live.settings) as (session, _):
        token = create_token(session, get_tenant(session, TENANT_A).id, "marketing")
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def campaign_id(live: Live, site: ClinicSite) -> str:
    """Pool "web" of campaign "web-visits", and the site's 127.0.0.1 origin allowed
    (its ``localhost`` origin is not)."""
    marketing = _marketing_headers(live)
    with live.client() as api:
        created = api.post("/api/v1/campaigns", json={"name": "web-visits"}, headers=marketing)
        assert created.status_code == 201, created.text
        campaign: str = created.json()["id"]
        for number in POOL:
            body = {"number": number, "campaign_id": campaign, "pool": "web"}
            added = api.post("/api/v1/tracking-numbers", json=body, headers=marketing)
            assert added.status_code == 201, added.text
        origins = {"allowed_origins": [site.url("127.0.0.1", "")]}
        assert api.put("/api/v1/dni/settings", json=origins, headers=marketing).status_code == 200
    return campaign


def _dni_state(browser: WebDriver) -> str:
    def settled(driver: WebDriver) -> str | None:
        state = driver.execute_script(
            "return document.documentElement.getAttribute('data-callvault-dni')"
        )
        return state if isinstance(state, str) else None

    found: str = WebDriverWait(browser, WAIT_SECONDS).until(settled)
    return found


def _phone(browser: WebDriver) -> tuple[str, str]:
    shown = browser.execute_script(
        "var a = document.getElementById('phone'); return [a.textContent, a.getAttribute('href')]"
    )
    return shown[0], shown[1]


def test_the_page_shows_a_pool_number_and_a_call_to_it_is_attributed(
    browser: WebDriver, live: Live, site: ClinicSite, campaign_id: str
) -> None:
    browser.get(site.url("127.0.0.1", LANDING))
    assert _dni_state(browser) == "swapped"
    text, href = _phone(browser)
    number = href.removeprefix("tel:")
    assert number in POOL and text == f"(202) 555-{number[-4:]}"
    stored_id = browser.execute_script(
        "return JSON.parse(sessionStorage.getItem('cv_dni')).session_id"
    )
    assert browser.get_cookies() == []  # sessionStorage only

    with open_keyring(live.settings) as (session, _):
        stored = session.execute(select(DniSession).where(DniSession.id == stored_id)).scalar_one()
        assert stored.number == number and stored.landing_path == "/book/checkup"
        assert (stored.utm_source, stored.utm_medium, stored.utm_campaign) == (
            "newsletter",
            "email",
            "spring",
        )
        assert stored.gclid == "synthetic-gclid-7"
        kept = " ".join(str(value) for value in vars(stored).values())
        assert "Quinn" not in kept and "1970-01-01" not in kept and "patient" not in kept

    browser.refresh()  # the same tab: the same session and number
    assert _dni_state(browser) == "swapped" and _phone(browser)[1] == href

    started = datetime.now(UTC) + timedelta(minutes=2)
    payload = call_payload(
        tracking_number=number,
        campaign=None,
        started_at=started.isoformat(),
        ended_at=(started + timedelta(minutes=3)).isoformat(),
    )
    with live.client() as api:
        created = api.post(
            "/api/v1/calls", json=payload, headers=integration_headers(live.settings)
        )
        assert created.status_code == 201, created.text
        call_id = created.json()["id"]
    with open_keyring(live.settings) as (session, _):
        call = session.execute(select(Call).where(Call.id == call_id)).scalar_one()
        assert (call.dni_session_id, call.campaign_id) == (stored_id, campaign_id)
        assert call.campaign == "web-visits"


def test_a_page_of_an_origin_not_allowed_keeps_its_number(
    browser: WebDriver, live: Live, site: ClinicSite, campaign_id: str
) -> None:
    with open_keyring(live.settings) as (session, _):
        before = len(session.execute(select(DniSession.id)).all())
    browser.get(site.url("localhost", "/book/checkup?utm_source=newsletter"))
    assert _dni_state(browser) == "unchanged"
    assert _phone(browser) == (PRINTED_NUMBER, "tel:+12025550100")
    with open_keyring(live.settings) as (session, _):
        assert len(session.execute(select(DniSession.id)).all()) == before
    with live.client() as anyone:  # the script itself is public
        assert anyone.get("/dni.js").status_code == 200
