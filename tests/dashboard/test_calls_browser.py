"""The calls pages in a real Chromium: the table (rows, links, filters, paging), a call
page playing its scrubbed recording with the transcript's redactions marked, the
masked marketing view compared with the API's answers for the same user, and a 403
page for a role without call:read."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.dashboard._calls import (
    CALLER,
    CALLER_NAME,
    NOTES,
    SESSION_COOKIE,
    TRANSCRIPT_TEXT,
    create_call,
    integration_headers,
    put_recording,
    put_transcript,
    run_pipeline,
)
from tests.dashboard.conftest import (
    WAIT_SECONDS,
    Live,
    PersonFactory,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    wait_for,
)

FORBIDDEN_TITLE = "Permission denied"  # the 403 page's heading (PermissionDenied.title)


@pytest.fixture(scope="module")
def calls(live: Live) -> dict[str, str]:
    """Three calls; ``played`` has a transcript and a recording the pipeline scrubbed."""
    headers = integration_headers(live.settings)
    with live.client() as client:
        played = create_call(client, headers, started_at="2026-03-02T14:00:00Z")
        put_transcript(client, headers, played, TRANSCRIPT_TEXT)
        put_recording(client, headers, played)
        other = create_call(
            client,
            headers,
            caller_number="+12025550188",
            campaign="autumn-recall",
            started_at="2026-03-03T10:00:00Z",
            ended_at="2026-03-03T10:03:00Z",
        )
        third = create_call(
            client,
            headers,
            caller_number="+12025550199",
            direction="outbound",
            started_at="2026-03-04T10:00:00Z",
            ended_at="2026-03-04T10:03:00Z",
        )
    run_pipeline(live.settings)
    return {"played": played, "other": other, "third": third}


def table_links(browser: WebDriver) -> list[str]:
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    links = [row.find_element(By.CSS_SELECTOR, "a").get_attribute("href") for row in rows]
    return [str(link) for link in links]


def api_json(live: Live, browser: WebDriver, path: str) -> Any:
    """The API's answer for the browser's signed-in user (its own session cookie)."""
    cookie = browser.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    with live.client(cookies={SESSION_COOKIE: cookie["value"]}) as client:
        answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()


def assert_nothing_masked_shows(page_text: str, shown: dict[str, Any]) -> None:
    """No value the API withheld or masked for this user is on the page."""
    for field, value in (("caller_number", CALLER), ("caller_name", CALLER_NAME), ("notes", NOTES)):
        if shown.get(field) != value:
            assert value not in page_text, field
            assert (shown.get(field) or "") in page_text


def test_the_calls_table_links_filters_and_pages(
    browser: WebDriver, live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    sign_in(browser, live, people("supervisor"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Calls"
    newest_first = [calls["third"], calls["other"], calls["played"]]
    assert table_links(browser) == [f"{live.url}/calls/{i}" for i in newest_first]
    screenshot(browser, "calls")
    assert serious_accessibility_violations(browser) == []

    # Filters: by keyboard-usable, labelled inputs of a GET form.
    campaign = browser.find_element(By.CSS_SELECTOR, "label[for=f-campaign]")
    assert campaign.text == "Campaign"
    browser.find_element(By.ID, "f-campaign").send_keys("autumn-recall")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda b: "campaign=autumn-recall" in b.current_url)
    assert table_links(browser) == [f"{live.url}/calls/{calls['other']}"]

    # Paging: one call a page, the next link carrying the cursor.
    browser.get(f"{live.url}/calls?limit=1")
    seen = table_links(browser)
    while links := browser.find_elements(By.CSS_SELECTOR, "a[rel=next]"):
        assert "cursor=" in str(links[0].get_attribute("href"))
        links[0].click()
        WebDriverWait(browser, WAIT_SECONDS).until(lambda b: "cursor=" in b.current_url)
        seen += table_links(browser)
    assert seen == [f"{live.url}/calls/{i}" for i in newest_first]

    browser.find_element(By.LINK_TEXT, "First page").click()
    wait_for(browser, By.CSS_SELECTOR, "a[rel=next]")
    assert table_links(browser) == [f"{live.url}/calls/{calls['third']}"]
    browser.find_element(By.CSS_SELECTOR, "main table tbody a").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda b: b.current_url.endswith(calls["third"]))


def test_a_call_page_plays_the_recording_and_marks_redactions(
    browser: WebDriver, live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    sign_in(browser, live, people("supervisor"), next_path=f"/calls/{calls['played']}")
    audio = wait_for(browser, By.CSS_SELECTOR, "audio#recording")
    assert audio.get_attribute("controls") is not None  # type: ignore[attr-defined]
    # A playback link: the path names no call, and it plays for this session only.
    source = audio.get_attribute("src")  # type: ignore[attr-defined]
    assert source.startswith(f"{live.url}/api/v1/playback/")
    assert calls["played"] not in source
    state = browser.execute_async_script(
        """
        const audio = arguments[0], done = arguments[arguments.length - 1];
        const report = () =>
            done([audio.readyState, audio.duration, audio.error && audio.error.code]);
        audio.addEventListener('loadedmetadata', report, {once: true});
        audio.addEventListener('error', report, {once: true});
        audio.load();
        """,
        audio,
    )
    assert state[2] is None and state[0] >= 1 and state[1] > 0, state

    marks = browser.find_elements(By.CSS_SELECTOR, "#transcript mark")
    assert marks and {m.get_attribute("data-label") for m in marks} == {"NAME"}
    transcript = browser.find_element(By.ID, "transcript").text
    assert "Quinn" not in transcript and "checkup" in transcript

    # A supervisor does not hold the "originals" permissions: a break-glass request
    # instead, which says it is audited.
    originals = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=originals-title]")
    assert "recorded in the audit trail" in originals.text
    assert originals.find_elements(By.CSS_SELECTOR, "form.break-glass")
    assert not originals.find_elements(By.CSS_SELECTOR, "a[href$='/original']")

    metadata = browser.find_element(By.CSS_SELECTOR, "dl.meta").text
    shown = api_json(live, browser, f"/api/v1/calls/{calls['played']}")
    assert shown["caller_number"] == CALLER and CALLER in metadata  # call:read_phi
    assert_nothing_masked_shows(browser.find_element(By.TAG_NAME, "main").text, shown)
    screenshot(browser, "call")
    assert serious_accessibility_violations(browser) == []


def test_marketing_sees_masked_numbers_and_no_names_notes_transcripts_or_recordings(
    browser: WebDriver, live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    sign_in(browser, live, people("marketing"))
    assert browser.find_elements(By.ID, "f-caller") == []  # no phone search without PHI
    table = browser.find_element(By.CSS_SELECTOR, "main table").text
    listed = api_json(live, browser, "/api/v1/calls")["items"]
    for item in listed:
        assert "*" in item["caller_number"] and item["caller_number"] in table
    assert CALLER not in table and "+12025550188" not in table
    screenshot(browser, "calls-marketing")
    assert serious_accessibility_violations(browser) == []

    browser.get(f"{live.url}/calls/{calls['played']}")
    wait_for(browser, By.CSS_SELECTOR, "dl.meta")
    page_text = browser.find_element(By.TAG_NAME, "main").text
    shown = api_json(live, browser, f"/api/v1/calls/{calls['played']}")
    assert shown["caller_name"] is None and shown["notes"] is None
    assert_nothing_masked_shows(page_text, shown)
    assert browser.find_elements(By.TAG_NAME, "audio") == []
    assert browser.find_elements(By.ID, "transcript") == []
    assert "Originals" not in page_text and "break-glass" not in page_text
    assert serious_accessibility_violations(browser) == []


def test_a_role_without_call_read_gets_a_403_page(
    browser: WebDriver, live: Live, people: PersonFactory, calls: dict[str, str]
) -> None:
    sign_in(browser, live, people("compliance_officer"))
    for path in ("/calls", f"/calls/{calls['played']}"):
        browser.get(f"{live.url}{path}")
        heading = wait_for(browser, By.TAG_NAME, "h1")
        assert heading.text == FORBIDDEN_TITLE  # type: ignore[attr-defined]
        cookie = browser.get_cookie(SESSION_COOKIE)
        assert cookie is not None
        with live.client(cookies={SESSION_COOKIE: cookie["value"]}) as client:
            answer: httpx.Response = client.get(path)
        assert answer.status_code == 403
        assert "call:read" in browser.find_element(By.TAG_NAME, "main").text
        assert serious_accessibility_violations(browser) == []
