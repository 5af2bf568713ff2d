"""The audit capability sits below the web, the CLI and identity: it may be handed what
it needs from them, never import them (so a change up there cannot reach the trail)."""

from __future__ import annotations

import grimp

FORBIDDEN = ("callvault.web", "callvault.cli", "callvault.instance", "callvault.identity")
# The capability's own routes and commands use the web and CLI toolkits.
TOOLKITS = {
    "callvault.audit.api": {
        "callvault.web.context",
        "callvault.web.bodies",
        "callvault.web.responses",
        "callvault.web.openapi",
        "callvault.web.problems",
    },
    "callvault.audit.cli": {"callvault.cli.options"},
}
# Known and to be removed: the commands open a keyring-backed session through the
# composition root until the CLI toolkit offers that itself.
KNOWN = {("callvault.audit.cli", "callvault.instance")}


def test_audit_imports_no_higher_layer() -> None:
    graph = grimp.build_graph("callvault", cache_dir=None)
    upward = {
        (module, imported)
        for module in graph.modules
        if module == "callvault.audit" or module.startswith("callvault.audit.")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith(FORBIDDEN) and imported not in TOOLKITS.get(module, set())
    }
    assert upward <= KNOWN, sorted(upward - KNOWN)
