"""``callvault init`` and ``tenant create`` with ``--baa-*``: the first covered-entity
agreement, recorded active on its signed document; without them the tenant exists
and its PHI ingest is refused until one is recorded (``callvault baa``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callvault.cli.main import app
from callvault.cli.vault import open_keyring
from callvault.settings import load_settings
from callvault.tenants.agreements import (
    AgreementKind,
    BusinessAssociateAgreement,
    has_active_agreement,
)
from callvault.tenants.service import get_tenant

runner = CliRunner()
COVERED = AgreementKind.COVERED_ENTITY


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def where(tmp_path: Path, database_url: str) -> list[str]:
    return ["--data-dir", str(tmp_path / "vault"), "--database-url", database_url]


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    document = tmp_path / "signed-baa.pdf"
    document.write_bytes(b"%PDF-1.4 synthetic signed agreement\n")
    return document


def gate_open(where: list[str], tenant: str) -> bool:
    settings = load_settings(Path(where[1]), where[3], environ={})
    with open_keyring(settings) as (session, _):
        return has_active_agreement(session, get_tenant(session, tenant).id, COVERED)


def baa_options(document: Path) -> list[str]:
    return [
        "--baa-effective", "2026-01-01",
        "--baa-counterparty", "Riverside Clinic PC",
        "--baa-document", str(document),
    ]  # fmt: skip


def test_init_records_the_first_agreement_active_with_its_document_hash(
    where: list[str], signed: Path
) -> None:
    code, out, _ = run("init", "--tenant", "clinic", *where, *baa_options(signed))
    assert code == 0, out
    assert "note:" not in out
    assert gate_open(where, "clinic")
    code, listing, _ = run("baa", "list", "--tenant", "clinic", *where)
    assert code == 0
    assert "covered_entity active (in force) 2026-01-01..-" in listing
    settings = load_settings(Path(where[1]), where[3], environ={})
    with open_keyring(settings) as (session, _):
        row = session.scalars(select(BusinessAssociateAgreement)).one()
        assert row.document_sha256 == hashlib.sha256(signed.read_bytes()).hexdigest()


def test_without_an_agreement_the_tenant_exists_and_init_says_phi_is_refused(
    where: list[str], signed: Path
) -> None:
    code, out, _ = run("init", "--tenant", "clinic", *where)
    assert code == 0
    assert "PHI ingest is refused" in out
    assert not gate_open(where, "clinic")
    # Run again with the agreement: it is recorded, nothing else changes.
    code, out, _ = run("init", "--tenant", "clinic", *where, *baa_options(signed))
    assert code == 0 and "already present" in out and "note:" not in out
    assert gate_open(where, "clinic")


def test_tenant_create_records_its_agreement(where: list[str], signed: Path) -> None:
    run("init", "--tenant", "clinic", *where, *baa_options(signed))
    code, out, _ = run("tenant", "create", "--tenant", "second", *where, *baa_options(signed))
    assert code == 0, out
    assert gate_open(where, "second")
    code, out, _ = run("tenant", "create", "--tenant", "third", *where)
    assert code == 0 and "PHI ingest is refused" in out
    assert not gate_open(where, "third")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--baa-effective", "2026-01-01", "--baa-counterparty", "Clinic"], "--baa-document"),
        (["--baa-effective", "2026-13-01", "--baa-counterparty", "Clinic"], "--baa-effective"),
        (["--baa-counterparty", "Clinic"], "--baa-effective"),
    ],
)
def test_incomplete_or_bad_options_change_nothing(
    where: list[str], signed: Path, options: list[str], message: str
) -> None:
    if message != "--baa-document":
        options = [*options, "--baa-document", str(signed)]
    code, _, err = run("init", "--tenant", "clinic", *where, *options)
    assert code == 2
    assert message in err
    assert not Path(where[1]).exists()


def test_an_unreadable_document_is_refused(where: list[str], tmp_path: Path) -> None:
    code, _, err = run("init", "--tenant", "clinic", *where, *baa_options(tmp_path / "absent.pdf"))
    assert code == 2 and "cannot read" in err


def test_the_baa_commands_add_activate_and_terminate(where: list[str], signed: Path) -> None:
    run("init", "--tenant", "clinic", *where)
    add = ["baa", "add", "--tenant", "clinic", "--kind", "covered_entity", *where]
    code, out, _ = run(*add, "--counterparty", "Riverside Clinic PC", "--effective", "2026-01-01")
    assert code == 0, out
    baa_id = out.strip()
    code, _, err = run("baa", "activate", "--tenant", "clinic", baa_id, *where)  # no document
    assert code == 1 and "document_sha256" in err
    assert not gate_open(where, "clinic")
    code, out, _ = run(
        "baa", "activate", "--tenant", "clinic", baa_id, "--document", str(signed), *where
    )
    assert code == 0 and "active (in force)" in out
    assert gate_open(where, "clinic")
    code, out, _ = run("baa", "terminate", "--tenant", "clinic", baa_id, *where)
    assert code == 0 and "terminated" in out
    assert not gate_open(where, "clinic")
