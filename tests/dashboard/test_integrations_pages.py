"""The Integrations page over HTTP: an admin saves the tenant's Twilio settings through
the form (the token is taken once and never shown), reads the webhook addresses to
paste into Twilio, and a save without a telephony BAA, a bad field or a first save
without a token is refused in words and nothing stored; a role without
``integration:admin`` gets the 403 page and no menu entry."""

from __future__ import annotations

import httpx
from twilio.request_validator import RequestValidator

from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind
from tests._baa import record_agreement
from tests._vault import TENANT_A, TENANT_B
from tests.dashboard.admin_support import csrf
from tests.dashboard.conftest import Live, PersonFactory, signed_in_client

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TOKEN = "synthetic-token-" + "9" * 16


def _form(client: httpx.Client, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf(client), **fields}


def _stored(client: httpx.Client) -> httpx.Response:
    return client.get("/api/v1/integrations/twilio")


def test_an_admin_saves_twilio_once_and_the_token_is_never_shown(
    live: Live, people: PersonFactory, module_vault: Settings
) -> None:
    record_agreement(module_vault, TENANT_A, AgreementKind.TELEPHONY)
    with signed_in_client(live, people("admin")) as client:
        page = client.get("/integrations")
        assert page.status_code == 200
        assert '<a href="/integrations"' in page.text
        assert "Twilio is not configured yet." in page.text
        hook = f"{live.url}/webhooks/twilio/{TENANT_A}/voice-status"
        assert f"<code>{hook}</code>" in page.text

        fields = _form(client, account_sid=ACCOUNT_SID, auth_token=TOKEN, forward_to="+12025550100")
        saved = client.post("/integrations/twilio", data=fields)
        assert saved.status_code == 303
        assert saved.headers["location"] == "/integrations?notice=saved"
        page = client.get(saved.headers["location"])
        assert "The Twilio settings were saved." in page.text
        assert "an auth token is stored" in page.text
        assert TOKEN not in page.text
        stored = _stored(client).json()
        assert (stored["account_sid"], stored["forward_to"]) == (ACCOUNT_SID, "+12025550100")
        assert stored["auth_token_set"] is True

        # Saved again without a token: the disclosure changes, the stored token stays.
        fields = _form(client, account_sid=ACCOUNT_SID, disclosure="This call is recorded.")
        assert client.post("/integrations/twilio", data=fields).status_code == 303
        assert _stored(client).json()["disclosure"] == "This call is recorded."
    # Twilio's signature with the first token is still accepted (the TwiML answer).
    params = {"CallSid": "CA" + "1" * 32, "From": "+12025550199", "To": "+12025550101"}
    with live.client() as twilio:
        url = f"{live.url}/webhooks/twilio/{TENANT_A}/voice"
        signature = RequestValidator(TOKEN).compute_signature(url, params)
        answer = twilio.post(url, data=params, headers={"X-Twilio-Signature": signature})
        assert answer.status_code == 200, answer.text
        assert "This call is recorded." in answer.text


def test_no_baa_bad_fields_and_a_first_save_without_a_token_store_nothing(
    live: Live, people: PersonFactory, module_vault: Settings
) -> None:
    with signed_in_client(live, people("admin", tenant=TENANT_B)) as client:
        good = _form(client, account_sid=ACCOUNT_SID, auth_token=TOKEN)
        no_baa = client.post("/integrations/twilio", data=good)
        assert no_baa.status_code == 403
        assert 'id="refusal"' in no_baa.text and "telephony" in no_baa.text
        assert _stored(client).status_code == 404

        record_agreement(module_vault, TENANT_B, AgreementKind.TELEPHONY)
        bad = _form(client, account_sid="AC-not-a-sid", auth_token=TOKEN)
        refused = client.post("/integrations/twilio", data=bad)
        assert refused.status_code == 422
        assert 'id="account_sid-error"' in refused.text
        assert 'value="AC-not-a-sid"' in refused.text  # the form is shown again as typed
        assert TOKEN not in refused.text  # but never the token

        no_token = client.post("/integrations/twilio", data=_form(client, account_sid=ACCOUNT_SID))
        assert no_token.status_code == 422
        assert "auth_token is required the first time" in no_token.text
        assert _stored(client).status_code == 404


def test_a_role_without_the_permission_gets_the_403_page_and_no_entry(
    live: Live, people: PersonFactory
) -> None:
    with signed_in_client(live, people("supervisor")) as client:
        assert client.get("/integrations").status_code == 403
        fields = _form(client, account_sid=ACCOUNT_SID, auth_token=TOKEN)
        assert client.post("/integrations/twilio", data=fields).status_code == 403
        assert '<a href="/integrations"' not in client.get("/calls").text
