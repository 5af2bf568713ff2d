"""The Reports and Tracking pages over HTTP: marketing sees both (and their menu
entries); an agent gets the 403 page and no entries; the report's table, SVG chart and
CSV download show no PHI and suppress small counts; the Tracking forms add a campaign
and a number, and refuse a bad or duplicate number without changing anything; the Conversions page
adds a destination and its dry run is refused without an ad_platform BAA."""

from __future__ import annotations

import httpx

from callvault.dashboard.rendering import CONTENT_SECURITY_POLICY
from callvault.tenants.agreements import AgreementKind
from tests._baa import record_agreement
from tests._phi import shows_a_number
from tests._vault import TENANT_A
from tests.dashboard._calls import create_call, integration_headers
from tests.dashboard.admin_support import csrf
from tests.dashboard.conftest import Live, PersonFactory, signed_in_client


def _numbers(client: httpx.Client) -> list[str]:
    return [n["number"] for n in client.get("/api/v1/tracking-numbers").json()["items"]]


def test_marketing_sees_both_pages_and_their_menu_entries(
    live: Live, people: PersonFactory
) -> None:
    with signed_in_client(live, people("marketing")) as client:
        for path in ("/reports", "/reports?group_by=day&since=2026-03-01", "/tracking"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert '<a href="/reports"' in page.text
            assert '<a href="/tracking"' in page.text


def test_an_agent_gets_the_403_page_and_no_menu_entry(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("agent")) as client:
        for path in ("/reports", "/reports/attribution.csv", "/tracking"):
            assert client.get(path).status_code == 403, path
        data = {"name": "x", "csrf_token": csrf(client)}
        assert client.post("/tracking/campaigns", data=data).status_code == 403
        calls = client.get("/calls")
        assert '<a href="/reports"' not in calls.text
        assert '<a href="/tracking"' not in calls.text


def test_the_report_page_shows_the_table_chart_and_csv_link(
    live: Live, people: PersonFactory
) -> None:
    with live.client() as api:
        ingest = integration_headers(live.settings)
        for n in range(12):
            create_call(api, ingest, caller_number=f"+1202555{100 + n:04d}", campaign="page-big")
        for n in range(11):
            create_call(api, ingest, caller_number=f"+1202555{120 + n:04d}", campaign="page-more")
        create_call(api, ingest, caller_number="+12025550160", campaign="page-small")
    with signed_in_client(live, people("marketing")) as client:
        page = client.get("/reports", params={"group_by": "campaign"})
        assert page.status_code == 200
        # page-small is hidden, and with it the next smallest group: page-big stays.
        assert "<svg" in page.text and "<rect" in page.text
        assert '<th scope="row">page-big</th><td>12</td>' in page.text
        assert '<th scope="row">page-small</th><td>&lt;11</td>' in page.text
        assert '<th scope="row">page-more</th><td>suppressed</td>' in page.text
        assert not shows_a_number(page.text) and "Quinn" not in page.text
        assert 'href="/reports/attribution.csv?group_by=campaign"' in page.text
        download = client.get("/reports/attribution.csv", params={"group_by": "campaign"})
        assert download.status_code == 200
        assert download.headers["content-type"].startswith("text/csv")
        assert "page-small,<11" in download.text
        assert client.get("/reports", params={"group_by": "caller"}).status_code == 422


def test_the_tracking_forms_add_a_campaign_and_a_number(live: Live, people: PersonFactory) -> None:
    with signed_in_client(live, people("marketing")) as client:
        added = client.post(
            "/tracking/campaigns",
            data={"name": "form-campaign", "source": "radio", "csrf_token": csrf(client)},
        )
        assert added.status_code == 303, added.text
        campaigns = client.get("/api/v1/campaigns").json()["items"]
        campaign_id = next(c["id"] for c in campaigns if c["name"] == "form-campaign")
        again = client.post(
            "/tracking/campaigns", data={"name": "form-campaign", "csrf_token": csrf(client)}
        )
        assert again.status_code == 409
        form = {"campaign_id": campaign_id, "pool": "", "csrf_token": csrf(client)}
        number = client.post("/tracking/numbers", data={**form, "number": "(202) 555-0171"})
        assert number.status_code == 303, number.text
        assert "+12025550171" in client.get("/tracking").text
        for bad, status in (("12", 422), ("+1 202 555 0171", 409)):
            refused = client.post("/tracking/numbers", data={**form, "number": bad})
            assert refused.status_code == status, bad
            assert 'aria-invalid="true"' in refused.text
        assert _numbers(client).count("+12025550171") == 1
        no_csrf = client.post("/tracking/campaigns", data={"name": "no-token"})
        assert no_csrf.status_code == 403


def test_the_website_section_saves_origins_and_shows_the_snippet(
    live: Live, people: PersonFactory
) -> None:
    with signed_in_client(live, people("marketing")) as client:
        page = client.get("/tracking")
        assert 'id="dni-settings"' in page.text and 'id="no-pools"' in page.text
        assert f"{live.url}/dni.js" in page.text
        assert 'data-tenant="clinic-a"' in page.text and "data-callvault-number" in page.text
        form = {"allowed_origins": "https://clinic-a.example\n\nhttps://www.clinic-a.example/"}
        saved = client.post(
            "/tracking/dni",
            data={**form, "session_ttl_minutes": "45", "csrf_token": csrf(client)},
        )
        assert saved.status_code == 303, saved.text
        settings = client.get("/api/v1/dni/settings").json()
        assert settings["allowed_origins"] == [
            "https://clinic-a.example",
            "https://www.clinic-a.example",
        ]
        assert settings["session_ttl_minutes"] == 45
        for field, value in (
            ("allowed_origins", "https://clinic-a.example/book"),
            ("session_ttl_minutes", "0"),
        ):
            data = {"allowed_origins": "https://x.example", "session_ttl_minutes": "30"}
            refused = client.post(
                "/tracking/dni", data={**data, field: value, "csrf_token": csrf(client)}
            )
            assert refused.status_code == 422, field
            assert f'id="{field}" name="{field}"' in refused.text
            assert 'aria-invalid="true"' in refused.text
        assert client.get("/api/v1/dni/settings").json() == settings


def test_the_conversions_page_adds_a_destination_and_gates_its_dry_run(
    live: Live, people: PersonFactory
) -> None:
    with signed_in_client(live, people("marketing")) as client:
        page = client.get("/tracking/conversions")
        assert page.status_code == 200 and 'id="no-destinations"' in page.text
        assert 'href="/tracking/conversions"' in client.get("/tracking").text
        form = {"name": "ads", "kind": "google_ads", "conversion_name": "Phone lead"}
        bad = client.post(
            "/tracking/conversions",
            data={**form, "currency": "dollars", "csrf_token": csrf(client)},
        )
        assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
        added = client.post(
            "/tracking/conversions",
            data={**form, "value": "120", "answered_only": "on", "csrf_token": csrf(client)},
        )
        assert added.status_code == 303, added.text
        destination = client.get("/api/v1/conversions/destinations").json()["items"][0]
        assert destination["value"] == "120.00" and destination["answered_only"] is True
        action = f"/tracking/conversions/{destination['id']}"
        refused = client.post(f"{action}/preview", data={"csrf_token": csrf(client)})
        assert refused.status_code == 403
        assert "ad_platform" in refused.text and 'data-destination="' in refused.text
        record_agreement(live.settings, TENANT_A, AgreementKind.AD_PLATFORM)
        dry_run = client.post(f"{action}/preview", data={"csrf_token": csrf(client)})
        assert dry_run.status_code == 200 and 'id="preview"' in dry_run.text
        assert "Nothing was sent" in dry_run.text
        upload = client.post(f"{action}/export.csv", data={"csrf_token": csrf(client)})
        assert upload.status_code == 200
        assert upload.text.startswith("Google Click ID,Conversion Name,Conversion Time")
