"""deploy/callvault.service: systemd accepts it as written, and it keeps the settings
docs/deploy.md promises (hardening, graceful stop, restart, the serve flags)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from callvault.web.server import TIMEOUT_GRACEFUL_SHUTDOWN

from ._stack import CALLVAULT, DEPLOY

pytestmark = pytest.mark.sqlite_only  # no database involved: once is enough

UNIT = DEPLOY / "callvault.service"
INSTALLED_BINARY = "/opt/callvault/venv/bin/callvault"
BACKUP_UNITS = ("callvault-backup.service", "callvault-backup.timer")
INSTALLED_BACKUP_SCRIPT = "/opt/callvault/src/deploy/callvault-backup.sh"
SERVE = "serve --host 127.0.0.1 --port 8443 --workers 2 --forwarded-allow-ips 127.0.0.1"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze not installed: unit file not verified"
)


def unit_settings(text: str) -> dict[str, list[str]]:
    """``Section.Key`` -> every value given, in order (systemd allows repeats)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        settings.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return settings


def seconds(value: str) -> float:
    """A systemd time span such as ``90``, ``90s``, ``1min 30s``."""
    units = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value)
    assert parts, f"not a time span: {value!r}"
    return sum(float(number) * units[unit] for number, unit in parts)


SETTINGS = unit_settings(UNIT.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Service.User", "callvault"),
        ("Service.Group", "callvault"),
        ("Service.EnvironmentFile", "/etc/callvault/callvault.env"),
        ("Service.KillSignal", "SIGTERM"),
        ("Service.KillMode", "mixed"),
        ("Service.Restart", "on-failure"),
        ("Service.NoNewPrivileges", "yes"),
        ("Service.ProtectSystem", "strict"),
        ("Service.ProtectHome", "yes"),
        ("Service.PrivateTmp", "yes"),
        ("Service.PrivateDevices", "yes"),
        ("Service.ReadWritePaths", "/var/lib/callvault"),
        ("Service.StateDirectory", "callvault"),
        ("Service.CapabilityBoundingSet", ""),
        ("Service.AmbientCapabilities", ""),
        ("Service.UMask", "0077"),
        ("Service.MemoryDenyWriteExecute", "yes"),
        ("Install.WantedBy", "multi-user.target"),
    ],
)
def test_the_unit_sets(key: str, value: str) -> None:
    assert SETTINGS.get(key) == [value]


def test_the_unit_serves_on_loopback_behind_the_proxy() -> None:
    assert SETTINGS["Service.ExecStart"] == [f"{INSTALLED_BINARY} {SERVE}"]


def test_systemd_waits_longer_than_the_servers_graceful_shutdown() -> None:
    # Requests get TIMEOUT_GRACEFUL_SHUTDOWN, then the audit writers and the jobs process
    # drain; killing sooner would cut off acknowledged work.
    (timeout,) = SETTINGS["Service.TimeoutStopSec"]

    assert seconds(timeout) >= 2 * TIMEOUT_GRACEFUL_SHUTDOWN + 15


def _verify(unit_text: str, directory: Path) -> subprocess.CompletedProcess[str]:
    # verify checks that ExecStart's binary exists: point it at this venv's callvault.
    path = directory / "callvault.service"
    path.write_text(unit_text.replace(INSTALLED_BINARY, str(CALLVAULT)), encoding="utf-8")
    assert SYSTEMD_ANALYZE is not None
    return subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_systemd_analyze
def test_systemd_analyze_verify_accepts_the_unit_without_a_warning(tmp_path: Path) -> None:
    result = _verify(UNIT.read_text(encoding="utf-8"), tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "" and result.stdout.strip() == ""


@needs_systemd_analyze
@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("NoNewPrivileges=yes", "NoNewPrivilges=yes", "Unknown key"),
        ("TimeoutStopSec=90", "TimeoutStopSec=ninety", "Failed to parse"),
        (INSTALLED_BINARY, "/nonexistent/callvault", "not executable"),
    ],
)
def test_systemd_analyze_verify_reports_a_broken_unit(
    tmp_path: Path, old: str, new: str, complaint: str
) -> None:
    # The harness above would catch a typo: the same check on a unit with one.
    text = UNIT.read_text(encoding="utf-8")
    assert old in text

    result = _verify(text.replace(old, new), tmp_path)

    assert complaint in result.stderr


@needs_systemd_analyze
def test_systemd_analyze_verify_accepts_the_backup_service_and_timer(tmp_path: Path) -> None:
    for name in BACKUP_UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        script = str(DEPLOY / "callvault-backup.sh")
        (tmp_path / name).write_text(text.replace(INSTALLED_BACKUP_SCRIPT, script))
    assert SYSTEMD_ANALYZE is not None

    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *(str(tmp_path / n) for n in BACKUP_UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    assert INSTALLED_BACKUP_SCRIPT in (DEPLOY / BACKUP_UNITS[0]).read_text(encoding="utf-8")


@needs_systemd_analyze
def test_systemd_rates_the_units_exposure_as_ok(tmp_path: Path) -> None:
    path = tmp_path / "callvault.service"
    path.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALLED_BINARY, str(CALLVAULT)))
    assert SYSTEMD_ANALYZE is not None

    result = subprocess.run(
        [SYSTEMD_ANALYZE, "security", "--offline=yes", "--no-pager", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    match = re.search(r"Overall exposure level for callvault\.service: ([\d.]+)", result.stdout)
    if result.returncode != 0 and match is None:
        pytest.skip(f"this systemd-analyze cannot rate a unit file offline: {result.stderr}")

    assert match is not None, result.stdout
    assert float(match.group(1)) <= 2.0  # systemd's "OK" band; 10 is wide open
