"""The calls tests use the shared vault fixtures of ``tests/_vault.py`` (the server's
recording pipeline is off there: uploads stay ``pending``)."""

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from callvault.cli.vault import open_keyring
from callvault.identity.models import CustomRole
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TENANT_B, TokenFactory

__all__ = ["TENANT_A", "TENANT_B", "Reviewer", "TokenFactory"]

Reviewer = Callable[..., dict[str, str]]


REVIEWER_PERMISSIONS = ["call:read", "recording:play", "recording:play_unredacted"]


@pytest.fixture
def reviewer(vault: Settings, auth: TokenFactory) -> Reviewer:
    """``reviewer()`` -> headers of a token whose custom role may play originals (no
    built-in role may: ``/recording/original`` is where the stored upload is read)."""

    def make(tenant: str = TENANT_A) -> dict[str, str]:
        with open_keyring(vault) as (db, _):
            tenant_id = get_tenant(db, tenant).id
            found = db.execute(
                select(CustomRole).where(
                    CustomRole.tenant_id == tenant_id, CustomRole.name == "reviewer"
                )
            ).scalar_one_or_none()
            if found is None:
                allow = json.dumps(REVIEWER_PERMISSIONS)
                db.add(CustomRole(tenant_id=tenant_id, name="reviewer", allow=allow))
                db.commit()
        return auth("reviewer", tenant=tenant)

    return make
