from __future__ import annotations

import pytest

from callvault.redaction.contact import ContactRecognizer
from callvault.redaction.spans import Context, Label

from ._helpers import covered

R = ContactRecognizer()

MATCHES = [
    (
        "send it to jane dot roe at example dot com thanks",
        "jane dot roe at example dot com",
        Label.EMAIL,
    ),
    ("email jroe at mailhost dot net", "jroe at mailhost dot net", Label.EMAIL),
    (
        "it's jane dot roe at proton mail dot com",
        "jane dot roe at proton mail dot com",
        Label.EMAIL,
    ),
    (
        "my email's j roe seventy at example dot com",
        "j roe seventy at example dot com",
        Label.EMAIL,
    ),
    ("it's j r o e at example dot org", "j r o e at example dot org", Label.EMAIL),
    (
        "jane underscore roe two at example dot com",
        "jane underscore roe two at example dot com",
        Label.EMAIL,
    ),
    ("Email: Jane.Roe+x@Example.co.uk.", "Jane.Roe+x@Example.co.uk", Label.EMAIL),
    (
        "Portal: https://portal.example.org/p/jroe?id=7.",
        "https://portal.example.org/p/jroe?id=7",
        Label.URL,
    ),
    ("see www.example.com/jroe, ok", "www.example.com/jroe", Label.URL),
    (
        "go to w w w dot example dot com slash jroe",
        "w w w dot example dot com slash jroe",
        Label.URL,
    ),
    ("from 10.0.12.7 yesterday", "10.0.12.7", Label.IP),
    ("host 2001:db8::8a2e:370:7334 down", "2001:db8::8a2e:370:7334", Label.IP),
    ("ip ten dot one dot two dot three", "ten dot one dot two dot three", Label.IP),
    ("Ph 555-010-4477.", "555-010-4477", Label.PHONE),
    ("call +44 20 7946 0958 ext 12", "+44 20 7946 0958 ext 12", Label.PHONE),
]

NON_MATCHES = [
    "i'll be at home dot later",
    "we met at the clinic",
    "version 1.2.3 of the app",
    "score 300.1.2.999",
    "take 2.5 mg at 10:30",
]


@pytest.mark.parametrize(("text", "secret", "label"), MATCHES)
def test_contacts(text: str, secret: str, label: Label) -> None:
    spans = list(R.find(text, Context()))
    assert [(text[s.start : s.end], s.label) for s in spans] == [(secret, label)]


@pytest.mark.parametrize("text", NON_MATCHES)
def test_not_contacts(text: str) -> None:
    assert covered(R, text) == []


def test_clinic_number_is_not_a_patient_phone() -> None:
    assert covered(R, "Ph 555-010-4477", Context(clinic_phones=("5550104477",))) == []
