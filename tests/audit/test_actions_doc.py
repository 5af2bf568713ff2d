"""The list of audit actions: one enum, each member complete, and its generated doc
current."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from callvault.audit.actions import AuditAction
from callvault.audit.actions_doc import DOC_PATH, REGENERATE, render_actions_doc
from callvault.cli.main import app

REPO = Path(__file__).resolve().parents[2]


def test_the_generated_doc_is_current() -> None:
    on_disk = (REPO / DOC_PATH).read_text("utf-8")
    assert on_disk == render_actions_doc(), f"{DOC_PATH} is stale: run `{REGENERATE}`"


def test_every_action_is_unique_and_says_what_it_names_and_who_emits_it() -> None:
    # A repeated value would make the later name a silent alias of the earlier one.
    aliases = set(AuditAction.__members__) - {action.name for action in AuditAction}
    assert not aliases
    values = [action.value for action in AuditAction]
    assert len(values) == len(set(values))
    for action in AuditAction:
        assert action.resource_type.strip(), action
        assert action.emitted_by.strip(), action


def test_the_cli_prints_or_writes_the_doc(tmp_path: Path) -> None:
    printed = CliRunner().invoke(app, ["audit", "actions-doc"], env={})
    assert printed.exit_code == 0, printed.stderr
    assert printed.stdout == render_actions_doc()

    target = tmp_path / "audit-actions.md"
    written = CliRunner().invoke(app, ["audit", "actions-doc", "--write", str(target)], env={})
    assert written.exit_code == 0, written.stderr
    assert target.read_text("utf-8") == render_actions_doc()
