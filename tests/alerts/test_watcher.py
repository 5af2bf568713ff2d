"""The watcher over a real audit log: each rule raised and not raised, once per burst,
each event evaluated once (twice run, batches, two processes at the same time)."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import select

from callvault.alerts.models import AlertCursor, AlertSettings, KnownNetwork
from callvault.alerts.watcher import evaluate_batch, run_watcher
from callvault.audit.proofs import current_size
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.web.background import JobsLoop
from tests._vault import TENANT_B
from tests.alerts.conftest import alerts, emit, tenant_id, watch

SATURDAY_NOON = int(datetime.fromisoformat("2026-03-07T12:00:00+00:00").timestamp() * 1000)
WEDNESDAY_NOON = int(datetime.fromisoformat("2026-03-04T12:00:00+00:00").timestamp() * 1000)


def cursor(vault: Settings, tenant: str) -> int:
    with open_keyring(vault) as (session, _):
        row = session.get(AlertCursor, tenant)
        return -1 if row is None else row.next_seq


def save_settings(vault: Settings, tenant: str, **values: object) -> None:
    from callvault.alerts.service import load_settings_row

    with open_keyring(vault) as (session, _):
        row = load_settings_row(session, tenant)
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
        session.commit()


# -- mass access ----------------------------------------------------------------------


def test_101_plays_in_a_minute_raise_one_mass_access_alert(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "reader-1", "recording:play", count=101)
    watch(vault)
    [alert] = alerts(vault, "mass_access")
    assert (alert.actor_type, alert.actor_id, alert.count) == ("user", "reader-1", 101)
    assert (alert.first_seq, alert.last_seq) == (0, 100)
    assert alert.delivery_status == "not_configured"


def test_100_plays_are_not_mass_access(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "reader-1", "recording:play", count=100)
    emit(vault, tenant, "reader-1", "recording:play", outcome="denied")
    emit(vault, tenant, "reader-2", "recording:play")
    watch(vault)
    assert alerts(vault, "mass_access") == []


def test_reads_spread_over_more_than_a_minute_are_not_mass_access(
    vault: Settings, tenant: str
) -> None:
    # 101 reads, 0.6 s apart: any 60 s hold at most 100 of them.
    emit(vault, tenant, "reader-1", "call:read", count=101, at_ms=WEDNESDAY_NOON, step_ms=600)
    watch(vault)
    assert alerts(vault, "mass_access") == []


def test_a_long_burst_extends_its_alert_across_batches(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "reader-1", "transcript:read", count=150)
    watch(vault, batch_size=40)
    [alert] = alerts(vault, "mass_access")
    assert (alert.first_seq, alert.last_seq, alert.count) == (0, 149, 150)


def test_the_threshold_is_a_tenant_setting(vault: Settings, tenant: str) -> None:
    save_settings(vault, tenant, mass_access_threshold=5)
    emit(vault, tenant, "reader-1", "call:search", count=6)
    watch(vault)
    assert len(alerts(vault, "mass_access")) == 1


# -- denied burst ---------------------------------------------------------------------


def test_eleven_denials_raise_a_denied_burst(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "token-1", "audit:read", count=11, outcome="denied", actor_type="token")
    watch(vault)
    [alert] = alerts(vault, "denied_burst")
    assert (alert.actor_type, alert.actor_id, alert.count) == ("token", "token-1", 11)


def test_ten_denials_or_other_outcomes_are_no_burst(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "token-1", "audit:read", count=10, outcome="denied", actor_type="token")
    emit(vault, tenant, "token-1", "call:read", count=5, outcome="not_found", actor_type="token")
    emit(vault, tenant, "token-1", "call:read", count=5, actor_type="token")
    watch(vault)
    assert alerts(vault, "denied_burst") == []


def test_a_burst_window_reaches_back_past_other_events_and_batches(
    vault: Settings, tenant: str
) -> None:
    # Ten denials, then 150 reads by the same token, then the eleventh denial, alone in
    # the last batch: its window must still find the first ten behind the reads.
    emit(vault, tenant, "token-1", "audit:read", count=10, outcome="denied", actor_type="token")
    emit(vault, tenant, "token-1", "recording:play", count=150, actor_type="token")
    emit(vault, tenant, "token-1", "audit:read", outcome="denied", actor_type="token")
    watch(vault, batch_size=50)
    [alert] = alerts(vault, "denied_burst")
    assert (alert.first_seq, alert.last_seq, alert.count) == (0, 160, 11)


# -- off hours ------------------------------------------------------------------------


def test_a_saturday_read_is_off_hours(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "reader-1", "call:read", at_ms=SATURDAY_NOON)
    watch(vault)
    [alert] = alerts(vault, "off_hours")
    assert alert.actor_id == "reader-1"


def test_a_weekday_read_is_inside_hours(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "reader-1", "call:read", at_ms=WEDNESDAY_NOON)
    emit(vault, tenant, "token-1", "call:read", at_ms=WEDNESDAY_NOON + 1, actor_type="token")
    watch(vault)
    assert alerts(vault, "off_hours") == []


def test_off_hours_use_the_tenant_zone(vault: Settings, tenant: str) -> None:
    # Wednesday 12:00 UTC is 01:00 on Thursday in Auckland.
    save_settings(vault, tenant, timezone="Pacific/Auckland")
    emit(vault, tenant, "reader-1", "recording:play", at_ms=WEDNESDAY_NOON)
    watch(vault)
    assert len(alerts(vault, "off_hours")) == 1


def test_off_hours_reads_in_one_session_make_one_alert(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "reader-1", "call:read", count=30, at_ms=SATURDAY_NOON, step_ms=60_000)
    watch(vault)
    [alert] = alerts(vault, "off_hours")
    assert (alert.count, alert.first_seq, alert.last_seq) == (30, 0, 29)


# -- new network ----------------------------------------------------------------------


def test_a_sign_in_from_a_new_network_alerts_but_the_first_does_not(
    vault: Settings, tenant: str
) -> None:
    emit(vault, tenant, "user-1", "auth:mfa", source_ip="198.51.100.7")
    watch(vault)
    assert alerts(vault, "new_network") == []
    emit(vault, tenant, "user-1", "auth:mfa", source_ip="198.51.100.200")
    emit(vault, tenant, "user-1", "auth:mfa", source_ip="203.0.113.9")
    watch(vault)
    [alert] = alerts(vault, "new_network")
    assert (alert.actor_id, alert.detail, alert.first_seq) == ("user-1", "203.0.113.0/24", 2)
    with open_keyring(vault) as (session, _):
        known = session.execute(select(KnownNetwork.network)).scalars().all()
    assert sorted(known) == ["198.51.100.0/24", "203.0.113.0/24"]


def test_failed_or_unfinished_sign_ins_teach_nothing(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "user-1", "auth:mfa", source_ip="198.51.100.7")
    emit(vault, tenant, "user-1", "auth:login", source_ip="203.0.113.9")
    emit(vault, tenant, "user-1", "auth:mfa", source_ip="192.0.2.9", outcome="denied")
    watch(vault)
    assert alerts(vault, "new_network") == []


# -- same surname ---------------------------------------------------------------------
# (through the real call API in test_same_surname.py)


# -- exactly once ---------------------------------------------------------------------


def test_running_twice_raises_nothing_twice(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "reader-1", "recording:play", count=101, at_ms=SATURDAY_NOON)
    assert watch(vault) == 101
    assert watch(vault) == 0
    assert sorted((a.rule, a.count) for a in alerts(vault)) == [
        ("mass_access", 101),
        ("off_hours", 101),
    ]
    with open_keyring(vault) as (session, _):
        assert cursor(vault, tenant) == current_size(session, tenant) == 101


def test_two_watchers_at_once_evaluate_each_event_once(vault: Settings, tenant: str) -> None:
    emit(vault, tenant, "reader-1", "recording:play", count=400)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            watch(vault, batch_size=25)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    [alert] = alerts(vault, "mass_access")
    assert (alert.first_seq, alert.last_seq, alert.count) == (0, 399, 400)


def test_tenants_are_watched_apart(vault: Settings, tenant: str) -> None:
    other = tenant_id(vault, TENANT_B)
    emit(vault, tenant, "reader-1", "recording:play", count=60)
    emit(vault, other, "reader-1", "recording:play", count=60)
    watch(vault)
    assert alerts(vault, "mass_access") == []
    emit(vault, other, "reader-1", "recording:play", count=41)
    watch(vault)
    [alert] = alerts(vault, "mass_access")
    assert alert.tenant_id == other
    assert cursor(vault, tenant) == 60


def test_a_disabled_rule_stays_quiet(vault: Settings, tenant: str) -> None:
    save_settings(vault, tenant, disabled_rules='["off_hours"]')
    emit(vault, tenant, "reader-1", "call:read", at_ms=SATURDAY_NOON)
    watch(vault)
    assert alerts(vault) == []
    with open_keyring(vault) as (session, _):
        assert session.get(AlertSettings, tenant) is not None


def test_watchers_reading_first_evaluate_each_event_once(vault: Settings, tenant: str) -> None:
    """As the jobs process runs them: read-only sessions, the batch stored aside."""
    emit(vault, tenant, "reader-1", "recording:play", count=400)
    loop = JobsLoop(vault)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with loop.read_sessions() as session:
                run_watcher(session, batch_size=25)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        loop.close()
    assert errors == []
    [alert] = alerts(vault, "mass_access")
    assert (alert.first_seq, alert.last_seq, alert.count) == (0, 399, 400)
    assert cursor(vault, tenant) == 400


def test_a_batch_read_before_another_watcher_moved_the_cursor_is_dropped(
    vault: Settings, tenant: str
) -> None:
    emit(vault, tenant, "reader-1", "recording:play", count=120)
    loop = JobsLoop(vault)
    try:
        with loop.read_sessions() as late:
            if not vault.is_sqlite:  # one snapshot for the whole transaction, as SQLite's
                late.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            assert late.scalar(select(AlertCursor.next_seq)) is None  # its snapshot begins
            watch(vault)  # another watcher evaluates the events and moves the cursor
            [before] = alerts(vault, "mass_access")
            assert evaluate_batch(late, tenant) == 0
    finally:
        loop.close()
    [after] = alerts(vault, "mass_access")
    assert (after.id, after.count, after.last_seq) == (before.id, before.count, before.last_seq)
    assert cursor(vault, tenant) == 120
