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
    # read out with a path that holds an id, the domain split by the recogniser
    (
        "it says visit dot carebridge health dot com slash p slash five p n d four y",
        "visit dot carebridge health dot com slash p slash five p n d four y",
        Label.URL,
    ),
    ("from 10.0.12.7 yesterday", "10.0.12.7", Label.IP),
    ("host 2001:db8::8a2e:370:7334 down", "2001:db8::8a2e:370:7334", Label.IP),
    ("ip ten dot one dot two dot three", "ten dot one dot two dot three", Label.IP),
    ("Ph 555-010-4477.", "555-010-4477", Label.PHONE),
    ("call +44 20 7946 0958 ext 12", "+44 20 7946 0958 ext 12", Label.PHONE),
    # any ending on the Public Suffix List, written or spoken
    ("Email is t.nagy@szolgaltato.hu.", "t.nagy@szolgaltato.hu", Label.EMAIL),
    ("write ilona at pelda dot hu ok", "ilona at pelda dot hu", Label.EMAIL),
    ("email's fukuda 1 at gmx dot de", "fukuda 1 at gmx dot de", Label.EMAIL),
    # a country code spelled, a local part's digits as a recogniser hears them
    ("it's cparra at yahoo dot e s", "cparra at yahoo dot e s", Label.EMAIL),
    (
        "address brendas won two at comcast dot net",
        "brendas won two at comcast dot net",
        Label.EMAIL,
    ),
    ("it's marek dot nowak at poczta dot pl", "marek dot nowak at poczta dot pl", Label.EMAIL),
    ("Send to r.silva@empresa.com.br please", "r.silva@empresa.com.br", Label.EMAIL),
    (
        "email me the results at carlos dot perez at example dot com",
        "carlos dot perez at example dot com",
        Label.EMAIL,
    ),
    # international formats, through phonenumbers' matcher
    ("Fax: +49 30 123456 thanks", "+49 30 123456", Label.PHONE),
    ("ring 0043 1 234 5678 pls", "0043 1 234 5678", Label.PHONE),
    ("Tel. +44 (0)20 7946 0958.", "+44 (0)20 7946 0958", Label.PHONE),
    ("Call her at +31 6 12345678 tomorrow.", "+31 6 12345678", Label.PHONE),
    ("mobile +48 22 123 45 67", "+48 22 123 45 67", Label.PHONE),
]

NON_MATCHES = [
    "i'll be at home dot later",
    "we met at the clinic",
    "version 1.2.3 of the app",
    "score 300.1.2.999",
    "take 2.5 mg at 10:30",
    "i was at work dot nothing else",  # "nothing" is no public suffix
    "we sat at table dot five",  # "five" is no public suffix
    "meet me at the cafe dot a b",  # "ab" is no public suffix
    "it's on mayo clinic dot org",  # a domain alone says nothing of anyone
    "use a slash between the dot and the com",
    "born in 2001, 00 12 is not a number",
    "the 501(c)3 group",
    "version 2.0",
    "in 1999 she took 20 mg at 08:15 for 12 days",
    "ZIP 02139 and member id W123456",
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
