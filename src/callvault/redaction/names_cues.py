"""The phrases around a person's name in a call, and the phrases that mark a non-person.

Patterns only (data, in the presidio style); ``names.py`` decides what to do with them.
``CUES``, ``ASKS_NAME`` and ``AGENT_PHRASE`` scan whole transcripts, so they are written
in lower case and run over a lower-cased copy: a case-insensitive scan is 3-4x slower.
"""

from __future__ import annotations

import re

from callvault.redaction.trie import trie_regex

_RELATION = (
    r"mother|mom|mommy|mum|father|dad|daddy|son|daughter|wife|husband|brother|sister|"
    r"grand(?:mother|father|ma|pa|son|daughter|child)|aunt|uncle|niece|nephew|cousin|partner|"
    r"boyfriend|girlfriend|fianc[eé]e?|child|kid|baby|friend|neighbou?r|caregiver|guardian|"
    r"spouse|step(?:son|daughter|mother|father|mom|dad)|roommate|sibling|"
    r"god(?:mother|father|son|daughter|parent)|flatmate|housemate|carer|home[ \t]+help|"
    r"support[ \t]+worker|landlady|landlord|gran|granny|nan|nana|nanna|companion|lodger"
)

# A cue immediately before a name. Groups say how sure the cue is:
#   strong: a name must follow ("my name is", "mr"); an unlisted word may be a name.
#   title:  "dr", "nurse": a listed surname (or first name) must follow.
#   intro:  "this is", "i'm": a name follows if it is one; said by the agent, it is theirs.
#   relation: "my uncle", "her daughter's name": the next 1-3 words that are no common
#           word (a capitalised word, a listed first name, an unlisted non-verb).
#   weak:   everything else ("for", "hi"): a listed first name must follow.
# A role used as a speaker tag ("caller:") is no cue: the turn that answers a request for
# a name is read by ``ASKS_NAME``, and a full name anywhere by the first+last rule.
# What every cue opens with (a test derives the cues' first words and checks it). As a
# look-ahead it lets ``re`` drop most words with a few character tests before trying
# the branches below one by one: the scan runs over every transcript, 2x faster.
CUE_STARTS = (
    "addressed", "advised", "ask", "aunt", "baby", "boyfriend", "brother", "bye", "call",
    "called", "caller", "calls", "caregiver", "carer", "child", "client", "companion", "cousin",
    "dad", "daughter", "dear", "doctor", "dr", "father", "fianc", "first", "flatmate", "for",
    "friend", "full", "girlfriend", "god", "goes", "goodbye", "gran", "grand", "guardian",
    "hello", "her", "hey", "hi", "his", "home", "housemate", "husband", "i", "informed",
    "instructed", "kid", "known", "landlady", "landlord", "last", "legal", "lodger", "made",
    "maiden", "member", "middle", "miss", "mom", "mother", "mr", "ms", "mum", "mx", "my",
    "name", "nan", "neighbo", "nephew", "nick", "nickname", "niece", "notified", "nurse", "our",
    "partner", "patient", "preferred", "prof", "pt", "re", "reminded", "roommate", "sibling",
    "sister", "son", "sorry", "speak", "spoke", "spouse", "step", "support", "sur", "talk",
    "thank", "the", "this", "told", "uncle", "wife", "your",
)  # fmt: skip
CUES = re.compile(
    rf"(?<![A-Za-z'\u2019])(?={trie_regex(CUE_STARTS, literal=True)})(?:"
    r"(?P<strong>(?:(?:my|the|his|her|their|your|patient'?s?|child'?s?|full|first|last|"
    r"middle|maiden|legal|sur)[ \t]+)?name(?:[ \t]+is|'s|[ \t]+was)|surname|goes[ \t]+by|"
    r"(?:first|last|middle|full|maiden|patient'?s?)[ \t]+name|"
    r"mrs|mr|ms|miss|mx)"
    r"|(?P<title>dr|doctor|nurse|professor|prof)"
    r"|(?P<intro>this[ \t]+is|i'?m|i[ \t]+am|it'?s|it[ \t]+is"
    # a nickname: "call me wolfi", "everyone calls her jo", "Preferred name: Dot"
    r"|calls?[ \t]+(?:me|her|him)|(?:preferred|nick)[ \t]*name(?:[ \t]+is|[ \t]*:)?"
    r"|known[ \t]+as)"
    r"|(?P<weak>for|re|regarding|(?:patient|pt|caller|member|client)(?![ \t]*:)|"
    r"hi|hello|hey|dear|thanks|thank[ \t]+you|bye|goodbye|sorry|i[ \t]+mean|named|called|"
    r"speaking[ \t]+with|speak[ \t]+(?:to|with)|spoke[ \t]+(?:to|with)|talk[ \t]+to|"
    r"ask[ \t]+for|advised|told|informed|notified|reminded|instructed|addressed[ \t]+to"
    r"|made[ \t]+out[ \t]+to)"
    rf"|(?P<relation>(?:(?:my|his|her|our|their|your|the)[ \t]+)?(?:{_RELATION})"
    r"(?:[ \t-]+in[ \t-]+law)?(?:'?s)?(?:[ \t]+name(?:[ \t]+is|'s)?)?)"
    r")\.?(?![A-Za-z'\u2019])[ \t]*[,:]?"
)

# Cues with which a speaker names themself: said by the agent, the name is the agent's.
SELF_INTRO = re.compile(
    r"(?:my[ \t]+)?name(?:'s|[ \t]+is)|this[ \t]+is|i'?m|i[ \t]+am|it'?s|it[ \t]+is"
)

# A turn that asks for a name: the next turn by someone else starts with the answer.
# ``ASKS_NAME_WORDS``: the whole first word of every form (a test checks it). As a
# look-ahead it drops the other words with a few character tests (speed only).
ASKS_NAME_WORDS = (
    "and", "caller", "callers", "child", "childs", "first", "full", "her", "his", "last",
    "my", "name", "patient", "patients", "spell", "surname", "the", "their", "who", "your",
)  # fmt: skip
ASKS_NAME = re.compile(
    rf"\b(?=(?:{trie_regex(ASKS_NAME_WORDS, literal=True)})(?![a-z]))"
    r"(?:(?:your|the|his|her|their|patient'?s?|child'?s?|caller'?s?)[ \t]+"
    r"(?:full[ \t]+|first[ \t]+(?:and[ \t]+last[ \t]+)?|last[ \t]+|legal[ \t]+)?name"
    # a field asked for alone, the whole turn: "agent: first name", "and the surname?"
    r"|(?<=:[ \t])(?:and[ \t]+)?(?:the[ \t]+)?(?:(?:first|last|full)[ \t]+name|surname)"
    r"(?=[ \t]*(?:please)?[ \t?.]*$)"
    r"|who[ \t]+(?:am[ \t]+i|i'?m)[ \t]+(?:speaking|talking)|who(?:'s|[ \t]+is)[ \t]+"
    r"(?:calling|this|it[ \t]+for)|name[ \t]+(?:please|on[ \t]+the)|"
    r"my[ \t]+name(?=\?)|the[ \t]+patient(?=\?)|"
    r"spell[ \t]+(?:that|it|your|the))\b",
    re.MULTILINE,
)

# Words an answer may open with before the name itself ("um yeah it's ...").
PREFACE = re.compile(
    r"(?i)(?:[ \t,.]*(?:um+|uh+|er|erm|oh|yeah|yes|yep|sure|ok|okay|so|well|hi|hello|right|"
    r"it'?s|it[ \t]+is|this[ \t]+is|that'?s|that[ \t]+would[ \t]+be|i'?m|i[ \t]+am|"
    r"(?:my|the|his|her)[ \t]+(?:full[ \t]+)?name(?:[ \t]+is|'s)|the[ \t]+patient(?:[ \t]+is|'s)|"
    r"patient(?:[ \t]+is|'s)?|first|last|for|of[ \t]+course|sorry|"
    r"under(?:[ \t]+(?:the[ \t]+name(?:[ \t]+of)?|my[ \t]+name))?)(?![A-Za-z'\u2019]))*[ \t,.:]*"
)

# The speaker tags of the practice's side of a call.
AGENT_TAG = re.compile(
    r"(?i)agent|\brep\b|represent|staff|nurse|recept|schedul|operator|\bcsr\b|front[ \t]*desk|"
    r"office|clinic|provider|practice|assistant|coordinator|advocate|specialist|pharmacist|"
    r"triage|\bma\b|doctor|\bdr\b|physician|support|service"
)
AGENT_PHRASE = re.compile(
    r"thank(?:s|[ \t]+you)[ \t]+for[ \t]+(?:calling|contacting|reaching|choosing|holding)|"
    r"how[ \t]+(?:can|may)[ \t]+i[ \t]+(?:help|assist)|you'?ve[ \t]+reached|"
    r"welcome[ \t]+to|you'?re[ \t]+(?:speaking|talking)[ \t]+(?:with|to)|"
    r"calling[ \t]+from[ \t]+(?:the[ \t]+)?[a-z]+[ \t]+"
    r"(?:clinic|office|practice|pharmacy|hospital|medical|health)"
    r"|speaking[ \t]+from[ \t]+(?:the[ \t]+)?[a-z]+[ \t]+"
    r"(?:clinic|office|practice|pharmacy|hospital|medical|health)"
    r"|you'?ve[ \t]+got[ \t]+[a-z]+"
    r"|who[ \t]+am[ \t]+i[ \t]+(?:speaking|talking)[ \t]+(?:with|to)"
    r"|what[ \t]+can[ \t]+i[ \t]+do[ \t]+for[ \t]+you|how[ \t]+(?:can|may)[ \t]+i[ \t]+direct"
)  # every branch opens with a letter (no group first): ``re`` skips to those letters in C
# "lakeside ortho this is renée speaking": a practice's name, then the speaker's own. A
# pattern of its own that opens with a literal (fast); the practice word before it is
# checked in Python (``AGENT_INTRO_AFTER``).
# "nurse line this is inès", "utilization management this is søren": a department too,
# with or without "speaking".
AGENT_INTRO = re.compile(r"this[ \t]+is[ \t]+[^\W\d_]+(?:[ \t]+(?:speaking|here))?(?![\w'])")
AGENT_INTRO_AFTER = re.compile(
    r"(?:ortho|orthopedics|cardiology|pediatrics|imaging|care|practice|clinic|medicine"
    r"|health|dental|center|centre|associates|pharmacy|oncology|neurology|dermatology"
    r"|urology|radiology|office|hospital|line|management|services|scheduling|desk|team"
    r"|unit|hospice|department|helpline|hotline|billing|records|lab|laboratory)[ \t,]+\Z"
)


def speaker_tag(text: str, pos: int) -> str:
    """The speaker tag of the line holding ``pos`` ("agent" for "agent: ..."), in lower
    case; "" for a line without one."""
    line = text.rfind("\n", 0, pos) + 1
    colon = text.find(":", line, pos)
    return text[line:colon].strip().lower() if 0 <= colon - line < 40 else ""


# A word that turns the words before it into an organisation ("pine ridge dermatology").
_ORG_WORDS = """
    orthopedics orthopaedics pediatrics paediatrics cardiology
    dermatology neurology oncology radiology urology gastroenterology endocrinology
    pulmonology psychiatry ophthalmology optometry podiatry rheumatology nephrology
    obstetrics gynecology medicine medical health healthcare clinic clinics hospital
    hospitals dental dentistry family practice associates group center centre centers care
    urgent physicians surgery surgical surgeons therapy therapeutics rehab rehabilitation
    wellness pharmacy labs laboratory laboratories imaging diagnostics partners specialists
    institute university college hospice women's womens children's childrens pediatric
    behavioral vision eye eyecare ent allergy chiropractic counseling services systems
    network insurance bank street avenue road drive lane boulevard court
    ortho cardio neuro derm peds pediatric obgyn gyn uro onc rheum psych pulm physio
    physiotherapy dialysis renal kidney cancer heart spine sleep
"""
# A company's legal form or line of business ("Hoth Therapeutics Inc.", "Kraft Heinz Co",
# "Roche Bobois SAS"): the capitalised words before it name a company, not a person.
_COMPANY_WORDS = """
    inc incorporated llc llp ltd plc corp corporation co cos company companies limited
    holdings holding sa sas spa ag nv se gmbh lp bv oyj kk trust fund funds bancorp
    bancshares bankshares capital acquisition industries technologies pharma
    pharmaceuticals biosciences sciences enterprises financial energy resources properties
    solutions etf realty electric investment investments ventures securities logistics
    telecom communications software airlines motors chemicals mining minerals petroleum
"""
ORG_SUFFIX = frozenset(_ORG_WORDS.split()) | frozenset(_COMPANY_WORDS.split())

MONTH_NAMES = frozenset({"april", "may", "june", "august"})
NUMBERISH = re.compile(
    r"(?i)\d|(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    r"twentieth|thirtieth|twenty|thirty|one|two|three|four|five|six|seven|eight|nine|ten)\b"
)
NAME_SUFFIX = frozenset({"jr", "sr", "ii", "iii", "iv"})
FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm"})
