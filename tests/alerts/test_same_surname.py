"""Same surname, end to end: a call read through the API carries the caller's surname
as a keyed hash in its audit event, and the watcher matches it to the reader's own
family name (set when the user is created, by the admin API or by SCIM)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent, AuditLog
from callvault.audit.runtime import runtime
from callvault.cli.vault import open_keyring
from callvault.identity.models import User
from callvault.settings import Settings
from tests._vault import TokenFactory
from tests.alerts.conftest import alerts, watch
from tests.calls.factories import call_payload
from tests.identity.conftest import PASSWORD, Person, SessionFactory, UserFactory

CALLS = "/api/v1/calls"


def new_call(client: TestClient, auth: TokenFactory, caller_name: str) -> str:
    response = client.post(
        CALLS, json=call_payload(caller_name=caller_name), headers=auth("integration")
    )
    assert response.status_code == 201, response.text
    call_id: str = response.json()["id"]
    return call_id


def reader(vault: Settings, make_user: UserFactory, role: str, family_name: str) -> Person:
    person = make_user(role)
    with open_keyring(vault) as (session, _):
        session.get_one(User, person.id).family_name = family_name
        session.commit()
    return person


def same_surname_actors(vault: Settings) -> list[str]:
    return [alert.actor_id for alert in alerts(vault, "same_surname")]


def test_reading_a_caller_with_your_own_surname_alerts(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    call_id = new_call(client, auth, "Quinn Fictional")
    person = reader(vault, make_user, "supervisor", "FICTIONAL")
    signed_in(person)
    assert client.get(f"{CALLS}/{call_id}").status_code == 200
    watch(vault)
    assert same_surname_actors(vault) == [person.id]


def test_the_audit_event_holds_the_surname_hashed_never_in_clear(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    tenant: str,
) -> None:
    call_id = new_call(client, auth, "Quinn Fictional")
    signed_in(reader(vault, make_user, "agent", "Elsewhere"))
    client.get(f"{CALLS}/{call_id}")
    with open_keyring(vault) as (session, _):
        terms = session.execute(
            select(AuditEvent.hashed_terms).where(AuditEvent.action == "call:read")
        ).scalar_one()
        secret = session.get_one(AuditLog, tenant).wrapped_secret
        expected = runtime(session).keys.term_hash(tenant, secret, "surname:fictional")
    assert terms == expected
    assert "fictional" not in terms.lower()


def test_a_different_surname_or_a_masked_view_raises_nothing(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    call_id = new_call(client, auth, "Quinn Fictional")
    signed_in(reader(vault, make_user, "supervisor", "Fictitious"))
    assert client.get(f"{CALLS}/{call_id}").status_code == 200
    # Marketing sees no caller name: nothing about the caller reaches the audit event.
    signed_in(reader(vault, make_user, "marketing", "Fictional"))
    assert client.get(f"{CALLS}/{call_id}").status_code == 200
    watch(vault)
    assert same_surname_actors(vault) == []


def test_a_search_that_shows_the_name_counts_and_accents_do_not_matter(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    new_call(client, auth, "Zoë Ñúñez")
    new_call(client, auth, "Quinn Fictional")
    person = reader(vault, make_user, "agent", "Nunez")
    signed_in(person)
    assert client.get(CALLS).status_code == 200
    watch(vault)
    assert same_surname_actors(vault) == [person.id]


def test_family_name_is_taken_at_creation_by_the_admin_api_and_scim(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    csrf = signed_in(make_user("admin"))
    created = client.post(
        "/api/v1/users",
        json={"email": "fam1@clinic-a.example", "password": PASSWORD, "family_name": "Fictional"},
        headers=csrf,
    )
    assert created.status_code == 201, created.text
    provisioned = client.post(
        "/scim/v2/Users",
        json={
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "fam2@clinic-a.example",
            "name": {"givenName": "Zoë", "familyName": "Ñúñez"},
        },
        headers=auth("scim"),
    )
    assert provisioned.status_code == 201, provisioned.text
    with open_keyring(vault) as (session, _):
        admin_made = session.get_one(User, created.json()["id"])
        scim_made = session.get_one(User, provisioned.json()["id"])
        assert (admin_made.family_name, scim_made.family_name) == ("Fictional", "Ñúñez")
