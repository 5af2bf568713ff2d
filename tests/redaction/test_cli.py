"""The ``callvault redact`` contract, end to end (synthetic records only)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callvault.cli.main import app

RECORDS = [
    {
        "id": "r1",
        "text": "caller: my ssn is one two three four five six seven eight nine",
        "style": "ignored",
        "spans": [],
    },
    {
        "id": "r2",
        "text": "agent: zip\ncaller: four four one two one",
        "words": [
            {"w": w, "start_s": i, "end_s": i + 0.5}
            for i, w in enumerate(["zip", "four", "four", "one", "two", "one"])
        ],
    },
    {
        "id": "r3",
        "text": "caller: it ends in four four seven seven",
        "known": {"phones": ["555-010-4477"], "ids": [], "names": []},
    },
    {"id": "r4", "text": "caller: two tablets please"},
]


def _jsonl(records: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def _check(out: str) -> None:
    lines = [json.loads(line) for line in out.splitlines()]
    assert [o["id"] for o in lines] == ["r1", "r2", "r3", "r4"]
    assert set(lines[0]) == {"id", "spans", "redacted_text"}
    assert lines[0]["redacted_text"] == "caller: my ssn is [SSN]"
    assert lines[1]["redacted_time_ranges"] == [[1, 5.5]]
    assert lines[2]["redacted_text"] == "caller: it ends in [PHONE]"
    assert lines[3]["spans"] == [] and "redacted_time_ranges" not in lines[3]
    span = lines[0]["spans"][0]
    assert set(span) == {"start", "end", "label"} and span["label"] == "SSN"


def test_stdin_to_stdout() -> None:
    result = CliRunner().invoke(app, ["redact", "--in", "-", "--out", "-"], input=_jsonl(RECORDS))
    assert result.exit_code == 0, result.output
    _check(result.stdout)


def test_files_with_two_worker_processes(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(_jsonl(RECORDS * 50))
    cmd = [sys.executable, "-m", "callvault.cli.main"]
    code = "from callvault.cli.main import app; app()"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "redact",
            "--in",
            str(src),
            "--out",
            str(dst),
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (cmd, done.stderr)
    lines = dst.read_text().splitlines()
    assert len(lines) == 200
    _check("\n".join(lines[:4]))
    assert [json.loads(line)["id"] for line in lines] == [r["id"] for r in RECORDS] * 50


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "x", "text": "my ssn is 078-05-1120"', "not valid JSON"),
        ('["078-05-1120"]', "not a JSON object"),
        ('{"text": "078-05-1120"}', "'id'"),
        ('{"id": "x", "text": 7}', "'text'"),
        ('{"id": "x", "text": "a", "words": [{"w": "a"}]}', "'words'"),
        ('{"id": "x", "text": "a", "known": {"phones": "555"}}', "known.phones"),
    ],
)
def test_bad_lines_name_the_line_never_the_content(line: str, reason: str) -> None:
    good = json.dumps(RECORDS[3])
    result = CliRunner().invoke(
        app, ["redact", "--in", "-", "--out", "-"], input=f"{good}\n\n{line}\n"
    )
    assert result.exit_code != 0
    assert "line 3" in result.stderr and reason in result.stderr
    assert "078" not in result.stderr and "555" not in result.stderr


def test_missing_input_file_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["redact", "--in", str(tmp_path / "nope"), "--out", "-"])
    assert result.exit_code != 0 and "cannot open" in result.stderr


def test_a_bad_line_in_a_worker_process_is_reported_the_same_way() -> None:
    good = json.dumps(RECORDS[3])
    result = CliRunner().invoke(
        app, ["redact", "--in", "-", "--out", "-", "--workers", "2"], input=f"{good}\n[1]\n"
    )
    assert result.exit_code == 2 and "line 2: not a JSON object" in result.stderr


def test_a_failed_run_leaves_no_output_file(tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(_jsonl(RECORDS) + "[1]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["redact", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 2 and "line 5" in result.stderr
    assert list(tmp_path.iterdir()) == [source]  # neither the output nor a partial one


def test_a_successful_run_replaces_the_output_file(tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(_jsonl(RECORDS), encoding="utf-8")
    target.write_text("old\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["redact", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    _check(target.read_text(encoding="utf-8"))
