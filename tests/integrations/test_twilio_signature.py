"""The signature check against Twilio's own validator and its documented example."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from callvault.integrations.signature import compute_signature, signature_valid, url_variants
from callvault.integrations.twiml import DEFAULT_DISCLOSURE, answer_twiml

# The example of Twilio's security docs ("Validating requests"). Twilio's
# RequestValidator (twilio 9.13.0) computes 0/KCTR6DLpKmkAf8muzZqo1nDgQ= for it, and so
# do we; the brief's "GvWf1cFY/Q7PnoempGyD5oXAezc=" is not what either computes.
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
DOC_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_the_documented_example() -> None:
    assert compute_signature("12345", DOC_URL, DOC_PARAMS.items()) == DOC_SIGNATURE
    assert RequestValidator("12345").compute_signature(DOC_URL, DOC_PARAMS) == DOC_SIGNATURE
    assert signature_valid("12345", DOC_URL, DOC_PARAMS.items(), DOC_SIGNATURE)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"Body": "héllo wörld ☎", "From": "+12025550101"},
        {"b": "2", "a": "1", "A": "0", "empty": ""},
        {"RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"},
    ],
)
def test_agrees_with_twilios_validator(params: dict[str, str]) -> None:
    url = "https://vault.example.test/webhooks/twilio/clinic-a/voice-status?x=1"
    expected = RequestValidator("token-0123").compute_signature(url, params)
    assert compute_signature("token-0123", url, params.items()) == expected


@pytest.mark.parametrize(
    ("signature", "token", "url", "params"),
    [
        (None, "12345", DOC_URL, DOC_PARAMS),  # missing
        ("", "12345", DOC_URL, DOC_PARAMS),
        (DOC_SIGNATURE, "54321", DOC_URL, DOC_PARAMS),  # another token (rotated: stale)
        (DOC_SIGNATURE, "12345", DOC_URL + "&baz=3", DOC_PARAMS),  # another URL
        (DOC_SIGNATURE, "12345", DOC_URL, {**DOC_PARAMS, "Digits": "9999"}),  # tampered
        (DOC_SIGNATURE, "12345", DOC_URL, {**DOC_PARAMS, "Extra": ""}),  # added
        (DOC_SIGNATURE[:-2], "12345", DOC_URL, DOC_PARAMS),  # truncated
        (DOC_SIGNATURE.lower(), "12345", DOC_URL, DOC_PARAMS),
    ],
)
def test_non_matches(signature: str | None, token: str, url: str, params: dict[str, str]) -> None:
    assert not signature_valid(token, url, params.items(), signature)


def test_the_default_port_may_be_added_or_dropped_on_the_way() -> None:
    with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    assert signature_valid("12345", with_port, DOC_PARAMS.items(), DOC_SIGNATURE)
    assert url_variants("http://h:80/p") == ["http://h:80/p", "http://h/p"]
    assert url_variants("https://h:8443/p") == ["https://h:8443/p"]  # not a default port


def test_twiml_says_the_disclosure_then_dials() -> None:
    xml = answer_twiml("Recorded <for> quality & care", "+12025550142").decode()
    assert xml.index("<Say>Recorded &lt;for&gt; quality &amp; care</Say>") < xml.index("<Dial")
    assert "<Number>+12025550142</Number>" in xml
    fallback = answer_twiml(None, None).decode()
    assert DEFAULT_DISCLOSURE in fallback and "<Hangup />" in fallback
