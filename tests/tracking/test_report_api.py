"""``GET /api/v1/reports/attribution`` on a synthetic data set: the numbers, the window,
the groupings, permissions, audit, and the CSV (small cells and formula escaping)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from callvault.settings import Settings
from tests._phi import shows_a_number
from tests._vault import TokenFactory
from tests.tracking.conftest import REPORT, add_campaign, add_number, audit_trail, create_call


def _call(client: TestClient, ingest: dict[str, str], caller: int, day: int, **extra: Any) -> None:
    create_call(
        client,
        ingest,
        caller_number=f"(202) 555-01{caller:02d}",
        started_at=f"2026-03-{day:02d}T14:00:00Z",
        ended_at=f"2026-03-{day:02d}T14:04:30Z",
        **extra,
    )


@pytest.fixture
def dataset(client: TestClient, marketing: dict[str, str], ingest: dict[str, str]) -> None:
    """alpha: 12 new callers on 2 March through a google/cpc tracking number, booked.
    beta: 11 of them again on 3 March (free-text campaign), missed."""
    campaign_id = add_campaign(client, marketing, "alpha", source="google", medium="cpc")
    add_number(client, marketing, "+12025550111", campaign_id=campaign_id)
    for caller in range(20, 32):
        _call(client, ingest, caller, 2, tracking_number="+12025550111", campaign=None)
    for caller in range(20, 31):
        _call(
            client, ingest, caller, 3,
            tracking_number="+12025550119", campaign="beta", disposition="missed",
        )  # fmt: skip


def _rows(answer: Any) -> dict[str, dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return {row["group"]: row for row in answer.json()["rows"]}


@pytest.mark.usefixtures("dataset")
def test_the_report_counts_calls_callers_answers_and_durations(
    client: TestClient, marketing: dict[str, str], vault: Settings
) -> None:
    answer = client.get(REPORT, params={"group_by": "campaign"}, headers=marketing)
    rows = _rows(answer)
    alpha, beta = rows["alpha"], rows["beta"]
    assert (alpha["calls"], alpha["first_time_callers"], alpha["repeat_callers"]) == (12, 12, 0)
    assert (beta["calls"], beta["first_time_callers"], beta["repeat_callers"]) == (11, 0, 11)
    assert (alpha["answered"], beta["answered"]) == (12, 0)
    assert alpha["total_duration_seconds"] == 12 * 270
    assert alpha["mean_duration_seconds"] == 270.0
    assert alpha["dispositions"] == {"booked": 12, "missed": 0}
    total = answer.json()["total"]
    assert (total["calls"], total["first_time_callers"], total["repeat_callers"]) == (23, 12, 11)
    assert ("report:read", "allowed") in [(a, o) for a, o, _, _ in audit_trail(vault, "report:")]
    assert not shows_a_number(answer.text)


@pytest.mark.usefixtures("dataset")
def test_first_time_means_the_first_call_falls_in_the_window(
    client: TestClient, marketing: dict[str, str]
) -> None:
    answer = client.get(REPORT, params={"since": "2026-03-03T00:00:00Z"}, headers=marketing)
    rows = _rows(answer)
    assert list(rows) == ["beta"]
    assert (rows["beta"]["first_time_callers"], rows["beta"]["repeat_callers"]) == (0, 11)


@pytest.mark.usefixtures("dataset")
@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("source", {"google": 12, "(none)": 11}),
        ("medium", {"cpc": 12, "(none)": 11}),
        ("day", {"2026-03-02": 12, "2026-03-03": 11}),
    ],
)
def test_the_report_groups_by_source_medium_and_day(
    client: TestClient, marketing: dict[str, str], group_by: str, expected: dict[str, int]
) -> None:
    rows = _rows(client.get(REPORT, params={"group_by": group_by}, headers=marketing))
    assert {group: row["calls"] for group, row in rows.items()} == expected


def test_small_groups_are_suppressed_with_a_complement(
    client: TestClient, marketing: dict[str, str], ingest: dict[str, str]
) -> None:
    for caller in range(20, 35):
        _call(client, ingest, caller, 2, campaign="large")
    for caller in range(40, 52):
        _call(client, ingest, caller, 2, campaign="medium")
    for caller in range(60, 63):
        _call(client, ingest, caller, 2, campaign="small")
    answer = client.get(REPORT, headers=marketing)
    rows = _rows(answer)
    assert rows["small"]["calls"] == "<11"
    assert rows["medium"]["calls"] == "suppressed"  # else total - large - medium = 3
    assert rows["large"]["calls"] == 15
    assert answer.json()["total"]["calls"] == 30
    assert rows["small"]["mean_duration_seconds"] == "suppressed"


def test_the_csv_escapes_formulas_and_keeps_suppression(
    client: TestClient, marketing: dict[str, str], ingest: dict[str, str]
) -> None:
    for caller in range(20, 32):
        _call(client, ingest, caller, 2, campaign="=HYPERLINK(1)", disposition="-booked")
    for caller in range(40, 43):
        _call(client, ingest, caller, 2, campaign="@small")
    answer = client.get(REPORT, params={"format": "csv"}, headers=marketing)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(answer.text)))
    assert table[0][0] == "campaign"
    assert "disposition: -booked" in table[0]  # starts with a letter: safe as it is
    by_group = {row[0]: row for row in table[1:]}
    assert set(by_group) == {"'=HYPERLINK(1)", "'@small", "Total"}
    assert by_group["'@small"][1] == "<11"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


@pytest.mark.parametrize("role", ["agent", "integration", "admin", "compliance_officer"])
def test_roles_without_report_read_are_refused(
    client: TestClient, auth: TokenFactory, role: str
) -> None:
    assert client.get(REPORT, headers=auth(role)).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "caller"},
        {"since": "2026-03-03T00:00:00Z", "until": "2026-03-01T00:00:00Z"},
        {"since": "2026-03-03T00:00:00"},  # no time zone
        {"format": "xlsx"},
    ],
)
def test_bad_report_parameters_are_422(
    client: TestClient, marketing: dict[str, str], params: dict[str, str]
) -> None:
    assert client.get(REPORT, params=params, headers=marketing).status_code == 422
