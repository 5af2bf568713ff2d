"""No page shows what the API withholds from the same person: for every built-in role
a person can sign in with, the calls table and a call page are compared with the API's
answers to the same session."""

from __future__ import annotations

import html
import re

import pytest

from tests.dashboard._calls import (
    CALLER,
    CALLER_NAME,
    NOTES,
    api_session,
    create_call,
    integration_headers,
    put_recording,
    put_transcript,
    run_pipeline,
)
from tests.dashboard.conftest import Live, PersonFactory

# Said in the call and redacted from its transcript; shown only as the caller's name.
SPOKEN = "hello this is Quinn Fictional calling to reschedule my visit"
SIGN_IN_ROLES = ("agent", "supervisor", "marketing", "compliance_officer", "admin")


@pytest.fixture(scope="module")
def call_id(live: Live) -> str:
    headers = integration_headers(live.settings)
    with live.client() as client:
        made = create_call(client, headers, caller_name=CALLER_NAME, notes=NOTES)
        put_transcript(client, headers, made, SPOKEN)
        put_recording(client, headers, made)
    run_pipeline(live.settings)
    return made


def text_of(page: str) -> str:
    """What a person reads on the page: the text of ``<main>``, tags and markup gone."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("role", SIGN_IN_ROLES)
def test_pages_show_no_more_than_the_api_gives_the_same_session(
    live: Live, people: PersonFactory, call_id: str, role: str
) -> None:
    with api_session(live, people(role)) as signed_in:
        client = signed_in.client
        api_call = client.get(f"/api/v1/calls/{call_id}")
        api_list = client.get("/api/v1/calls")
        api_transcript = client.get(f"/api/v1/calls/{call_id}/transcript")
        api_recording = client.get(
            f"/api/v1/calls/{call_id}/recording", headers={"Range": "bytes=0-0"}
        )
        call_page = client.get(f"/calls/{call_id}")
        list_page = client.get("/calls")

    assert call_page.status_code == api_call.status_code, role
    assert list_page.status_code == api_list.status_code, role
    if api_call.status_code == 403:
        assert "Permission denied" in call_page.text  # a 403 page, not a blank one
        for withheld in (CALLER, CALLER_NAME, NOTES, "Quinn"):
            assert withheld not in call_page.text and withheld not in list_page.text
        return

    shown = api_call.json()
    page_text, list_text = text_of(call_page.text), text_of(list_page.text)
    for field, value in (("caller_number", CALLER), ("caller_name", CALLER_NAME), ("notes", NOTES)):
        if shown.get(field) == value:
            assert value in page_text, (role, field)
        else:  # masked or withheld by the API: the page has at most the masked form
            assert value not in call_page.text and value not in list_page.text, (role, field)
            assert (shown.get(field) or "") in page_text, (role, field)
    assert shown["caller_number"] in list_text

    if api_transcript.status_code == 200:
        assert 'id="transcript"' in call_page.text
        assert "reschedule" in page_text
    else:  # no transcript:read: not a word of it on the page
        assert 'id="transcript"' not in call_page.text and "reschedule" not in page_text
    if shown.get("caller_name") != CALLER_NAME:
        assert "Quinn" not in call_page.text  # neither as metadata nor from the transcript
    assert ("<audio" in call_page.text) == (api_recording.status_code == 206), role
