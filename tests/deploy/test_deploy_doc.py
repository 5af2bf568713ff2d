"""docs/deploy.md shows the deploy/ files as they are: each ``<!-- file: PATH -->`` marker
is followed by a code block holding that file, byte for byte, so the doc cannot drift
from what the other tests in tests/deploy/ check."""

from __future__ import annotations

import re

import pytest

from ._stack import DEPLOY, ROOT

DOC = ROOT / "docs" / "deploy.md"
EMBEDDED = re.compile(r"<!-- file: (\S+) -->\n```[a-z]*\n(.*?)\n```", re.DOTALL)
MUST_SHOW = {
    "deploy/callvault.service",
    "deploy/callvault.env",
    "deploy/nginx/callvault.conf",
    "deploy/callvault-backup.service",
    "deploy/callvault-backup.timer",
}

pytestmark = pytest.mark.sqlite_only  # no database involved: once is enough


def embedded_files() -> dict[str, str]:
    return dict(EMBEDDED.findall(DOC.read_text(encoding="utf-8")))


def test_the_doc_shows_every_deploy_file() -> None:
    assert set(embedded_files()) == MUST_SHOW
    assert {f"deploy/{p.relative_to(DEPLOY)}" for p in DEPLOY.rglob("*") if p.is_file()} == (
        MUST_SHOW | {"deploy/callvault-backup.sh"}
    )


@pytest.mark.parametrize("path", sorted(MUST_SHOW))
def test_the_doc_shows_the_file_as_committed(path: str) -> None:
    committed = (ROOT / path).read_text(encoding="utf-8").rstrip("\n")

    assert embedded_files().get(path) == committed, f"docs/deploy.md shows an old {path}"


def test_readme_links_the_deployment_guide() -> None:
    assert "(docs/deploy.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
