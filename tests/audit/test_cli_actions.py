"""Administrative actions at the command line are audited too, attributed to the
operating-system account that ran them."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from callvault.audit.models import AuditEvent
from callvault.cli.main import app
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._vault import TENANT_A


def cli(settings: Settings, *args: str, stdin: str | None = None) -> str:
    where = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    result = CliRunner().invoke(app, [*args, *where], input=stdin, env={})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def events(settings: Settings, action: str) -> list[AuditEvent]:
    with open_keyring(settings) as (session, _):
        stmt = select(AuditEvent).where(AuditEvent.action == action)
        return list(session.execute(stmt).scalars())


def test_token_user_and_key_actions_at_the_cli_are_audited(vault: Settings) -> None:
    token = cli(vault, "token", "create", "--tenant", TENANT_A, "--role", "integration")
    cli(
        vault,
        "user", "create", "--tenant", TENANT_A, "--email", "ops.person@clinic-a.example",
        "--role", "agent", "--password-stdin",
        stdin="synthetic-Passphrase-4417\n",
    )  # fmt: skip
    cli(vault, "keys", "rotate", "--tenant", TENANT_A)

    (created,) = events(vault, "token:create")
    assert created.resource_id is not None and created.resource_id in token
    assert token.strip().split("_", 2)[2] not in str(vars(created))  # the secret is not kept
    for action in ("token:create", "user:create", "key:rotate"):
        (event,) = events(vault, action)
        assert event.actor_type == "system"
        assert event.actor_id.startswith("cli:")
        assert event.outcome == "allowed"
