"""The dashboard under test: the app served over HTTPS on a loopback port (uvicorn in a
thread of the test process), people of each role, and a real headless Chromium
(Debian's ``chromium`` and ``chromedriver``, which ``./scripts/test.sh`` installs)
driven through Selenium.

The browser tests run in the SQLite pass only: what a page does is the same on either
database, and the services under the pages run on both through the API tests.

One server and one browser per test module: a page test signs in, looks, and leaves
the vault as a user would, so the tests of a module share them. Tests that must not
see each other's data use their own users (``people``) or their own module.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pyotp
import pytest
import uvicorn
from fastapi import FastAPI
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from callvault.cli.vault import open_keyring
from callvault.db.base import utcnow
from callvault.identity.passwords import hash_password
from callvault.identity.users import create_user
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from callvault.web.app import create_app
from callvault.web.tls import ensure_self_signed_certificate
from tests._vault import TENANT_A, VaultTemplate, copied_vault

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PASSWORD = "synthetic-Passphrase-4417"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
WAIT_SECONDS = 15


@dataclass(frozen=True)
class Person:
    email: str
    password: str
    totp_secret: str
    roles: tuple[str, ...]
    id: str

    def code(self) -> str:
        """A code of the current time step: each may be used once, so wait out a used one."""
        return pyotp.TOTP(self.totp_secret).at(utcnow().timestamp())


@dataclass
class Live:
    """The served app: its address, its vault's settings, and its app object."""

    url: str
    settings: Settings
    app: FastAPI
    cert: Path

    def client(self, cookies: dict[str, str] | None = None) -> httpx.Client:
        """An HTTP client for the same server (API calls beside the browser)."""
        verify = ssl.create_default_context(cafile=str(self.cert))
        return httpx.Client(
            base_url=self.url, verify=verify, follow_redirects=False, cookies=cookies
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def module_vault(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _vault_template: VaultTemplate,
) -> Iterator[Settings]:
    """A copy of the run's initialised vault (tenants ``clinic-a``, ``clinic-b``) for
    this module alone."""
    root = tmp_path_factory.mktemp("dashboard-vault")
    with copied_vault(request, _vault_template, root) as (settings, _):
        yield settings


@pytest.fixture(scope="module")
def live(module_vault: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on ``module_vault``, served over HTTPS (the session cookie is ``Secure``)."""
    pair = ensure_self_signed_certificate(tmp_path_factory.mktemp("tls"))
    app = create_app(module_vault)
    port = _free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ssl_certfile=str(pair.cert),
        ssl_keyfile=str(pair.key),
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=2,  # the browser keeps its connections open
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="dashboard-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the dashboard test server did not start")
        time.sleep(0.02)
    yield Live(f"https://127.0.0.1:{port}", module_vault, app, pair.cert)
    server.should_exit = True
    thread.join(timeout=30)


PersonFactory = Callable[..., Person]


@pytest.fixture(scope="module")
def people(module_vault: Settings) -> PersonFactory:
    """``people("supervisor")`` -> a new user of tenant A with these roles, not yet
    enrolled in TOTP (``enrolled(...)`` signs them in once through the pages)."""
    counter = iter(range(1, 10_000))

    def make(*roles: str, tenant: str = TENANT_A) -> Person:
        address = f"dash{next(counter)}.{'-'.join(roles) or 'none'}@{tenant}.example"
        hashed = hash_password(PASSWORD)
        with open_keyring(module_vault) as (db, keyring):
            user, uri = create_user(
                db, keyring, get_tenant(db, tenant).id, address, hashed, list(roles)
            )
            db.commit()
            user_id = user.id
        secret = parse_qs(urlparse(uri).query)["secret"][0]
        return Person(address, PASSWORD, secret, tuple(roles), user_id)

    return make


def chromium_options(download_dir: Path) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",  # the suite runs as root in CI containers
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",  # the machine's network is closed
        "--disable-component-update",
        "--disable-sync",
        "--ignore-certificate-errors",  # the test server's self-signed certificate
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(download_dir)})
    return options


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, live: Live) -> Iterator[WebDriver]:
    """Headless Chromium for the module. It asks for ``live`` so that it quits first:
    a server stopped under the browser's open connections waits out its graceful
    timeout (2 s a module)."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(
            "the browser tests need Debian's chromium and chromium-driver "
            "(./scripts/test.sh installs them: apt-get install chromium chromium-driver)"
        )
    options = chromium_options(tmp_path_factory.mktemp("downloads"))
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_until_replaced(browser: WebDriver, element: WebElement) -> None:
    """Wait until the page that held ``element`` has been replaced (a form's answer).

    Selenium's ``staleness_of`` expects a StaleElementReferenceException, but mid-load
    chromedriver may answer "Node with given id does not belong to the document"
    instead: either means the old page is gone."""

    def gone(_: WebDriver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(browser, WAIT_SECONDS).until(gone)


def wait_for(browser: WebDriver, by: str, value: str) -> object:
    return WebDriverWait(browser, WAIT_SECONDS).until(
        expected_conditions.presence_of_element_located((by, value))
    )


def sign_in(
    browser: WebDriver,
    live: Live,
    person: Person,
    next_path: str = "/calls",
    code: str | None = None,
) -> list[str]:
    """Through the pages, as a person would: password, then a TOTP code (or ``code``,
    a recovery code say), enrolling on the first sign-in. Ends on ``next_path`` and
    returns the recovery codes the first sign-in showed (else ``[]``).

    A TOTP code works once: signing the same person in twice within 30 seconds waits
    for the next one, so a test that signs in again should pass a recovery code."""
    browser.delete_all_cookies()
    browser.get(f"{live.url}{next_path}")
    wait_for(browser, By.NAME, "email").send_keys(person.email)
    browser.find_element(By.NAME, "password").send_keys(person.password)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(browser, By.NAME, "code").send_keys(code or fresh_code(person))
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda b: "/signin" not in b.current_url or b.find_elements(By.ID, "recovery-codes")
    )
    recovery_codes = [
        e.text for e in browser.find_elements(By.CSS_SELECTOR, "#recovery-codes code")
    ]
    if recovery_codes:
        browser.find_element(By.LINK_TEXT, "I have saved them: continue").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda b: urlparse(b.current_url).path == next_path)
    return recovery_codes


_used_codes: dict[str, set[str]] = {}


def fresh_code(person: Person) -> str:
    """A TOTP code this person has not used yet (each time step's code works once)."""
    used = _used_codes.setdefault(person.id, set())
    while (code := person.code()) in used:
        time.sleep(0.5)
    used.add(code)
    return code


def screenshot(browser: WebDriver, name: str) -> Path:
    """Save the page as ``test-artifacts/dashboard/<name>.png`` (linked from docs/dashboard.md)."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError("a screenshot name is lowercase words and dashes")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


def serious_accessibility_violations(browser: WebDriver) -> list[str]:
    """axe-core's serious and critical findings on the current page (rule ids and where)."""
    from axe_selenium_python import Axe

    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    found = []
    for violation in results["violations"]:
        nodes = [n for n in violation["nodes"] if not _known_false_positive(violation, n)]
        if nodes and violation.get("impact") in {"serious", "critical"}:
            found.append(f"{violation['id']}: {', '.join(str(n['target']) for n in nodes[:3])}")
    return found


def _known_false_positive(violation: dict[str, Any], node: dict[str, Any]) -> bool:
    # The axe-core that axe-selenium-python ships (3.1) predates the HTML token
    # ``one-time-code``, which the sign-in contract requires on the TOTP field.
    return violation["id"] == "autocomplete-valid" and 'autocomplete="one-time-code"' in str(
        node.get("html", "")
    )


def _field(page: httpx.Response, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page.text)
    assert found is not None, f"no {name} field on the page"
    return found.group(1)


@contextmanager
def signed_in_client(live: Live, person: Person) -> Iterator[httpx.Client]:
    """A client signed in as ``person`` through the sign-in forms a browser posts
    (httpx, for the page tests that check status codes and headers): it holds the
    session and CSRF cookies."""
    with live.client() as client:
        yield _signed_in(client, person)


def _signed_in(client: httpx.Client, person: Person) -> httpx.Client:
    token = _field(client.get("/signin"), "signin_token")
    form = {"email": person.email, "password": person.password, "signin_token": token}
    challenge = _field(client.post("/signin", data=form), "challenge")
    done = client.post(
        "/signin/mfa",
        data={"challenge": challenge, "code": fresh_code(person), "signin_token": token},
    )
    assert done.status_code in (200, 303), done.text
    assert "callvault_csrf" in client.cookies
    return client
