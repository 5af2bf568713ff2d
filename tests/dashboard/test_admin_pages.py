"""The administration pages over HTTP: CSRF on every form, invalid input answered with
the form again (422, a message on the field, nothing changed), the step-up detour, a
temporary password shown once and the sign-in that must change it, break-glass."""

from __future__ import annotations

import re

import httpx

from tests.dashboard.admin_support import (
    csrf,
    field_error,
    hidden,
    next_code,
    signed_in_client,
    step_up,
)
from tests.dashboard.conftest import Live, PersonFactory, fresh_code


def api_user(client: httpx.Client, user_id: str) -> dict[str, object]:
    answer = client.get(f"/api/v1/users/{user_id}")
    assert answer.status_code == 200
    found: dict[str, object] = answer.json()
    return found


def emails(client: httpx.Client) -> set[str]:
    answer = client.get("/api/v1/users", params={"limit": 200})
    return {user["email"] for user in answer.json()["items"]}


def assert_html(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-store"


def test_a_form_posted_without_its_csrf_token_or_with_a_wrong_one_changes_nothing(
    live: Live, people: PersonFactory
) -> None:
    admin, target = people("admin"), people("agent")
    with signed_in_client(live, admin, "/admin/users") as client:
        policy_before = client.get("/api/v1/policy").json()
        for token in ({}, {"csrf_token": "not-the-token"}):
            answer = client.post(f"/admin/users/{target.id}/deactivate", data=token)
            assert_html(answer, 403)
            answer = client.post(
                "/admin/policy/access",
                data={
                    **token,
                    "ip_allowlist": "",
                    "session_idle_minutes": "3",
                    "session_absolute_minutes": "30",
                },
            )
            assert_html(answer, 403)
            answer = client.post("/admin/users", data={**token, "email": "csrf@clinic-a.example"})
            assert_html(answer, 403)
        assert api_user(client, target.id)["active"] is True
        assert client.get("/api/v1/policy").json() == policy_before
        assert "csrf@clinic-a.example" not in emails(client)
        # With the token, the same deactivation goes through.
        done = client.post(
            f"/admin/users/{target.id}/deactivate", data={"csrf_token": csrf(client)}
        )
        assert done.status_code == 303
        assert done.headers["location"] == f"/admin/users/{target.id}?notice=user-deactivated"
        assert api_user(client, target.id)["active"] is False


def test_invalid_input_shows_the_form_again_with_the_fields_message_and_changes_nothing(
    live: Live, people: PersonFactory
) -> None:
    admin = people("admin")
    with signed_in_client(live, admin, "/admin/users") as client:
        token = csrf(client)
        users_before = emails(client)
        answer = client.post(
            "/admin/users",
            data={"csrf_token": token, "email": "not an e-mail", "password": "short"},
        )
        assert_html(answer, 422)
        assert "pattern" in field_error(answer, "email")
        assert "12 characters" in field_error(answer, "password")
        assert 'value="not an e-mail"' in answer.text  # kept; the password never is
        answer = client.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "email": "common@clinic-a.example",
                "password": "aaaaaaaaaaaa",
            },
        )
        assert_html(answer, 422)
        assert "common" in field_error(answer, "password")
        assert emails(client) == users_before

        policy_before = client.get("/api/v1/policy").json()
        for data, field in (
            ({"session_idle_minutes": "abc"}, "session_idle_minutes"),
            ({"session_idle_minutes": "999"}, "session_idle_minutes"),
            ({"ip_allowlist": "not-a-network"}, "ip_allowlist"),
            ({"ip_allowlist": "192.0.2.0/24"}, "ip_allowlist"),  # shuts this client out
        ):
            form = {
                "csrf_token": token,
                "ip_allowlist": "",
                "session_idle_minutes": "10",
                "session_absolute_minutes": "120",
                **data,
            }
            answer = client.post("/admin/policy/access", data=form)
            assert_html(answer, 422)
            assert field_error(answer, field)
        assert client.get("/api/v1/policy").json() == policy_before
        redaction_before = client.get("/api/v1/policy/redaction").json()
        answer = client.post(
            "/admin/policy/redaction",
            data={"csrf_token": token, "redaction_operator": "shout", "clinic_phones": "12"},
        )
        assert_html(answer, 422)
        assert field_error(answer, "redaction_operator")
        assert field_error(answer, "clinic_phones").startswith("line 1")
        assert client.get("/api/v1/policy/redaction").json() == redaction_before

        tokens_before = client.get("/api/v1/tokens").json()
        for data, field in (
            ({"role": "integration", "expires_in_days": "0"}, "expires_in_days"),
            ({"role": "admin", "expires_in_days": "30"}, "role"),
            ({"role": "integration", "expires_in_days": "30", "scopes": "user:admin"}, "scopes"),
        ):
            answer = client.post(
                "/admin/tokens", data={"csrf_token": token, "name": "ingest", **data}
            )
            assert_html(answer, 422)
            assert field_error(answer, field)
            assert 'id="new-token"' not in answer.text
        assert client.get("/api/v1/tokens").json() == tokens_before

        answer = client.post(
            "/account/break-glass",
            data={"csrf_token": token, "permission": "audit:read", "minutes": "30", "reason": "x"},
        )
        assert_html(answer, 422)
        assert "20 characters" in field_error(answer, "reason")


def test_an_action_needing_a_step_up_goes_through_the_step_up_page_then_works(
    live: Live, people: PersonFactory
) -> None:
    admin, target = people("admin"), people("agent")
    user_page = f"/admin/users/{target.id}"
    with signed_in_client(live, admin, "/admin/users") as client:
        roles = {"csrf_token": csrf(client), "roles": ["supervisor"]}
        answer = client.post(f"{user_page}/roles", data=roles)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/account/step-up?next={user_page}"
        assert api_user(client, target.id)["roles"] == ["agent"]

        page = client.get(answer.headers["location"])
        assert_html(page, 200)
        assert 'autocomplete="one-time-code"' in page.text
        assert hidden(page, "next") == user_page
        wrong = client.post(
            "/account/step-up",
            data={"code": "000000", "next": user_page, "csrf_token": csrf(client)},
        )
        assert_html(wrong, 403)
        assert "did not work" in field_error(wrong, "code")

        session_before = client.cookies.get("callvault_session")
        done = client.post(
            "/account/step-up",
            data={"code": next_code(admin), "next": user_page, "csrf_token": csrf(client)},
        )
        assert done.status_code == 303
        assert done.headers["location"] == user_page
        assert client.cookies.get("callvault_session") != session_before  # rotated
        saved = client.post(f"{user_page}/roles", data={**roles, "csrf_token": csrf(client)})
        assert saved.status_code == 303
        assert saved.headers["location"] == f"{user_page}?notice=roles-saved"
        assert api_user(client, target.id)["roles"] == ["supervisor"]
        # The old CSRF token went with the old session id.
        stale = client.post(f"{user_page}/unlock", data={"csrf_token": roles["csrf_token"]})
        assert stale.status_code == 403


def test_step_up_returns_only_to_a_page_of_this_site(live: Live, people: PersonFactory) -> None:
    admin = people("admin")
    with signed_in_client(live, admin) as client:
        for target in ("https://evil.example/", "//evil.example/x"):
            page = client.get("/account/step-up", params={"next": target})
            assert hidden(page, "next") == "/"


def test_a_password_reset_is_shown_once_and_its_sign_in_must_change_it(
    live: Live, people: PersonFactory
) -> None:
    admin, target = people("admin"), people("agent")
    with signed_in_client(live, admin, "/admin/users") as client:
        step_up(client, admin)
        shown = client.post(
            f"/admin/users/{target.id}/password-reset", data={"csrf_token": csrf(client)}
        )
        assert_html(shown, 200)
        temporary = re.search(r'id="temporary-password">([^<]+)<', shown.text)
        assert temporary is not None
        password = temporary.group(1)
        again = client.get(f"/admin/users/{target.id}")
        assert password not in again.text
        assert "must be changed at next sign-in" in again.text

    with live.client() as client:
        token = hidden(client.get("/signin"), "signin_token")
        answer = client.post(
            "/signin",
            data={"email": target.email, "password": password, "signin_token": token},
        )
        assert hidden(answer, "next") == "/account/password"
        done = client.post(
            "/signin/mfa",
            data={
                "challenge": hidden(answer, "challenge"),
                "code": fresh_code(target),
                "signin_token": token,
                "next": "/account/password",
            },
        )
        assert done.status_code == 200  # the first sign-in: recovery codes, then on
        assert 'href="/account/password"' in done.text
        assert client.get("/calls").status_code == 403  # this session may only change it
        page = client.get("/account/password")
        assert_html(page, 200)
        assert "temporary password" in page.text
        changed = client.post(
            "/account/password",
            data={
                "current_password": password,
                "new_password": "a-brand-new-Passphrase-2291",
                "code": next_code(target),
                "csrf_token": csrf(client),
            },
        )
        assert changed.status_code == 303
        assert changed.headers["location"] == "/account/password?notice=password-changed"
        assert client.get("/calls").status_code == 200


def test_break_glass_is_asked_for_and_approved_through_the_pages(
    live: Live, people: PersonFactory
) -> None:
    agent, supervisor = people("agent"), people("supervisor")
    reason = "Covering the compliance desk during an outage today"
    with signed_in_client(live, agent) as asker, signed_in_client(live, supervisor) as approver:
        asked = asker.post(
            "/account/break-glass",
            data={
                "csrf_token": csrf(asker),
                "permission": "audit:read",
                "minutes": "15",
                "reason": reason,
            },
        )
        assert asked.status_code == 303
        location = asked.headers["location"]
        assert location.startswith("/account/break-glass/")
        assert "pending" in asker.get(location).text
        assert asker.get("/admin/elevations").status_code == 403  # no elevation:approve

        elevation_id = location.split("?")[0].split("/")[-1]
        queue = approver.get("/admin/elevations")
        assert_html(queue, 200)
        assert reason in queue.text
        approved = approver.post(
            f"/admin/elevations/{elevation_id}/approve", data={"csrf_token": csrf(approver)}
        )
        assert approved.status_code == 303
        assert approved.headers["location"] == "/admin/elevations?notice=elevation-approved"
        again = approver.post(
            f"/admin/elevations/{elevation_id}/deny", data={"csrf_token": csrf(approver)}
        )
        assert_html(again, 409)  # decided already
        assert "approved" in asker.get(location).text


def test_custom_roles_are_created_edited_and_deleted_after_a_step_up(
    live: Live, people: PersonFactory
) -> None:
    admin = people("admin")
    name = f"reviewer-{admin.id[:6]}"

    def catalog(client: httpx.Client) -> dict[str, dict[str, object]]:
        return {role["name"]: role for role in client.get("/api/v1/roles").json()["items"]}

    with signed_in_client(live, admin, "/admin/roles") as client:
        step_up(client, admin)
        token = csrf(client)
        bad = client.post("/admin/roles", data={"csrf_token": token, "name": "Bad Name"})
        assert_html(bad, 422)
        assert field_error(bad, "name")
        taken = client.post("/admin/roles", data={"csrf_token": token, "name": "agent"})
        assert_html(taken, 409)
        assert "exists" in field_error(taken, "name")
        made = client.post(
            "/admin/roles",
            data={"csrf_token": token, "name": name, "allow": ["call:read", "report:read"]},
        )
        assert made.status_code == 303
        assert made.headers["location"] == "/admin/roles?notice=role-created"
        assert catalog(client)[name]["allow"] == ["call:read", "report:read"]

        unknown = client.post(f"/admin/roles/{name}", data={"csrf_token": token, "allow": "x:y"})
        assert_html(unknown, 422)
        assert field_error(unknown, "allow")
        builtin = client.post(
            "/admin/roles/agent", data={"csrf_token": token, "allow": "call:read"}
        )
        assert_html(builtin, 409)
        saved = client.post(
            f"/admin/roles/{name}",
            data={"csrf_token": token, "allow": ["call:read"], "deny": ["call:read_phi"]},
        )
        assert saved.status_code == 303
        assert catalog(client)[name]["deny"] == ["call:read_phi"]
        page = client.get(f"/admin/roles/{name}")
        assert_html(page, 200)
        assert 'value="call:read_phi" checked' in page.text

        deleted = client.post(f"/admin/roles/{name}/delete", data={"csrf_token": token})
        assert deleted.status_code == 303
        assert name not in catalog(client)
