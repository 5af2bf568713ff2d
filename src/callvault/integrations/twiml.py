"""The TwiML CallVault answers an incoming call with: the tenant's recording
disclosure, said first, then the call dialled onward to the configured number
(recorded from answer, so the disclosure is always heard before recording starts)."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring

DEFAULT_DISCLOSURE = "This call may be recorded for quality and compliance purposes."


def answer_twiml(disclosure: str | None, forward_to: str | None) -> bytes:
    """``<Say>`` the disclosure, then ``<Dial>`` ``forward_to`` (hang up if none)."""
    response = Element("Response")
    SubElement(response, "Say").text = disclosure or DEFAULT_DISCLOSURE
    if forward_to:
        dial = SubElement(response, "Dial", {"record": "record-from-answer-dual"})
        SubElement(dial, "Number").text = forward_to
    else:
        SubElement(response, "Hangup")
    twiml: bytes = tostring(response, encoding="utf-8", xml_declaration=True)
    return twiml
