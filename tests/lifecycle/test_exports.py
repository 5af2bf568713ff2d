"""``/api/v1/exports``: a bulk export asked for by one person, approved by a second,
built by the jobs process's builder, sealed under the requester's passphrase,
watermarked for its recipient, and downloadable once."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from callvault.cli.main import app
from callvault.cli.vault import open_keyring
from callvault.crypto.errors import DecryptionFailed
from callvault.db.base import utcnow
from callvault.db.tenancy import all_tenants
from callvault.lifecycle import bundle, exports
from callvault.lifecycle.access_cli import PASSPHRASE_ENV, check_manifest
from callvault.lifecycle.bundle import open_bundle
from callvault.lifecycle.exports_models import Export
from callvault.settings import Settings
from callvault.web.background import jobs_running
from tests._vault import TENANT_B, TokenFactory
from tests.identity.conftest import Person, SessionFactory, UserFactory

from ._lifecycle import OLD, RECENT, TRANSCRIPT_CANARY, build_exports, events, make_call

EXPORTS = "/api/v1/exports"
REAL_SCRYPT = bundle.Scrypt
PASSPHRASE = "a synthetic export passphrase"
RECIPIENT_ID = "auditor-7731"


def ask(**overrides: Any) -> dict[str, Any]:
    return {
        "reason": "Synthetic quality audit of January calls",
        "recipient_name": "Example Audit Partners (synthetic)",
        "recipient_id": RECIPIENT_ID,
        "passphrase": PASSPHRASE,
        "parts": ["transcripts", "recordings"],
        "since": "2026-01-01T00:00:00Z",
        "until": "2026-02-01T00:00:00Z",
    } | overrides


def requested(client: TestClient, csrf: dict[str, str], **overrides: Any) -> str:
    answer = client.post(EXPORTS, json=ask(**overrides), headers=csrf)
    assert answer.status_code == 201, answer.text
    export_id: str = answer.json()["id"]
    return export_id


def approve(client: TestClient, csrf: dict[str, str], export_id: str) -> Any:
    return client.post(f"{EXPORTS}/{export_id}/approve", headers=csrf)


def link(client: TestClient, csrf: dict[str, str], export_id: str) -> Any:
    return client.post(f"{EXPORTS}/{export_id}/link", headers=csrf)


def opened(sealed: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(open_bundle(sealed, PASSPHRASE)))


@pytest.fixture
def people(make_user: UserFactory) -> tuple[Person, Person]:
    return make_user("supervisor"), make_user("compliance_officer")


def approved_and_built(
    vault: Settings,
    client: TestClient,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
    **overrides: Any,
) -> str:
    requester, approver = people
    export_id = requested(client, signed_in(requester, stepped_up=True), **overrides)
    assert approve(client, signed_in(approver, stepped_up=True), export_id).status_code == 200
    build_exports(vault)
    return export_id


def test_request_approve_build_download_once_and_decrypt(
    tmp_path: Path,
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
) -> None:
    january = make_call(client, auth, OLD)
    make_call(client, auth, RECENT)  # outside the range
    requester, approver = people

    export_id = approved_and_built(vault, client, signed_in, people)
    csrf = signed_in(requester, stepped_up=True)
    url = link(client, csrf, export_id).json()["url"]
    first, second = client.get(url), client.get(url)

    assert first.status_code == 200, first.text
    assert TRANSCRIPT_CANARY.encode() not in first.content  # sealed
    bundle = opened(first.content)
    assert check_manifest(open_bundle(first.content, PASSPHRASE)) == []
    manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["format"] == "callvault-export/v1"
    assert manifest["recipient"] == {"name": ask()["recipient_name"], "id": RECIPIENT_ID}
    assert (manifest["requested_by"], manifest["approved_by"]) == (requester.id, approver.id)
    assert manifest["calls"] == [january]
    transcript = json.loads(bundle.read(f"calls/{january}/transcript.json"))
    assert transcript["watermark"] == f"Exported for {RECIPIENT_ID} under export {export_id}"
    assert second.status_code == 410
    with pytest.raises(DecryptionFailed):
        open_bundle(first.content, "not the passphrase, though long")
    sealed = tmp_path / f"export-{export_id}.cvxb"
    sealed.write_bytes(first.content)
    decrypted = CliRunner().invoke(
        app, ["access", "decrypt", str(sealed)], env={PASSPHRASE_ENV: PASSPHRASE}
    )
    assert decrypted.exit_code == 0 and "every file matches" in decrypted.output
    assert [e.outcome for e in events(vault, "export:build")] == ["allowed"]
    assert [e.resource_id for e in events(vault, "export:call")] == [january]
    assert [e.reason for e in events(vault, "export:shred")] == ["downloaded"]
    with open_keyring(vault) as (session, _), all_tenants(session):
        row = session.get_one(Export, export_id)
        assert (row.status, row.blob_key, row.wrapped_key) == ("downloaded", None, None)


def test_the_requester_cannot_approve_their_own_export(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    make_call(client, auth, OLD)
    both = make_user("supervisor", "compliance_officer")
    csrf = signed_in(both, stepped_up=True)
    export_id = requested(client, csrf)

    answer = approve(client, csrf, export_id)

    assert answer.status_code == 403
    [refusal] = events(vault, "export:approve")
    assert (refusal.outcome, refusal.resource_id) == ("denied", export_id)
    with open_keyring(vault) as (session, _), all_tenants(session):
        assert session.get_one(Export, export_id).status == "pending"


def test_approval_needs_step_up_and_the_permission(
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
) -> None:
    make_call(client, auth, OLD)
    requester, approver = people
    export_id = requested(client, signed_in(requester, stepped_up=True))

    not_stepped_up = approve(client, signed_in(approver), export_id)
    supervisor = approve(client, signed_in(make_user("supervisor"), stepped_up=True), export_id)
    agent_request = client.post(
        EXPORTS, json=ask(), headers=signed_in(make_user("agent"), stepped_up=True)
    )

    assert not_stepped_up.status_code == 403
    assert supervisor.status_code == 403
    assert agent_request.status_code == 403


def test_an_expired_link_is_404_and_a_new_one_works(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
) -> None:
    make_call(client, auth, OLD)
    export_id = approved_and_built(vault, client, signed_in, people)
    csrf = signed_in(people[0], stepped_up=True)
    url = link(client, csrf, export_id).json()["url"]
    with open_keyring(vault) as (session, _), all_tenants(session):
        past = utcnow() - timedelta(seconds=1)
        session.execute(update(Export).values(link_expires_at=past))
        session.commit()

    expired = client.get(url)
    fresh = client.get(link(client, csrf, export_id).json()["url"])

    assert expired.status_code == 404
    assert fresh.status_code == 200


def test_another_tenants_export_and_another_persons_link_are_not_found(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
) -> None:
    make_call(client, auth, OLD)
    export_id = approved_and_built(vault, client, signed_in, people)
    url = link(client, signed_in(people[0], stepped_up=True), export_id).json()["url"]

    foreign_officer = signed_in(make_user("compliance_officer", tenant=TENANT_B), True)
    foreign_approve = approve(client, foreign_officer, export_id)
    foreign_supervisor = signed_in(make_user("supervisor", tenant=TENANT_B), True)
    foreign_link = link(client, foreign_supervisor, export_id)
    foreign_download = client.get(url)
    colleague = signed_in(make_user("supervisor"), stepped_up=True)
    colleague_download = client.get(url)

    assert foreign_approve.status_code == 404
    assert foreign_link.status_code == 404
    assert foreign_download.status_code == 404
    assert colleague_download.status_code == 404
    assert link(client, colleague, export_id).status_code == 404


def test_limits_a_day_and_calls_per_export(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_call(client, auth, OLD)
    make_call(client, auth, OLD)
    csrf = signed_in(people[0], stepped_up=True)
    monkeypatch.setattr(exports, "MAX_CALLS", 1)
    too_many_calls = client.post(EXPORTS, json=ask(), headers=csrf)
    monkeypatch.setattr(exports, "MAX_CALLS", 1000)
    monkeypatch.setattr(exports, "MAX_REQUESTS_PER_DAY", 2)
    for _ in range(2):
        requested(client, csrf)

    over_the_day = client.post(EXPORTS, json=ask(), headers=csrf)

    assert too_many_calls.status_code == 422 and "at most 1" in too_many_calls.text
    assert over_the_day.status_code == 429
    assert over_the_day.headers["retry-after"]
    with open_keyring(vault) as (session, _), all_tenants(session):
        assert session.query(Export).count() == 2


class CountedScrypt:
    """The library's scrypt, counting its derivations (and the most at once)."""

    derived = 0
    running = 0
    most_at_once = 0
    lock = threading.Lock()

    def __init__(self, **parameters: Any) -> None:
        self._scrypt = REAL_SCRYPT(**parameters)

    def derive(self, key_material: bytes) -> bytes:
        with CountedScrypt.lock:
            CountedScrypt.derived += 1
            CountedScrypt.running += 1
            CountedScrypt.most_at_once = max(CountedScrypt.most_at_once, CountedScrypt.running)
        try:
            time.sleep(0.05)
            return self._scrypt.derive(key_material)
        finally:
            with CountedScrypt.lock:
                CountedScrypt.running -= 1


@pytest.fixture
def counted_scrypt(monkeypatch: pytest.MonkeyPatch) -> type[CountedScrypt]:
    monkeypatch.setattr(CountedScrypt, "derived", 0)
    monkeypatch.setattr(CountedScrypt, "most_at_once", 0)
    monkeypatch.setattr(bundle, "Scrypt", CountedScrypt)
    return CountedScrypt


def test_a_refused_request_derives_no_key(
    client: TestClient,
    auth: TokenFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
    monkeypatch: pytest.MonkeyPatch,
    counted_scrypt: type[CountedScrypt],
) -> None:
    make_call(client, auth, OLD)
    csrf = signed_in(people[0], stepped_up=True)
    monkeypatch.setattr(exports, "MAX_REQUESTS_PER_DAY", 1)
    requested(client, csrf)
    derived_for_the_first = counted_scrypt.derived

    over_the_day = client.post(EXPORTS, json=ask(), headers=csrf)
    originals = client.post(EXPORTS, json=ask(originals=True), headers=csrf)

    assert over_the_day.status_code == 429 and originals.status_code == 403
    assert derived_for_the_first == 1
    assert counted_scrypt.derived == 1


def test_key_derivations_queue_past_the_bound(counted_scrypt: type[CountedScrypt]) -> None:
    headers = [bundle.new_header(log2_n=10) for _ in range(6)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        keys = list(pool.map(lambda h: bundle.derive_key(PASSPHRASE, h), headers))

    assert len(set(keys)) == 6
    assert counted_scrypt.derived == 6
    assert counted_scrypt.most_at_once == bundle.MAX_CONCURRENT_DERIVATIONS


@pytest.mark.parametrize(
    "overrides",
    [
        {"passphrase": "too short"},
        {"since": None, "until": None},  # no filter at all
        {"reason": "short"},
        {"recipient_id": "has spaces in it"},
        {"parts": ["everything"]},
        {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
    ],
)
def test_bad_requests_are_422_and_store_nothing(
    vault: Settings,
    client: TestClient,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
    overrides: dict[str, Any],
) -> None:
    body = {k: v for k, v in ask(**overrides).items() if v is not None}

    answer = client.post(EXPORTS, json=body, headers=signed_in(people[0], stepped_up=True))

    assert answer.status_code == 422
    assert PASSPHRASE not in answer.text
    with open_keyring(vault) as (session, _), all_tenants(session):
        assert session.query(Export).count() == 0


def test_originals_need_the_unredacted_permission(
    client: TestClient, auth: TokenFactory, signed_in: SessionFactory, people: tuple[Person, Person]
) -> None:
    make_call(client, auth, OLD)

    answer = client.post(
        EXPORTS, json=ask(originals=True), headers=signed_in(people[0], stepped_up=True)
    )

    assert answer.status_code == 403


def test_a_filter_that_matches_nothing_is_422(
    client: TestClient, signed_in: SessionFactory, people: tuple[Person, Person]
) -> None:
    answer = client.post(EXPORTS, json=ask(), headers=signed_in(people[0], stepped_up=True))

    assert answer.status_code == 422 and "no call matches" in answer.text


def test_an_unclaimed_export_is_shredded_after_its_time(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
) -> None:
    make_call(client, auth, OLD)
    export_id = approved_and_built(vault, client, signed_in, people)
    with open_keyring(vault) as (session, _), all_tenants(session):
        session.execute(update(Export).values(built_at=utcnow() - timedelta(days=8)))
        session.commit()

    build_exports(vault)

    answer = link(client, signed_in(people[0], stepped_up=True), export_id)
    assert answer.status_code == 410
    assert [e.reason for e in events(vault, "export:shred")] == ["not downloaded in time"]


def test_the_jobs_process_builds_an_approved_export_by_campaign_and_number(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
) -> None:
    wanted = make_call(client, auth, RECENT, recording=False, campaign="fall-flu-2026")
    make_call(client, auth, RECENT, recording=False, campaign="other-campaign")
    make_call(
        client,
        auth,
        RECENT,
        recording=False,
        campaign="fall-flu-2026",
        tracking_number="+12025550112",
    )
    requester, approver = people
    filters = {"since": None, "until": None, "campaign": "fall-flu-2026"}
    body = {k: v for k, v in ask(**filters, tracking_number="(202) 555-0111").items() if v}
    answer = client.post(EXPORTS, json=body, headers=signed_in(requester, stepped_up=True))
    assert answer.status_code == 201, answer.text
    export_id = answer.json()["id"]
    assert answer.json()["calls"] == 1
    assert approve(client, signed_in(approver, stepped_up=True), export_id).status_code == 200

    with jobs_running(vault, tick_seconds=0.05):
        status = "approved"
        for _ in range(200):
            with open_keyring(vault) as (session, _), all_tenants(session):
                status = session.get_one(Export, export_id).status
            if status == "ready":
                break
            time.sleep(0.05)

    assert status == "ready"
    sealed = client.get(link(client, signed_in(requester, True), export_id).json()["url"])
    assert json.loads(opened(sealed.content).read("manifest.json"))["calls"] == [wanted]


def test_two_downloads_at_once_give_the_file_to_one(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    signed_in: SessionFactory,
    people: tuple[Person, Person],
) -> None:
    make_call(client, auth, OLD, recording=False)
    export_id = approved_and_built(vault, client, signed_in, people)
    url = link(client, signed_in(people[0], stepped_up=True), export_id).json()["url"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: client.get(url).status_code, range(2)))

    assert sorted(answers) == [200, 410]
    assert len(events(vault, "export:call")) == 1
