"""Asterisk CDR import speed: ``callvault import asterisk``'s work (``AsteriskImport``)
on a generated Master.csv of synthetic calls, in rows per second, against plain
``csv.reader`` parsing of the same file measured in the same run. Then the re-run
(every line already imported). An embedded vault (SQLite) in a temporary directory.

    .venv/bin/python bench/cdr_import.py [--rows 20000] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from callvault.audit.context import ServiceContext
from callvault.blobs.factory import create_blob_store
from callvault.cli.options import CLI_REQUEST, cli_principal
from callvault.cli.vault import open_keyring
from callvault.compliance.schemas import BaaIn
from callvault.instance import initialise
from callvault.integrations.asterisk_import import AsteriskImport, ImportOptions, ImportReport
from callvault.settings import load_settings
from callvault.tenants.agreements import AgreementKind
from callvault.tenants.service import get_tenant

TENANT = "bench-clinic"
# The covered-entity agreement the PHI gate asks for (synthetic: the hash of nothing real).
SYNTHETIC_BAA = BaaIn(
    kind=AgreementKind.COVERED_ENTITY,
    counterparty="Bench clinic",
    effective_on=date(2020, 1, 1),
    document_sha256="ab" * 32,
)


def write_master_csv(path: Path, rows: int) -> None:
    """``rows`` lines as cdr_csv writes them with loguniqueid and loguserfield on."""
    dispositions = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED")
    with path.open("w", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        for n in range(rows):
            second = 1_796_119_200 + n * 37
            start = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second))
            end = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second + 90))
            src, dst = f"202555{100 + n % 100:04d}", f"202555{100 + n % 7:04d}"
            writer.writerow(
                ["", src, dst, "from-trunk", f'"Synthetic" <{src}>', f"PJSIP/t-{n:08x}",
                 "PJSIP/101-1", "Dial", "PJSIP/101,30", start, start, end, 90, 85,
                 dispositions[n % 4], "DOCUMENTATION", f"{second}.{n}", ""]
            )  # fmt: skip


def parse_only(path: Path) -> float:
    started = time.perf_counter()
    with path.open(newline="") as lines:
        for _ in csv.reader(lines):
            pass
    return time.perf_counter() - started


def run_import(settings_dir: Path, url: str, path: Path) -> tuple[float, ImportReport]:
    settings = load_settings(settings_dir, url, environ={})
    options = ImportOptions(ZoneInfo("UTC"), None, settings.max_recording_bytes)
    started = time.perf_counter()
    with open_keyring(settings) as (session, keyring), path.open(newline="") as lines:
        tenant_id = get_tenant(session, TENANT).id
        ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
        report = AsteriskImport(ctx, create_blob_store(settings), options, print).run(lines)
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        master = root / "Master.csv"
        write_master_csv(master, args.rows)
        url = f"sqlite:///{root / 'callvault.db'}"
        initialise(load_settings(root / "data", url, environ={}), TENANT, SYNTHETIC_BAA)
        baseline = min(parse_only(master) for _ in range(3))
        first, report = run_import(root / "data", url, master)
        again, rerun = run_import(root / "data", url, master)
    rows = args.rows
    print(f"python {sys.version.split()[0]}, {rows} rows, SQLite")
    print(f"import:   {first:8.2f} s  {rows / first:10.0f} rows/s  ({report.summary()})")
    print(f"re-run:   {again:8.2f} s  {rows / again:10.0f} rows/s  ({rerun.summary()})")
    print(f"csv.reader: {baseline:6.3f} s  {rows / baseline:10.0f} rows/s (best of 3)")
    print(f"ratio import / csv.reader: {baseline / first:.5f}")
    print(f"ratio re-run / csv.reader: {baseline / again:.5f}")


if __name__ == "__main__":
    main()
