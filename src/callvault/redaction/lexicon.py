"""Word lists the recognizers share: data, not logic.

Everything is lowercase; the engine matches on a lowercased copy of the text (same
length, so offsets carry over). Nothing here is taken from any transcript: number
words are English, street suffixes follow the USPS Publication 28 list, states are
the US states, districts and territories.
"""

from __future__ import annotations

UNITS = {
    "zero": 0, "oh": 0, "o": 0, "nought": 0, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30,
}  # fmt: skip
MULTIPLIERS = {"double": 2, "triple": 3, "quadruple": 4}
SCALES = {"hundred": 100, "thousand": 1000}
# Spoken separators kept in the normalised value (an IP is "one dot two ...").
SEPARATOR_WORDS = {"dash": "-", "hyphen": "-", "dot": ".", "point": ".", "slash": "/"}
FILLERS = ("uh", "um", "umm", "uhm", "er", "erm", "ah", "hmm", "mm", "like")
# Short acknowledgements the other party says while a number is being read out.
BACKCHANNELS = (
    "mhm", "mm hmm", "uh huh", "okay", "ok", "got it", "go ahead", "okay go ahead",
    "yes", "yeah", "yep", "right", "sure", "alright", "all right", "go on",
    "continue", "keep going", "i'm ready", "ready", "and", "and then", "then",
    "got that", "got you", "gotcha", "uh hm", "mm", "hm", "and the rest", "carry on",
)  # fmt: skip

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

# A number followed by one of these is a quantity, a dose or a time, never an id.
QUANTITY_WORDS = (
    "tablet", "tablets", "tab", "tabs", "pill", "pills", "capsule", "capsules",
    "cap", "caps", "mg", "milligram", "milligrams", "mcg", "microgram", "micrograms",
    "gram", "grams", "g", "ml", "milliliter", "milliliters", "cc", "unit", "units",
    "iu", "day", "days", "week", "weeks", "month", "months", "year", "years", "yr",
    "yrs", "hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins", "time",
    "times", "refill", "refills", "dose", "doses", "puff", "puffs", "drop", "drops",
    "am", "pm", "a.m", "p.m", "o'clock", "oclock", "percent", "dollars", "dollar",
    "bucks", "cents", "patch", "patches", "injection", "injections", "shot", "shots",
    "supply", "inhaler", "inhalers", "bottle", "bottles", "box", "boxes", "pack",
    "packs", "vial", "vials", "spray", "sprays", "teaspoon", "teaspoons",
    "tablespoon", "tablespoons", "pound", "pounds", "lbs", "lb", "kg", "inch",
    "inches", "feet", "foot", "degrees", "degree", "people", "kids", "children",
    "visits", "sessions", "appointments", "in the morning", "in the afternoon",
    "in the evening", "at night", "tonight", "daily", "a day", "per day",
)  # fmt: skip
# Words that are no part of a street, city or place name.
ADDRESS_STOP_WORDS = frozenset(
    (*QUANTITY_WORDS, "a", "an", "the", "to", "of", "and", "in", "on", "at", "for", "my",
     "your", "is", "it", "it's", "i", "as", "with", "every", "per", "each", "or", "but",
     "that", "this", "you", "me", "we", "they", "he", "she", "be", "was", "are", "not",
     "no", "yes", "more", "times", "then", "so", "just", "about", "after", "before")
)  # fmt: skip

STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR",
    "california": "CA", "colorado": "CO", "connecticut": "CT", "delaware": "DE",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
    "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND",
    "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA",
    "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
    "district of columbia": "DC", "puerto rico": "PR", "guam": "GU",
    "virgin islands": "VI", "american samoa": "AS", "northern mariana islands": "MP",
}  # fmt: skip

# USPS Publication 28, appendix C1: primary street suffixes, their common
# abbreviations, and plurals.
STREET_SUFFIXES = (
    "alley", "aly", "annex", "anx", "arcade", "avenue", "ave", "av", "bayou", "beach",
    "bch", "bend", "bluff", "bluffs", "bottom", "boulevard", "blvd", "branch",
    "bridge", "brook", "brooks", "burg", "burgs", "bypass", "camp", "canyon", "cape",
    "causeway", "center", "centers", "ctr", "circle", "circles", "cir", "cliff",
    "cliffs", "club", "common", "commons", "corner", "corners", "course", "court",
    "courts", "ct", "cove", "coves", "creek", "crescent", "crest", "crossing",
    "crossroad", "crossroads", "curve", "dale", "dam", "divide", "drive", "drives",
    "dr", "estate", "estates", "expressway", "expy", "extension", "extensions", "ext",
    "fall", "falls", "ferry", "field", "fields", "flat", "flats", "ford", "fords",
    "forest", "forge", "forges", "fork", "forks", "fort", "freeway", "fwy", "garden",
    "gardens", "gateway", "glen", "glens", "green", "greens", "grove", "groves",
    "harbor", "harbors", "haven", "heights", "hts", "highway", "hwy", "hill",
    "hills", "hollow", "inlet", "island", "islands", "isle", "junction",
    "junctions", "key", "keys", "knoll", "knolls", "lake", "lakes", "land",
    "landing", "lane", "ln", "light", "lights", "loaf", "lock", "locks", "lodge",
    "loop", "mall", "manor", "manors", "meadow", "meadows", "mews", "mill", "mills",
    "mission", "motorway", "mount", "mountain", "mountains", "neck", "orchard",
    "oval", "overpass", "park", "parks", "parkway", "parkways", "pkwy", "pass",
    "passage", "path", "pike", "pine", "pines", "place", "pl", "plain", "plains",
    "plaza", "plz", "point", "points", "port", "ports", "prairie", "radial", "ramp",
    "ranch", "rapid", "rapids", "rest", "ridge", "ridges", "river", "road", "roads",
    "rd", "route", "rte", "row", "rue", "run", "shoal", "shoals", "shore", "shores",
    "skyway", "spring", "springs", "spur", "spurs", "square", "squares", "sq",
    "station", "stravenue", "stream", "street", "streets", "st", "summit", "terrace",
    "ter", "throughway", "trace", "track", "trafficway", "trail", "trl", "trailer",
    "tunnel", "turnpike", "underpass", "union", "unions", "valley", "valleys",
    "viaduct", "view", "views", "village", "villages", "ville", "vista", "walk",
    "walks", "wall", "way", "ways", "well", "wells", "wy", "via",
)  # fmt: skip

# Top-level domains a spoken e-mail or URL may end in.
TLDS = (
    "com", "net", "org", "edu", "gov", "mil", "us", "io", "co", "info", "biz", "me",
    "uk", "ca", "health", "care", "app", "ai", "mx", "de", "fr", "in", "au",
)  # fmt: skip
