"""``callvault incident verify FILE``: check an incident's evidence bundle on any
machine with CallVault installed (no vault, no keys): the signed tree head, and each
event's leaf hash and inclusion proof. Exit 0 when all hold, 1 otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from callvault.cli.options import fail
from callvault.incidents.verify import verify_bundle

incident_app = typer.Typer(help="Breach incidents: verify an evidence bundle.")


@incident_app.command("verify")
def verify(
    bundle: Annotated[Path, typer.Argument(help="The evidence bundle (JSON) to check")],
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key",
            help="The tenant's Ed25519 public key (hex), pinned out of band; without it the "
            "bundle's own key is used, which proves only self-consistency",
        ),
    ] = None,
) -> None:
    pinned = _pinned(public_key)
    try:
        document = json.loads(bundle.read_bytes())
    except OSError as exc:
        fail(f"cannot read {bundle}: {exc.strerror}")
    except ValueError:
        fail(f"{bundle} is not JSON")
    verdict = verify_bundle(document if isinstance(document, dict) else {}, pinned)
    if verdict.problems:
        for problem in verdict.problems:
            typer.echo(problem, err=True)
        raise typer.Exit(1)
    key = "the pinned key" if pinned else "the bundle's own key (pin it: --public-key)"
    typer.echo(
        f"evidence intact: {verdict.events} events proven in the tree of "
        f"{verdict.tree_size}, its head signed under {key}"
    )


def _pinned(public_key: str | None) -> bytes | None:
    if public_key is None:
        return None
    try:
        key = bytes.fromhex(public_key)
    except ValueError:
        key = b""
    if len(key) != 32:
        fail("--public-key is 64 hex digits (a raw Ed25519 public key)")
    return key
