"""``docs/audit-actions.md``, rendered from ``AuditAction``: the one list of what the
audit trail records. ``tests/audit/test_actions_doc.py`` fails when the file is stale."""

from __future__ import annotations

from callvault.audit.actions import DENIAL_RESOURCE_TYPE, AuditAction

DOC_PATH = "docs/audit-actions.md"
REGENERATE = f"callvault audit actions-doc --write {DOC_PATH}"


def render_actions_doc() -> str:
    """The whole Markdown file, ending in one newline."""
    lines = [
        "# Audit actions",
        "",
        "Generated from `callvault.audit.actions.AuditAction`: do not edit by hand;",
        f"regenerate with `{REGENERATE}`.",
        "",
        "| action | resource type | emitted by |",
        "| --- | --- | --- |",
        *(_row(action) for action in AuditAction),
        "",
        "A denied request is recorded with the refused permission's name as the action",
        f"(say `call:read`), resource type `{DENIAL_RESOURCE_TYPE}` and outcome `denied`.",
    ]
    return "\n".join(lines) + "\n"


def _row(action: AuditAction) -> str:
    cells = (f"`{action.value}`", f"`{action.resource_type}`", action.emitted_by)
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
