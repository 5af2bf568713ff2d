from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from callvault.authz.decision import Allowed, Denied, decide
from callvault.authz.permissions import PHI_PERMISSIONS, Permission
from callvault.authz.roles import BUILTIN_ROLES, Policy, Role, narrowed, policy_for

P = Permission


def role_policy(*names: str) -> Policy:
    return policy_for(BUILTIN_ROLES[n] for n in names)


def allowed(policy: Policy | None, permission: Permission) -> bool:
    return isinstance(decide(policy, permission), Allowed)


def test_a_role_that_allows_and_denies_the_same_permission_denies_it() -> None:
    both = Role("both", allow=frozenset({P.CALL_READ}), deny=frozenset({P.CALL_READ}))
    assert isinstance(decide(policy_for([both]), P.CALL_READ), Denied)


permission_sets = st.frozensets(st.sampled_from(list(Permission)))
roles = st.builds(Role, st.just("r"), permission_sets, permission_sets)


@given(st.lists(roles, max_size=6), st.sampled_from(list(Permission)), st.randoms())
def test_any_deny_wins_and_order_does_not_matter(
    role_list: list[Role], permission: Permission, rng: object
) -> None:
    shuffled = list(role_list)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    expected = any(permission in r.allow for r in role_list) and not any(
        permission in r.deny for r in role_list
    )
    assert allowed(policy_for(role_list), permission) is expected
    assert allowed(policy_for(shuffled), permission) is expected


@given(permission_sets, st.sampled_from(list(Permission)))
def test_a_grant_never_overrides_a_deny(
    grants: frozenset[Permission], permission: Permission
) -> None:
    denying = Role("d", allow=frozenset(), deny=frozenset({permission}))
    assert not allowed(policy_for([denying], grants | {permission}), permission)


def test_no_policy_and_ungranted_permissions_are_denied() -> None:
    assert not allowed(None, P.CALL_READ)
    assert not allowed(role_policy("marketing"), P.RECORDING_PLAY)
    assert allowed(role_policy("supervisor"), P.RECORDING_PLAY)


def test_token_scopes_only_narrow() -> None:
    policy = role_policy("integration")
    scoped = narrowed(policy, frozenset({P.CALL_CREATE, P.AUDIT_READ}))
    assert allowed(scoped, P.CALL_CREATE)
    assert not allowed(scoped, P.RECORDING_UPLOAD)
    assert not allowed(scoped, P.AUDIT_READ)  # a scope cannot add what the role lacks


def test_separation_of_duties_in_the_built_in_roles() -> None:
    admin, compliance = role_policy("admin"), role_policy("compliance_officer")
    assert allowed(admin, P.USER_ADMIN) and not allowed(admin, P.AUDIT_READ)
    assert not any(allowed(admin, p) for p in PHI_PERMISSIONS)
    assert allowed(compliance, P.AUDIT_READ)
    assert not allowed(role_policy("compliance_officer", "admin"), P.USER_ADMIN)  # deny wins
    assert not any(allowed(role_policy("marketing"), p) for p in PHI_PERMISSIONS)


def test_integration_is_ingest_only() -> None:
    integration = role_policy("integration")
    assert all(
        allowed(integration, p) for p in (P.CALL_CREATE, P.RECORDING_UPLOAD, P.TRANSCRIPT_UPLOAD)
    )
    assert not any(allowed(integration, p) for p in PHI_PERMISSIONS)
