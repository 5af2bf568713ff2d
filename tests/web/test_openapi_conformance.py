"""The published OpenAPI description against a live ``callvault serve``: schemathesis
generates requests from it and checks that every answer (status, media type, body) is
one the description promises, and that none is a server error.

Four runs, one server, in two lines that run side by side:
- ``session``: a person signed in with password + TOTP and stepped up, holding every
  permission but SCIM's, over every operation except the sign-in steps (which would
  end or replace the session) and those that can take the person's own access away;
- ``session-last``: those, once nothing else needs the session;
- ``ingest``: an ``integration`` token, over the calls API (where it may act, and is
  refused the PHI reads) and the two public sign-in steps;
- ``scim``: a ``scim`` token, over SCIM.

The two token runs act in the other tenant, which the session runs never touch: those
may end clinic-a's BAA or narrow its policy, after which every PHI write there is a 403
and an ingest run would test nothing but the refusal.

``PUT /api/v1/alerts/settings`` is left out (see ``OUTBOUND``); the static tests in
``test_openapi_description.py`` cover its description. About a minute per database on
the 2-core reference machine (two with the token runs after the session runs); both
passes run it, because PostgreSQL refuses input that SQLite stores (a NUL in text was
a 503 there only).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from callvault.settings import Settings
from tests._vault import TENANT_A, TENANT_B
from tests.calls.factories import call_payload
from tests.web._conformance import Run, run_schemathesis
from tests.web._live import add_person_with_every_permission, add_token, served, sign_in

SIGN_IN_STEPS = r"^/api/v1/auth/(logout|login|mfa|step-up)$"
# Operations that may remove the signed-in person's own access if the generator picks
# the person's own id or role: rewriting its role, shortening the session policy,
# requiring workforce training (the person has none), resetting its password or
# authenticator.
SELF_HARMING = (
    r"^/api/v1/(roles/\{name\}|policy|training/policy"
    r"|users/\{[^}]+\}/(password-reset|mfa-reset))$"
)
SCIM = r"^/scim/"
INGEST = r"^/api/v1/(calls|auth/(login|mfa)$)"
# A generated webhook URL can be a public IP literal ("https://1.1"), and the server
# would then deliver alerts to it: no test sends requests to the internet.
OUTBOUND = ("PUT /api/v1/alerts/settings",)


@pytest.mark.slow
def test_every_answer_is_one_the_description_promises(vault: Settings, tmp_path: Path) -> None:
    person = add_person_with_every_permission(vault, TENANT_A)
    ingest = _bearer(add_token(vault, TENANT_B, "integration"))
    scim = _bearer(add_token(vault, TENANT_B, "scim"))
    with served(vault) as url, ThreadPoolExecutor(1) as beside:
        session = sign_in(url, person)  # before the ingest run's sign-ins fill the throttle
        # The token runs act in the other tenant, so they run beside the session runs
        # (a minute off the test's two): neither can change what the other meets.
        in_tenant_b = beside.submit(_token_runs, url, ingest, scim, tmp_path)
        findings = _session_runs(url, session, tmp_path) + in_tenant_b.result()
    findings += _guard_reports(vault)
    assert not findings, (
        f"{len(findings)} conformance findings (reports in {tmp_path}, "
        f"server log in {vault.data_dir}):\n" + "\n".join(findings)
    )


def _guard_reports(vault: Settings) -> list[str]:
    """What the server's guard logged (``callvault.blocking``, recording in every test
    process and the servers they start): blocking work on its event loop, or slow work
    holding a write transaction, on any route the runs reached."""
    return [
        f"guard: {json.loads(line)['error']}"
        for log in vault.data_dir.glob("serve-*.log")
        for line in log.read_text().splitlines()
        if line.startswith("{") and '"logger": "callvault.blocking"' in line
    ]


def _session_runs(url: str, session: dict[str, str], workdir: Path) -> list[str]:
    left_out = f"{SIGN_IN_STEPS}|{SELF_HARMING}|{SCIM}"
    findings = run_schemathesis(
        url, Run("session", session, exclude=left_out, skip=OUTBOUND), workdir
    )
    findings += _still_signed_in(url, session)
    return findings + run_schemathesis(
        url, Run("session-last", session, include=SELF_HARMING), workdir
    )


def _token_runs(url: str, ingest: dict[str, str], scim: dict[str, str], workdir: Path) -> list[str]:
    findings = _creates_calls(url, ingest)
    findings += run_schemathesis(url, Run("ingest", ingest, include=INGEST), workdir)
    return findings + run_schemathesis(url, Run("scim", scim, include=SCIM), workdir)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _creates_calls(url: str, ingest: dict[str, str]) -> list[str]:
    """The ingest run is worth something only where the token may create calls."""
    answer = httpx.post(f"{url}/api/v1/calls", json=call_payload(), headers=ingest, timeout=30)
    if answer.status_code == 201:
        return []
    return [f"ingest: the token cannot create a call ({answer.status_code}): {answer.text}"]


def _still_signed_in(url: str, session: dict[str, str]) -> list[str]:
    """A run that ends its own session silently turns every later request into a 401:
    that hides failures, so it is one."""
    answer = httpx.get(f"{url}/api/v1/auth/session", headers=session, timeout=30)
    if answer.status_code == 200:
        return []
    return [f"session: the session was lost during the run ({answer.status_code} afterwards)"]
