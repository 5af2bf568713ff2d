"""``callvault access decrypt FILE``: open an access-export bundle on any machine with
CallVault installed (no vault, no keys: only the passphrase), write the ZIP, and check
every file in it against the manifest's SHA-256."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Annotated

import typer

from callvault.cli.options import fail
from callvault.crypto.errors import DecryptionFailed
from callvault.lifecycle.archive import MANIFEST
from callvault.lifecycle.bundle import open_bundle

PASSPHRASE_ENV = "CALLVAULT_BUNDLE_PASSPHRASE"  # noqa: S105  # the variable's name, not a secret

access_app = typer.Typer(help="Right of access: open an export bundle.")


@access_app.command("decrypt")
def decrypt(
    bundle: Annotated[Path, typer.Argument(help="The .cvxb file the export answered")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the ZIP (default FILE.zip)")
    ] = None,
) -> None:
    """Decrypt BUNDLE into a ZIP and verify it against its manifest. The passphrase is
    asked for (hidden), or read from $CALLVAULT_BUNDLE_PASSPHRASE."""
    target = out or bundle.with_suffix(".zip")
    if target.exists():
        fail(f"{target} exists: remove it or pass --out")
    passphrase = os.environ.get(PASSPHRASE_ENV) or typer.prompt("Passphrase", hide_input=True)
    try:
        archive = open_bundle(bundle.read_bytes(), passphrase)
    except DecryptionFailed:
        fail("wrong passphrase, or the file is damaged or not a bundle")
    except OSError as exc:
        fail(f"cannot read {bundle}: {exc.strerror}")
    problems = check_manifest(archive)
    target.write_bytes(archive)
    target.chmod(0o600)  # it holds PHI
    if problems:
        fail(f"wrote {target}, but it does not match its manifest: {', '.join(problems)}", 1)
    typer.echo(f"wrote {target}: every file matches the manifest")


def check_manifest(archive: bytes) -> list[str]:
    """The paths that are missing, altered or not listed; empty when all is well."""
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        listed = json.loads(opened.read(MANIFEST))["files"]
        present = set(opened.namelist()) - {MANIFEST}
        problems = [
            entry["path"]
            for entry in listed
            if entry["path"] not in present
            or hashlib.sha256(opened.read(entry["path"])).hexdigest() != entry["sha256"]
        ]
    return problems + sorted(present - {entry["path"] for entry in listed})
