"""A redaction set from another author's generator: presidio-evaluator's sentence faker
(Microsoft, MIT licence), its own templates and name/address records, written out in the
shared dev set's gold format for ``bench/redact_sets.py --gold``.

Nothing here is a CallVault dependency: run it from a scratch virtualenv of its own.

    python3 -m venv /tmp/pe && /tmp/pe/bin/pip install faker pandas numpy tqdm python-dotenv \\
        spacy presidio-analyzer presidio-anonymizer
    /tmp/pe/bin/pip install --no-deps presidio-evaluator==0.3.2
    /tmp/pe/bin/python bench/presidio_faker_set.py --seed 13 --count 1000 --out /tmp/pe13.jsonl
    .venv/bin/python bench/redact_sets.py --gold presidio_13=/tmp/pe13.jsonl

(``--no-deps``: the package's evaluation side wants transformers and scikit-learn, which
its sentence faker does not use.) The text is the generator's as it comes, quirks
included: some templates write a line break as the two characters backslash and ``n``,
and a missing state as ``nan``.

Labels, as HIPAA's Safe Harbor reads them: a person, street address, ZIP code, phone,
e-mail, card, IBAN, IP address, SSN, driver's licence and web address are PHI; a place
(``GPE``) is PHI unless it names a country; a date is PHI when it holds more than a year
or a weekday. Organisations, nationalities, titles, ages (all under 90 here) and
countries are written as negatives: text that must stay readable.
"""

from __future__ import annotations

import argparse
import csv
import json
from typing import Any

from faker import Faker
from presidio_evaluator.data_generator import PresidioSentenceFaker, raw_data_dir

PHI_LABELS = {
    "PERSON": "NAME",
    "STREET_ADDRESS": "ADDRESS",
    "ZIP_CODE": "ADDRESS",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "ACCOUNT",
    "IP_ADDRESS": "IP",
    "US_SSN": "SSN",
    "US_DRIVER_LICENSE": "LICENSE",
    "DOMAIN_NAME": "URL",
}
COUNTRY_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES"]


def country_names() -> set[str]:
    names = set()
    for locale in COUNTRY_LOCALES:
        names.update(c.lower() for c in Faker(locale).provider("faker.providers.address").countries)
    with (raw_data_dir / "FakeNameGenerator.com_3000.csv").open(encoding="utf-8-sig") as f:
        names.update(row["CountryFull"].lower() for row in csv.DictReader(f))
    return names


def is_dated(value: str) -> bool:
    """More than a year or a weekday: "12/29/1944" is PHI, "1982" and "Thursday" are not."""
    return any(c.isdigit() for c in value) and not value.strip().isdigit()


def gold_record(number: int, seed: int, sample: Any, countries: set[str]) -> dict[str, Any]:
    spans, negatives = [], []
    for eid, span in enumerate(sorted(sample.spans, key=lambda s: s.start_position), 1):
        kind, value = span.entity_type, span.entity_value
        where = {"start": span.start_position, "end": span.end_position}
        if kind == "GPE":
            label = None if value.lower() in countries else "CITY"
        elif kind == "DATE_TIME":
            label = "DATE" if is_dated(value) else None
        else:
            label = PHI_LABELS.get(kind)
        if label:
            spans.append({**where, "label": label, "eid": eid})
        elif kind != "DATE_TIME":
            negatives.append({**where, "kind": "COUNTRY" if kind == "GPE" else kind})
    return {
        "id": f"presidio-{seed}-{number:04d}",
        "style": "written",
        "text": sample.full_text,
        "spans": spans,
        "negatives": negatives,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.05, random_seed=a.seed)
    countries = country_names()
    samples = faker.generate_new_fake_sentences(a.count)
    with open(a.out, "w", encoding="utf-8") as f:
        for number, sample in enumerate(samples):
            record = gold_record(number, a.seed, sample, countries)
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
