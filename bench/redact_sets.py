"""The transcript redactor scored on each development set separately (issue 16, item 1):
our own generators (``bench/redaction_sets``) and the shared dev set.

    .venv/bin/python bench/redact_sets.py [--sets conversational_b,international_written,shared_dev]
        [--out-dir /tmp/callvault-redact-sets] [--misses 12] [--gold NAME=PATH ...]
        [--ner spacy]

For each set: the records are generated (or the shared file read), each is redacted the
way ``callvault redact`` does it (``callvault.redaction.cli.redact_record`` given only
``id`` and ``text``), the predictions are scored by ``../shared/eval/score_redaction.py``
(a subprocess, its ``--json`` output), and the script prints token recall, precision,
leaked entities and per-label recall. Into ``--out-dir`` go each set's gold and
predictions and ``misses-<set>.txt``: per label and per generator family, the share of
entities leaked and a sample of the missed gold strings with their line, for the
recognizer engineers. The shared dev set is skipped with a message when absent.

``--gold NAME=PATH`` scores a gold file made elsewhere, in the same format, as a set of
its own (repeatable; with no ``--sets`` given, only those files are scored): another
author's generator, such as ``bench/presidio_faker_set.py``'s.

``--ner spacy`` scores every set twice in the same run, the rules alone and then with the
optional statistical layer (``callvault.redaction.ner``; needs ``requirements-ner.lock``
installed), and ends with a table of both and the labels whose recall or leak moved.
The layer's predictions and misses go to ``<set>.ner.pred.jsonl`` and
``misses-<set>.ner.txt``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the root

from bench.redaction_sets import GENERATORS, shared_dev
from bench.redaction_sets._build import public

from callvault.redaction.cli import redact_record
from callvault.redaction.ner import NER_CHOICES, ner_recognizers
from callvault.redaction.spans import Recognizer

SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score_redaction.py"
TOKEN_RE = re.compile(r"[^\W_]+")  # the scorer's token rule
ALL_SETS = [*GENERATORS, shared_dev.NAME]
DEFAULT_OUT = str(Path(tempfile.gettempdir()) / "callvault-redact-sets")


def load_set(name: str, gold_files: dict[str, Path]) -> list[dict[str, Any]] | None:
    if name in gold_files:
        return read_gold(gold_files[name])
    if name == shared_dev.NAME:
        if not shared_dev.available():
            print(f"[{name}] skipped: {shared_dev.PATH} not found")
            return None
        return shared_dev.load()
    return GENERATORS[name]()


def read_gold(path: Path) -> list[dict[str, Any]]:
    """A gold file's records, each span tagged with its label as its family."""
    with path.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for record in records:
        for span in record["spans"]:
            span.setdefault("family", span["label"])
    return records


def gold_option(value: str) -> tuple[str, Path]:
    name, sep, path = value.partition("=")
    if not sep or not name or not Path(path).is_file():
        raise argparse.ArgumentTypeError(f"expected NAME=PATH to an existing file, got {value!r}")
    return name, Path(path)


def predict(
    records: list[dict[str, Any]], extra: list[Recognizer] | None = None
) -> list[dict[str, Any]]:
    out = []
    for n, r in enumerate(records, 1):
        res = redact_record({"id": r["id"], "text": r["text"]}, n, extra or [])
        out.append({"id": res["id"], "spans": res["spans"]})
    return out


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def score(gold: Path, pred: Path, metrics: Path) -> dict[str, Any]:
    if not SCORER.exists():
        sys.exit(f"scorer not found at {SCORER}")
    subprocess.run([sys.executable, str(SCORER), str(gold), str(pred), "--json", str(metrics),
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    result: dict[str, Any] = json.loads(metrics.read_text())
    return result


def misses(records: list[dict[str, Any]], preds: list[dict[str, Any]]) -> dict[str, Any]:
    """Per label and per family (the generator's tag; the label for the shared set): the
    entities, how many leaked, and the missed pieces as (gold string, its line)."""
    by_id = {p["id"]: p["spans"] for p in preds}
    stats: dict[str, dict[str, Any]] = defaultdict(lambda: {"ents": 0, "leaked": 0, "examples": []})
    for r in records:
        text = r["text"]
        cov = bytearray(len(text))
        for s in by_id.get(r["id"], []):
            cov[s["start"] : s["end"]] = b"\x01" * (s["end"] - s["start"])
        ents: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for k, s in enumerate(r["spans"]):
            ents[s.get("eid", f"s{k}")].append(s)
        for pieces in ents.values():
            leaked = []
            for s in pieces:
                toks = TOKEN_RE.finditer(text, s["start"], s["end"])
                if not all(all(cov[m.start() : m.end()]) for m in toks):
                    leaked.append(s)
            label = pieces[0]["label"]
            fam = pieces[0].get("family", label)
            for key in (f"label {label}", f"family {fam}"):
                st = stats[key]
                st["ents"] += 1
                if leaked:
                    st["leaked"] += 1
                    for s in leaked:
                        ls = text.rfind("\n", 0, s["start"]) + 1
                        le = text.find("\n", s["end"])
                        line = text[ls : le if le >= 0 else len(text)]
                        st["examples"].append((r["id"], text[s["start"] : s["end"]], line))
    return stats


def write_misses(
    path: Path, stats: dict[str, Any], sample: int, seed: int = 16
) -> list[tuple[str, int, int]]:
    rng = random.Random(seed)
    top = sorted(((k, v["leaked"], v["ents"]) for k, v in stats.items()
                  if k.startswith("family ") and v["leaked"]), key=lambda t: -t[1])  # fmt: skip
    with path.open("w", encoding="utf-8") as f:
        for key in sorted(stats):
            st = stats[key]
            f.write(f"== {key}: {st['leaked']}/{st['ents']} entities leaked\n")
            ex = st["examples"]
            for rid, gold, line in rng.sample(ex, min(sample, len(ex))):
                f.write(f"  {rid}  {gold!r}\n      in: {line}\n")
    return top


def fmt(x: float | None) -> str:
    return "  n/a" if x is None or x != x else f"{x:.3f}"


def score_run(
    name: str,
    records: list[dict[str, Any]],
    out: Path,
    extra: list[Recognizer],
    args: argparse.Namespace,
) -> tuple[dict[str, Any], float]:
    """Predict, score and print one set with ``extra`` recognizers beside the rules."""
    tag = ".ner" if extra else ""
    gold, pred, metrics = (
        out / f"{name}.gold.jsonl",
        out / f"{name}{tag}.pred.jsonl",
        out / f"{name}{tag}.metrics.json",
    )
    t0 = time.perf_counter()
    preds = predict(records, extra)
    secs = time.perf_counter() - t0
    write_jsonl(pred, preds)
    m = score(gold, pred, metrics)
    chars = sum(len(r["text"]) for r in records)
    layer = f" + --ner {args.ner}" if extra else ""
    print(f"\n## {name}{layer}: {m['records']} records, {chars:,} chars, "
          f"{m['gold_tokens']} gold tokens, "
          f"{m['entities']} entities (engine {secs:.2f} s)")  # fmt: skip
    print(f"recall {fmt(m['recall'])}  precision {fmt(m['precision'])}  f2 {fmt(m['f2'])}  "
          f"leaked entities {100 * m['leak']:.1f} % ({m['leaked_entities']}/{m['entities']})  "
          f"over-redaction {fmt(m['over_redaction'])}  "
          f"non-PHI numbers {fmt(m['non_phi_numbers_redacted'])}")  # fmt: skip
    print("| label | tokens | recall | entities | leak |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for lab, d in m["per_label"].items():
        print(
            f"| {lab} | {d['tokens']} | {fmt(d['recall'])} | {d['entities']} | {fmt(d['leak'])} |"
        )
    styles = ", ".join(f"{s} recall {fmt(d['recall'])} precision {fmt(d['precision'])}"
                       for s, d in m["per_style"].items())  # fmt: skip
    print(f"per style: {styles}")
    negs = ", ".join(f"{k} {fmt(d['redacted'])}" for k, d in m["negatives"].items())
    print(f"negatives touched: {negs}")
    top = write_misses(out / f"misses-{name}{tag}.txt", misses(records, preds), args.misses)
    if top and name != shared_dev.NAME:
        print("top miss families (entities leaked / entities): " + ", ".join(
            f"{k.removeprefix('family ')} {n}/{e}" for k, n, e in top[: args.top]))  # fmt: skip
    print(f"misses: {out / f'misses-{name}{tag}.txt'}")
    return m, secs


def compare_table(rows: list[tuple[str, dict[str, Any], dict[str, Any], float, float]]) -> None:
    """Rules alone against rules + the layer, set by set, then the labels that moved."""
    print("\n## rules alone vs rules + NER layer (recall / precision / leaked entities)")
    print("| set | rules | + NER | recall | precision | leak | engine time |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    for name, a, b, secs_a, secs_b in rows:
        print(
            f"| {name} | {_rpl(a)} | {_rpl(b)} | {b['recall'] - a['recall']:+.3f} "
            f"| {b['precision'] - a['precision']:+.3f} | {100 * (b['leak'] - a['leak']):+.1f} pt "
            f"| x{secs_b / secs_a:.1f} |"
        )
    print("\n| set | label | recall | leak |")
    print("| --- | --- | --- | --- |")
    for name, a, b, _, _ in rows:
        for lab, d in b["per_label"].items():
            before = a["per_label"].get(lab)
            if before and (d["recall"] != before["recall"] or d["leak"] != before["leak"]):
                print(f"| {name} | {lab} | {fmt(before['recall'])} -> {fmt(d['recall'])} "
                      f"| {fmt(before['leak'])} -> {fmt(d['leak'])} |")  # fmt: skip


def _rpl(m: dict[str, Any]) -> str:
    return f"{fmt(m['recall'])} / {fmt(m['precision'])} / {100 * m['leak']:.1f} %"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=None, help=f"default: {','.join(ALL_SETS)}")
    ap.add_argument("--gold", type=gold_option, action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    ap.add_argument(
        "--misses", type=int, default=12, help="missed strings sampled per label/family"
    )
    ap.add_argument("--top", type=int, default=8, help="miss families printed per set")
    ap.add_argument(
        "--ner", choices=NER_CHOICES, default="none", help="also score with this NER layer"
    )
    a = ap.parse_args(argv)
    out = Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    extra = ner_recognizers(a.ner)  # fails here, before any set, when the layer is missing
    gold_files = dict(a.gold)
    names = a.sets.split(",") if a.sets else ([] if gold_files else ALL_SETS)
    compared = []
    for name in [*names, *gold_files]:
        if name not in ALL_SETS and name not in gold_files:
            sys.exit(f"unknown set {name!r}; known: {', '.join(ALL_SETS)}")
        records = load_set(name, gold_files)
        if records is None:
            continue
        write_jsonl(out / f"{name}.gold.jsonl", [public(r) for r in records])
        rules, secs = score_run(name, records, out, [], a)
        if extra:
            layered, secs_layered = score_run(name, records, out, extra, a)
            compared.append((name, rules, layered, secs, secs_layered))
    if compared:
        compare_table(compared)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
