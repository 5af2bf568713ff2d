from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callvault.cli.main import app
from callvault.settings import load_settings
from callvault.web.app import create_app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env or {})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


def db_args(database_url: str) -> list[str]:
    return ["--database-url", database_url]


def test_init_creates_a_private_root_key_and_is_safe_to_repeat(
    data_dir: Path, database_url: str
) -> None:
    code, out, _ = run(
        "init", "--data-dir", str(data_dir), "--tenant", "clinic", *db_args(database_url)
    )
    assert code == 0, out
    key = data_dir / "root.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    first_key = key.read_bytes()
    token_code, token, _ = run(
        "token",
        "create",
        "--data-dir",
        str(data_dir),
        "--tenant",
        "clinic",
        "--role",
        "integration",
        *db_args(database_url),
    )
    assert token_code == 0

    code, out, _ = run(
        "init", "--data-dir", str(data_dir), "--tenant", "clinic", *db_args(database_url)
    )

    assert code == 0
    assert "kept existing" in out and "already present" in out
    assert key.read_bytes() == first_key
    from callvault.cli.vault import open_keyring
    from callvault.identity.tokens import authenticate_token
    from callvault.settings import load_settings

    settings = load_settings(data_dir, database_url, environ={})
    with open_keyring(settings) as (session, _):
        assert authenticate_token(session, token.strip()) is not None


def test_token_create_prints_only_the_token(data_dir: Path, database_url: str) -> None:
    run("init", "--data-dir", str(data_dir), "--tenant", "clinic", *db_args(database_url))
    code, out, _ = run(
        "token",
        "create",
        "--data-dir",
        str(data_dir),
        "--tenant",
        "clinic",
        "--role",
        "integration",
        *db_args(database_url),
    )
    assert code == 0
    assert re.fullmatch(r"cvt_[0-9a-f]{32}_[A-Za-z0-9_-]{43}\n", out)


def test_environment_variables_replace_the_flags(data_dir: Path, database_url: str) -> None:
    env = {"CALLVAULT_DATA_DIR": str(data_dir), "CALLVAULT_DATABASE_URL": database_url}
    assert run("init", "--tenant", "clinic", env=env)[0] == 0
    assert run("tenant", "create", "--tenant", "second-clinic", env=env)[0] == 0
    code, out, _ = run("token", "create", "--tenant", "second-clinic", "--role", "agent", env=env)
    assert code == 0 and out.startswith("cvt_")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tenant", "create", "--tenant", "clinic"], "not initialised"),
        (["token", "create", "--tenant", "clinic"], "not initialised"),
    ],
)
def test_commands_on_an_uninitialised_directory_explain_what_to_do(
    data_dir: Path, args: list[str], message: str
) -> None:
    code, _, err = run(*args, "--data-dir", str(data_dir))
    assert code == 2 and message in err


def test_clear_errors_for_bad_names_roles_and_duplicates(data_dir: Path, database_url: str) -> None:
    base = ["--data-dir", str(data_dir), *db_args(database_url)]
    assert run("init", "--tenant", "Bad Name!", *base)[0] == 2
    run("init", "--tenant", "clinic", *base)
    code, _, err = run("tenant", "create", "--tenant", "clinic", *base)
    assert code == 2 and "exists" in err
    code, _, err = run("token", "create", "--tenant", "clinic", "--role", "root", *base)
    assert code == 2 and "unknown role" in err
    code, _, err = run("token", "create", "--tenant", "nobody", *base)
    assert code == 2 and "no such tenant" in err


def test_no_data_dir_is_a_clear_error() -> None:
    code, _, err = run("init", "--tenant", "clinic", env={"CALLVAULT_DATA_DIR": ""})
    assert code == 2 and "CALLVAULT_DATA_DIR" in err


def test_keys_rotate_reports_the_new_version(data_dir: Path, database_url: str) -> None:
    base = ["--data-dir", str(data_dir), "--tenant", "clinic", *db_args(database_url)]
    run("init", *base)
    code, out, _ = run("keys", "rotate", *base)
    assert code == 0 and "key version 2" in out
    code, out, _ = run("keys", "rotate", *base)
    assert "key version 3" in out


def test_a_group_readable_root_key_is_refused(data_dir: Path, database_url: str) -> None:
    base = ["--data-dir", str(data_dir), "--tenant", "clinic", *db_args(database_url)]
    run("init", *base)
    os.chmod(data_dir / "root.key", 0o644)
    code, _, err = run("token", "create", *base)
    assert code != 0
    assert "key" in err.lower()


def test_the_demo_user_enrols_totp_signs_in_and_reads_the_demo_calls(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    code, out, _ = run("demo", "--data-dir", str(data_dir), "--no-serve")
    assert code == 0, out
    assert "ingested 4 synthetic calls" in out
    assert "recordings processed: 4 of 4 done" in out
    assert "alert raised: same_surname by casey.testpatient@demo.callvault.example" in out
    assert re.search(r"cvt_[0-9a-f]{32}_[A-Za-z0-9_-]{43}", out)
    printed = re.findall(
        r"demo user \(role (\w+)\): \S+\n  password \(shown once\): \S+\n"
        r"  authenticator enrolment URI \(shown once\): otpauth://\S+\n",
        out,
    )
    assert {"supervisor", "marketing", "compliance_officer", "admin"} <= set(printed)
    email = re.search(r"demo user \(role supervisor\): (\S+)", out)
    password = re.search(r"password \(shown once\): (\S+)", out)
    uri = re.search(r"(otpauth://\S+)", out)
    assert email and password and uri

    settings = load_settings(data_dir, environ={})
    with TestClient(create_app(settings)) as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": email[1], "password": password[1]}
        ).json()
        assert login["mfa_required"] is True and login["enrolment_required"] is True
        code_now = pyotp.parse_uri(uri[1]).now()
        mfa = client.post(
            "/api/v1/auth/mfa", json={"challenge": login["challenge"], "code": code_now}
        )
        assert mfa.status_code == 200 and len(mfa.json()["recovery_codes"]) == 10
        cookie = re.search(r"callvault_session=([^;]+)", mfa.headers["set-cookie"])
        assert cookie is not None
        client.cookies.set("callvault_session", cookie[1])
        calls = client.get("/api/v1/calls").json()["items"]

    assert len(calls) == 4
    assert all(c["caller_number"].startswith("+1202555") for c in calls)  # unmasked: PHI role
    assert all(c["processing"]["state"] == "done" and c["recording"] for c in calls)

    code, again, _ = run("demo", "--data-dir", str(data_dir), "--no-serve")
    assert code == 0, again
    assert "the 4 demo calls are there already: nothing ingested" in again
    assert "shown once): " not in again.replace("ingest token (role integration, shown once)", "")
