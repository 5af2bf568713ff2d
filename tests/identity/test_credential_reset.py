"""Admin resets: a one-time temporary password that must be changed at the next
sign-in, and an MFA reset that forces enrolment again. user:admin plus a step-up,
never one's own, sessions ended, everything audited with ids only."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.audit.models import AuditEvent
from callvault.authz.credentials import COOKIE_NAME
from callvault.db.base import utcnow
from callvault.identity.models import RecoveryCode, User
from callvault.settings import Settings
from tests.identity.conftest import Person, SessionFactory, UserFactory
from tests.identity.test_auth_support import (
    LOGOUT,
    SESSION,
    STEP_UP,
    away_from_step_boundary,
    login,
    mfa,
    sign_in,
    store,
    use_cookie,
)

NEW_PASSWORD = "synthetic-Harbour-Lantern-7730"
WRONG = "not-the-Passphrase-9921"


class Admin:
    """A signed-in, stepped-up admin whose cookie the test can put back on the client."""

    def __init__(self, client: TestClient, csrf: dict[str, str], person: Person) -> None:
        self.client, self.csrf, self.person = client, csrf, person
        self.secret = client.cookies.get(COOKIE_NAME)

    def post(self, path: str) -> httpx.Response:
        use_cookie(self.client, self.secret)
        return self.client.post(f"/api/v1/users/{path}", headers=self.csrf)

    def user(self, user_id: str) -> dict[str, object]:
        use_cookie(self.client, self.secret)
        body: dict[str, object] = self.client.get(f"/api/v1/users/{user_id}").json()
        return body


@pytest.fixture
def admin(client: TestClient, make_user: UserFactory, signed_in: SessionFactory) -> Admin:
    person = make_user("admin")
    return Admin(client, signed_in(person, stepped_up=True), person)


@pytest.fixture
def target(make_user: UserFactory) -> Person:
    away_from_step_boundary(6)
    return make_user("supervisor")


def reset_password(admin: Admin, target: Person) -> str:
    answer = admin.post(f"{target.id}/password-reset")
    assert answer.status_code == 200, answer.text
    temporary: str = answer.json()["temporary_password"]
    return temporary


def events(vault: Settings, action: str) -> list[AuditEvent]:
    with store(vault) as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_reset_password_signs_in_once_into_a_session_that_may_only_change_it(
    client: TestClient, admin: Admin, target: Person, vault: Settings
) -> None:
    before = sign_in(client, target, target.code(-1))

    answer = admin.post(f"{target.id}/password-reset")

    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    temporary = answer.json()["temporary_password"]
    expires = answer.json()["expires_at"]
    assert len(temporary) >= 12 and temporary != target.password
    assert timedelta(hours=23) < _parse(expires) - utcnow() <= timedelta(hours=24)
    assert admin.user(target.id)["password_change_required"] is True
    use_cookie(client, before.secret)
    assert client.get(SESSION).status_code == 401  # the reset ended the user's sessions
    assert login(client, target).status_code == 401  # the old password is gone

    first = login(client, target, temporary)
    assert first.status_code == 200 and first.json()["password_change_required"] is True
    restricted = mfa(client, first.json()["challenge"], target.code())
    use_cookie(client, restricted.headers["set-cookie"].split(";")[0].split("=", 1)[1])
    csrf = {"X-CSRF-Token": first.json()["csrf_token"]}

    assert client.get(SESSION).json()["password_change_required"] is True
    assert client.get("/api/v1/calls").status_code == 403  # a supervisor, but not yet
    assert client.post(STEP_UP, json={"code": target.code(1)}, headers=csrf).status_code == 403
    body = {"current_password": temporary, "new_password": NEW_PASSWORD, "code": target.code(1)}
    assert client.post("/api/v1/auth/password", json=body, headers=csrf).status_code == 204
    assert client.get("/api/v1/calls").status_code == 200  # the whole role again
    assert client.get(SESSION).json()["password_change_required"] is False
    assert admin.user(target.id)["password_change_required"] is False


def test_a_temporary_password_works_for_one_sign_in_only(
    client: TestClient, admin: Admin, target: Person
) -> None:
    temporary = reset_password(admin, target)
    wrong = login(client, target, WRONG)

    first = login(client, target, temporary)
    second = login(client, target, temporary)

    assert first.status_code == 200
    assert second.status_code == 401 and second.json() == wrong.json()


def test_an_expired_temporary_password_is_refused(
    client: TestClient, admin: Admin, target: Person, vault: Settings
) -> None:
    temporary = reset_password(admin, target)
    with store(vault) as db:
        db.get_one(User, target.id).temp_password_expires_at = utcnow() - timedelta(seconds=1)

    answer = login(client, target, temporary)

    assert answer.status_code == 401


def test_the_restricted_session_can_log_out(
    client: TestClient, admin: Admin, target: Person
) -> None:
    temporary = reset_password(admin, target)
    first = login(client, target, temporary).json()
    done = mfa(client, first["challenge"], target.code())
    use_cookie(client, done.headers["set-cookie"].split(";")[0].split("=", 1)[1])

    answer = client.post(LOGOUT, headers={"X-CSRF-Token": first["csrf_token"]})

    assert answer.status_code == 204
    assert client.get(SESSION).status_code == 401


def test_an_mfa_reset_ends_sessions_and_the_next_sign_in_enrols_a_new_secret(
    client: TestClient, admin: Admin, target: Person, vault: Settings
) -> None:
    before = sign_in(client, target, target.code(-1))
    assert before.body["recovery_codes"]

    answer = admin.post(f"{target.id}/mfa-reset")

    assert answer.status_code == 204
    use_cookie(client, before.secret)
    assert client.get(SESSION).status_code == 401
    with store(vault) as db:
        assert db.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    again = login(client, target)
    assert again.status_code == 200 and again.json()["enrolment_required"] is True
    secret = parse_qs(urlparse(again.json()["otpauth_uri"]).query)["secret"][0]
    assert secret != target.totp_secret
    assert mfa(client, again.json()["challenge"], target.code()).status_code == 401  # old app
    enrolled = Person(target.id, target.email, target.password, secret, target.tenant)
    done = mfa(client, login(client, target).json()["challenge"], enrolled.code())
    assert done.status_code == 200 and len(done.json()["recovery_codes"]) == 10


@pytest.mark.parametrize("reset", ["password-reset", "mfa-reset"])
def test_nobody_resets_their_own_credentials_this_way(
    admin: Admin, vault: Settings, reset: str
) -> None:
    answer = admin.post(f"{admin.person.id}/{reset}")

    assert answer.status_code == 403
    assert "/auth/password" in answer.json()["detail"]
    action = "user:password_reset" if reset == "password-reset" else "user:mfa_reset"
    assert [(e.outcome, e.resource_id) for e in events(vault, action)] == [
        ("denied", admin.person.id)
    ]


@pytest.mark.parametrize("reset", ["password-reset", "mfa-reset"])
def test_a_reset_needs_a_step_up(
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    target: Person,
    vault: Settings,
    reset: str,
) -> None:
    csrf = signed_in(make_user("admin"))  # signed in, but no fresh TOTP code

    answer = client.post(f"/api/v1/users/{target.id}/{reset}", headers=csrf)

    assert answer.status_code == 403
    assert answer.json()["title"] == "Step-up authentication required"
    action = "user:password_reset" if reset == "password-reset" else "user:mfa_reset"
    assert [e.outcome for e in events(vault, action)] == ["denied"]
    assert login(client, target).status_code == 200  # nothing changed


@pytest.mark.parametrize("reset", ["password-reset", "mfa-reset"])
def test_resets_need_user_admin_and_stay_in_the_tenant(
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    admin: Admin,
    reset: str,
) -> None:
    stranger = make_user("agent", tenant="clinic-b")
    assert admin.post(f"{stranger.id}/{reset}").status_code == 404
    csrf = signed_in(make_user("supervisor"), stepped_up=True)
    other = make_user("agent")

    answer = client.post(f"/api/v1/users/{other.id}/{reset}", headers=csrf)

    assert answer.status_code == 403


def test_resets_are_audited_with_ids_never_secrets_or_addresses(
    admin: Admin, target: Person, vault: Settings
) -> None:
    temporary = reset_password(admin, target)
    assert admin.post(f"{target.id}/mfa-reset").status_code == 204

    trail = events(vault, "user:password_reset") + events(vault, "user:mfa_reset")

    assert [(e.action, e.outcome, e.resource_id, e.actor_id) for e in trail] == [
        ("user:password_reset", "allowed", target.id, admin.person.id),
        ("user:mfa_reset", "allowed", target.id, admin.person.id),
    ]
    for event in trail:
        text = " ".join(str(v) for v in vars(event).values())
        assert temporary not in text and target.email not in text


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
