"""E-mail addresses, URLs, IP addresses and written phone numbers.

Spoken e-mail reads "john dot smith at gmail dot com" (or spells it: "j o h n at ...");
the domain must be registrable under the Public Suffix List (``publicsuffixlist`` ships
it in its wheel: nothing is fetched at run time), so "jane at example dot hu" is one and
"i'll be at home dot later" is not. Written phone numbers are found by ``phonenumbers``'
matcher (valid for the tenant's region, or for the region an international prefix
names); spoken ones are runs of digits, found by the identifier recognizer.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

import phonenumbers
from publicsuffixlist import PublicSuffixList

from callvault.redaction.lexicon import TEENS, TENS, TLDS, UNITS
from callvault.redaction.names_gazetteer import fold_same_length
from callvault.redaction.normalize import holds_digit, lower_same_length, number_runs
from callvault.redaction.spans import Context, Label, Span

_TLD = "|".join(sorted(TLDS, key=len, reverse=True))
_DOT = r"(?:[ \t]+(?:dot|period)[ \t]+|\.)"
_JOIN = r"(?:[ \t]+(?:dot|period|underscore|dash|hyphen)[ \t]+|[._+-])"
_ATOM = r"[a-z0-9](?:[a-z0-9_+-]*[a-z0-9])?"
_NUM = "|".join(sorted([*UNITS, *TEENS, *TENS], key=len, reverse=True))
# local part: atoms joined by spoken or written punctuation; spelled letters and spoken
# digits may also just follow each other ("j smith two", "fukuda 1", "brendas won two").
_LOCAL = (
    rf"(?:[a-z0-9](?:[ \t]+[a-z0-9])+(?![\w'])"
    rf"|(?:[a-z0-9][ \t]+){{0,3}}{_ATOM}(?:{_JOIN}{_ATOM})*"
    rf"(?:[ \t]+(?:{_NUM}|\d+|won|too|ate|oh)(?![\w']))*)"  # "brendas won two": homophones
)
# Speech recognisers split a domain's words ("proton mail dot com"): up to three
# words before the first dot. The ending is any label: the Public Suffix List decides.
# A label may be spelled, as the country code often is ("fastmail dot f m").
_LABEL = r"(?:[a-z](?:[ \t][a-z]){1,3}(?![\w'@])|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)"
_DOMAIN = (
    rf"{_ATOM}(?:[ \t]+(?!(?:at|dot|period)\b){_ATOM}){{0,2}}?"
    rf"(?:{_DOT}{_LABEL}(?![\w@]))+"
)
_DOT_SPLIT_RE = re.compile(_DOT)
_PSL = PublicSuffixList(accept_unknown=False, only_icann=True)
_EMAIL_RE = re.compile(rf"(?<![\w'.@]){_LOCAL}(?:[ \t]*@[ \t]*|[ \t]+at[ \t]+){_DOMAIN}(?![\w@])")
_EMAIL_TO_END_RE = re.compile(_EMAIL_RE.pattern + r"\Z")
# Each branch opens with one character (" at" and "\tat" apart), so ``re`` skips to
# "@" and blanks in C instead of trying every position.
_AT_DOMAIN_RE = re.compile(rf"(?:@| at[ \t]+|\tat[ \t]+)[ \t]*{_DOMAIN}")
_LOCAL_REACH = 80
_URL_RE = re.compile(
    r"(?<![\w@])(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]"
    r"|(?<![\w@./])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:" + _TLD + r")/[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
    r"|(?<![\w'])(?:w[ \t]*w[ \t]*w|www)(?:[ \t]+dot[ \t]+[a-z0-9-]+)+[ \t]+dot[ \t]+(?:"
    + _TLD
    + r")(?:[ \t]+slash[ \t]+[a-z0-9-]+)*"
)
# A web address read out with a path ("visit dot carebridge health dot com slash p slash
# five p n d four y"): the path holds someone's id. A domain alone stays readable.
_SPOKEN_URL_RE = re.compile(
    r"(?<![\w'])(?:[a-z0-9-]+[ \t]+dot[ \t]+)*(?:[a-z0-9-]+[ \t]+)?[a-z0-9-]+[ \t]+dot[ \t]+"
    rf"(?:{_TLD})[ \t]+slash[ \t]+[^\n]*?"
    r"(?=[ \t]+(?:and|please|thanks|thank|okay|if|but|so|then|is|it's|that's)(?![\w'])|[.,;!?]|$)",
    re.MULTILINE,
)
_IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]|\.\d)")
_IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![\w:])")
_IPV6_HINT_RE = re.compile(r":[0-9a-f:]")
# Patterns led by a look-behind are tried at every character; these hints lead with a
# character class, which ``re`` skips to in C, and every match starts at (or holds) one.
_IPV4_HINT_RE = re.compile(r"\d\.\d")
# Where a written phone may start: "(", or the first of a run of "+", digits and letters
# (any later character of the run follows one the look-behind rejects). Written as one
# class, then "(" alone or the rest of the run (the matches of ``\(|[+\d][\w+]*``): a
# class first lets ``re`` skip to candidates in C.
_PHONE_START_RE = re.compile(r"[(+\d](?:(?<=\()|[\w+]*)")
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}"
    r"(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5})?(?!\w)"
)


# International numbers: "+44 20 7946 0958", "+44 (0)20 ...", "0043 1 234 5678". The
# matcher is costly over whole transcripts, so it reads only these windows.
_INTL_RE = re.compile(
    r"(?:\+|(?<![\w+])00)[ \t]?[1-9][\d \t().\-/]{5,24}\d"
    r"(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5})?"
)
_INTL_HINT_RE = re.compile(r"\+[ \t]?[1-9]|0(?<![\w+]0)0[1-9]")  # look-behind after the "0": fast
# "00" dials abroad from these regions (and most others but the Americas).
_IDD_REGIONS = ("DE", "GB")


class ContactRecognizer:
    name = "contact"

    def find(self, text: str, context: Context) -> Iterator[Span]:
        lowered = lower_same_length(text)
        # local parts with accents ("seppänen underscore k at ..."): read folded, same length
        yield from _emails(fold_same_length(lowered) if "@" in text or " at " in lowered else "")
        # Every URL form has a slash or "www" (spelled or not): skip the costly scan.
        if "www" in lowered or "w w w" in lowered or ("/" in lowered and _may_hold_url(lowered)):
            urls = [m.span() for m in _URL_RE.finditer(lowered)]
            for start, end in urls:
                yield Span(start, end, Label.URL, 0.85, "url pattern")
        else:
            urls = []
        if " slash " in lowered and " dot " in lowered:
            for m in _SPOKEN_URL_RE.finditer(lowered):
                if not any(s <= m.start() < e for s, e in urls):  # not "w w w dot ..." again
                    yield Span(m.start(), m.end(), Label.URL, 0.8, "web address read out")
        yield from _ips(lowered, text)
        if holds_digit(text):
            intl: list[Span] = []
            if _INTL_HINT_RE.search(text):
                intl = list(_international_phones(text, context))
                yield from intl
            for span in _written_phones(text, context):
                if not any(i.start <= span.start and span.end <= i.end for i in intl):
                    yield span


# A slash alone is mostly a date ("12/17/2004"). Without "www", a URL match holds "://"
# (``https?://``), a domain's ending right before a slash (".com/"), or a spoken " dot ".
_TLD_SLASH_RE = re.compile(rf"\.(?:{_TLD})/")


def _may_hold_url(lowered: str) -> bool:
    return "://" in lowered or "dot" in lowered or _TLD_SLASH_RE.search(lowered) is not None


def _emails(lowered: str) -> Iterator[Span]:
    """Full matches are tried only around an "@" or " at " followed by a domain: the
    full pattern is costly to try at every word."""
    if "." not in lowered and "dot" not in lowered and "period" not in lowered:
        return  # every domain has a dot, written or said ("at gmail" alone is none)
    last_end = 0
    for hit in _AT_DOMAIN_RE.finditer(lowered):
        end = _registrable_end(lowered, hit.start(), hit.end())
        if end is None:
            continue
        lo = max(last_end, hit.start() - _LOCAL_REACH)
        m = _EMAIL_TO_END_RE.search(lowered, lo, end)
        if m:
            last_end = m.end()
            yield Span(m.start(), m.end(), Label.EMAIL, 0.9, "e-mail at a public-suffix domain")


def _registrable_end(lowered: str, start: int, end: int) -> int | None:
    """Where the domain of an "@ domain" / " at domain dot ..." hit ends: after its
    longest run of labels that is registrable under the Public Suffix List (a spoken
    sentence may go on with "dot" and a word that is no label), or None."""
    at = lowered.index("@", start, end) + 1 if "@" in lowered[start:end] else start + 3
    labels: list[tuple[str, int]] = []  # (label, where it ends)
    pos = at
    for sep in _DOT_SPLIT_RE.finditer(lowered, at, end):
        labels.append(("".join(lowered[pos : sep.start()].split()), sep.start()))
        pos = sep.end()
    labels.append(("".join(lowered[pos:end].split()), end))
    for n in range(len(labels), 1, -1):
        domain = ".".join(label for label, _ in labels[:n])
        if _PSL.privatesuffix(domain) is not None or _PSL.publicsuffix(domain) == domain:
            return labels[n - 1][1]  # a mail host may itself be a suffix ("mail.pl")
    return None


def _ips(lowered: str, text: str) -> Iterator[Span]:
    digits = holds_digit(text)
    for m in _IPV4_RE.finditer(lowered) if digits and _IPV4_HINT_RE.search(lowered) else ():
        if all(int(p) <= 255 for p in m.group().split(".")):
            yield Span(m.start(), m.end(), Label.IP, 0.9, "ipv4")
    # Speaker tags put a space after their colon; an IPv6 address never does.
    for m in _IPV6_RE.finditer(lowered) if _IPV6_HINT_RE.search(lowered) else ():
        try:
            ipaddress.IPv6Address(m.group())
        except ValueError:
            continue
        yield Span(m.start(), m.end(), Label.IP, 0.9, "ipv6")
    for run in number_runs(text):  # spoken: "one ninety two dot one sixty eight ..."
        if run.spoken and _IPV4_RE.fullmatch(run.value):
            yield Span(run.start, run.end, Label.IP, 0.8, "spoken ipv4")


def _written_phones(text: str, context: Context) -> Iterator[Span]:
    clinic = {"".join(c for c in p if c.isdigit())[-10:] for p in context.clinic_phones}
    for m in _phone_matches(text):
        found = m.group()
        try:
            number = phonenumbers.parse(found, "US")
        except phonenumbers.NumberParseException:
            continue
        national = str(number.national_number)
        if national[-10:] in clinic or not phonenumbers.is_possible_number(number):
            continue
        yield Span(m.start(), m.end(), Label.PHONE, 0.85, "phonenumbers")


def _phone_matches(text: str) -> Iterator[re.Match[str]]:
    """``_PHONE_RE.finditer(text)``, tried only where a phone may start."""
    pos = 0
    while start := _PHONE_START_RE.search(text, pos):
        m = _PHONE_RE.match(text, start.start())
        if m:
            yield m
        pos = m.end() if m else start.end()


def _international_phones(text: str, context: Context) -> Iterator[Span]:
    """``phonenumbers``' matcher over each window that starts with "+" or "00"."""
    clinic = {"".join(c for c in p if c.isdigit())[-9:] for p in context.clinic_phones}
    for cand in _INTL_RE.finditer(text):
        window = cand.group()
        regions = ("US",) if window.startswith("+") else _IDD_REGIONS
        for region in regions:
            found = False
            for m in phonenumbers.PhoneNumberMatcher(
                window, region, leniency=phonenumbers.Leniency.VALID
            ):
                if str(m.number.national_number)[-9:] in clinic:
                    continue
                found = True
                yield Span(
                    cand.start() + m.start,
                    cand.start() + m.end,
                    Label.PHONE,
                    0.85,
                    "phonenumbers matcher, international format",
                )
            if found:
                break
