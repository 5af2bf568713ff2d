"""Write one generated set as JSON lines: ``python -m bench.redaction_sets --set NAME --out F``."""

from __future__ import annotations

import argparse
import json
import sys

from . import GENERATORS
from ._build import public


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--set", required=True, choices=sorted(GENERATORS))
    ap.add_argument("--out", default="-", help="output file ('-' = stdout)")
    ap.add_argument("--seed", type=int, help="default: the generator's own seed")
    ap.add_argument("--count", type=int, help="records (default: the generator's own count)")
    ap.add_argument("--with-families", action="store_true",
                    help="keep each span's 'family' tag (not in the shared format)")  # fmt: skip
    a = ap.parse_args(argv)
    kwargs = {k: v for k, v in (("seed", a.seed), ("count", a.count)) if v is not None}
    records = GENERATORS[a.set](**kwargs)
    lines = (json.dumps(r if a.with_families else public(r), ensure_ascii=False) for r in records)
    if a.out == "-":
        sys.stdout.writelines(line + "\n" for line in lines)
    else:
        with open(a.out, "w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines)
        print(f"wrote {len(records)} records to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
