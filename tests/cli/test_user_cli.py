"""``callvault user create`` and the demo's sign-in user."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callvault.cli.main import app
from callvault.cli.vault import open_keyring
from callvault.demo.seed import DEMO_ACCOUNTS, DEMO_USER_EMAIL, seed_demo
from callvault.identity.models import User
from callvault.identity.passwords import verify_password
from callvault.identity.users import find_user_by_email, totp_secret, user_roles
from callvault.settings import Settings, load_settings

runner = CliRunner()
PASSWORD = "synthetic-Passphrase-4417"
URI = re.compile(r"otpauth://totp/CallVault:[^\s]+\?[^\s]*secret=[A-Z2-7]{32}[^\s]*\n")


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin, env=env or {})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Settings:
    settings = load_settings(tmp_path / "vault", database_url, environ={})
    code, _, err = run(
        "init", "--data-dir", str(settings.data_dir), "--database-url", database_url,
        "--tenant", "clinic",
    )  # fmt: skip
    assert code == 0, err
    return settings


def create(vault: Settings, *extra: str, stdin: str = PASSWORD + "\n") -> tuple[int, str, str]:
    base = ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url]
    return run("user", "create", *base, *extra, stdin=stdin)


def users(vault: Settings) -> int:
    with open_keyring(vault) as (db, _):
        return db.scalar(select(func.count()).select_from(User)) or 0


def test_user_create_prints_exactly_the_enrolment_uri(vault: Settings) -> None:
    code, out, err = create(
        vault, "--tenant", "clinic", "--email", "Person@Clinic.example", "--role", "agent",
        "--role", "marketing", "--password-stdin",
    )  # fmt: skip

    assert code == 0, err
    assert URI.fullmatch(out) and out.count("\n") == 1
    secret = parse_qs(urlparse(out.strip()).query)["secret"][0]
    with open_keyring(vault) as (db, keyring):
        user = find_user_by_email(db, "person@clinic.example")
        assert user is not None
        assert totp_secret(keyring, user) == secret
        assert sorted(user_roles(db, user.id)) == ["agent", "marketing"]
        assert user.totp_confirmed_at is None  # enrolment completes at first sign-in
    assert verify_password(user.password_hash, PASSWORD)  # the newline was stripped


def test_user_create_honours_the_environment(vault: Settings) -> None:
    env = {"CALLVAULT_DATA_DIR": str(vault.data_dir), "CALLVAULT_DATABASE_URL": vault.database_url}
    code, out, _ = run(
        "user", "create", "--tenant", "clinic", "--email", "env@clinic.example",
        "--role", "agent", "--password-stdin", stdin=PASSWORD + "\r\n", env=env,
    )  # fmt: skip
    assert code == 0 and URI.fullmatch(out)


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["--email", "a@clinic.example", "--role", "agent"], "short\n", "at least 12"),
        (["--email", "a@clinic.example", "--role", "agent"], "password1234\n", "too common"),
        (["--email", "a@clinic.example", "--role", "agent"], "\n", "at least 12"),
        (["--email", "a@clinic.example", "--role", "agent"], "", "at least 12"),
        (["--email", "first@clinic.example", "--role", "agent"], PASSWORD, "exists"),
        (["--email", "a@clinic.example", "--role", "root"], PASSWORD, "unknown role"),
        (["--email", "not-an-address", "--role", "agent"], PASSWORD, "e-mail"),
    ],
    ids=["short", "common", "empty-line", "no-input", "duplicate", "unknown-role", "bad-email"],
)
def test_user_create_refuses_with_a_clear_error_and_creates_nothing(
    vault: Settings, args: list[str], stdin: str, message: str
) -> None:
    create(vault, "--tenant", "clinic", "--email", "first@clinic.example", "--role", "agent",
           "--password-stdin")  # fmt: skip
    before = users(vault)

    code, out, err = create(vault, "--tenant", "clinic", *args, "--password-stdin", stdin=stdin)

    assert (code, out) == (2, "")
    assert err.startswith("error: ") and message in err
    assert PASSWORD not in err and "short" not in err.replace("error: ", "")
    assert users(vault) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tenant", "nobody", "--email", "a@clinic.example", "--role", "agent",
          "--password-stdin"], "no such tenant"),
        (["--tenant", "clinic", "--email", "a@clinic.example", "--role", "agent"],
         "--password-stdin"),
    ],
    ids=["unknown-tenant", "password-not-from-stdin"],
)  # fmt: skip
def test_user_create_needs_a_tenant_and_stdin(
    vault: Settings, args: list[str], message: str
) -> None:
    code, out, err = create(vault, *args)
    assert (code, out) == (2, "") and message in err
    assert users(vault) == 0


def test_user_create_on_an_uninitialised_directory(tmp_path: Path) -> None:
    code, _, err = run(
        "user", "create", "--data-dir", str(tmp_path / "none"), "--tenant", "clinic",
        "--email", "a@clinic.example", "--role", "agent", "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    assert code == 2 and "not initialised" in err


def test_the_demo_creates_one_user_per_role_once_with_random_passwords(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "demo", None, environ={})

    first = seed_demo(settings)
    second = seed_demo(settings)

    assert first.user_email == second.user_email == DEMO_USER_EMAIL
    assert [u.email for u in first.users] == [a.email for a in DEMO_ACCOUNTS]
    assert [u.email for u in second.users] == [a.email for a in DEMO_ACCOUNTS]
    assert first.user_password and len(first.user_password) >= 20
    assert first.otpauth_uri and first.otpauth_uri.startswith("otpauth://totp/")
    assert first.user_password not in repr(first)
    assert second.user_password is None and second.otpauth_uri is None  # shown once only
    assert all(u.password is None and u.otpauth_uri is None for u in second.users)
    assert len({u.password for u in first.users}) == len(DEMO_ACCOUNTS)
    with open_keyring(settings) as (db, _):
        stored = [find_user_by_email(db, account.email) for account in DEMO_ACCOUNTS]
        roles = [user_roles(db, user.id) if user else [] for user in stored]
    for account, made, user, role in zip(DEMO_ACCOUNTS, first.users, stored, roles, strict=True):
        assert user is not None and role == [account.role]
        assert made.password is not None and verify_password(user.password_hash, made.password)
        assert user.family_name == account.family_name
    other = seed_demo(load_settings(tmp_path / "demo-2", None, environ={}))
    assert other.user_password != first.user_password
