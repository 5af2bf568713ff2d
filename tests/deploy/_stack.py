"""A real ``callvault serve`` and a real nginx in front of it, on loopback, for the
deployment tests: the committed deploy/ files with only addresses and paths swapped."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests._serve import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CALLVAULT = Path(sys.executable).with_name("callvault")
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
)


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def callvault_server(data_dir: Path) -> Iterator[int]:
    """``callvault init`` then ``callvault serve`` (HTTPS, self-signed) on a free port."""
    env = {**os.environ, "CALLVAULT_DATA_DIR": str(data_dir), "CALLVAULT_TRANSCRIBER": "none"}
    env.pop("CALLVAULT_DATABASE_URL", None)
    agreement = data_dir.parent / "signed-baa.txt"  # its SHA-256 is what init keeps
    agreement.write_text("Business associate agreement (synthetic)\n")
    baa = ["--baa-effective", "2020-01-01", "--baa-counterparty", "Test clinic"]
    subprocess.run(
        [str(CALLVAULT), "init", "--tenant", "clinic-a", *baa, "--baa-document", str(agreement)],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [str(CALLVAULT), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield port
    finally:
        stop(process)


@dataclass(frozen=True)
class NginxSite:
    """Where the rendered site listens and writes, for a test to probe and read."""

    https_port: int
    http_port: int
    access_log: Path
    error_log: Path


def render_site(
    directory: Path, *, upstream_port: int, upstream_cert: Path, front_cert: Path, front_key: Path
) -> NginxSite:
    """deploy/nginx/callvault.conf with loopback ports and temporary paths; nothing else
    changes. Each swapped text must be found, so a renamed setting fails loudly."""
    site = NginxSite(free_port(), free_port(), directory / "access.log", directory / "error.log")
    swaps = [
        ("server 127.0.0.1:8443 ", f"server 127.0.0.1:{upstream_port} "),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{site.https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{site.http_port};"),
        ("listen [::]:80;", ""),
        ("/etc/ssl/callvault/fullchain.pem", str(front_cert)),
        ("/etc/ssl/callvault/privkey.pem", str(front_key)),
        ("/var/lib/callvault/tls/cert.pem", str(upstream_cert)),
        ("/var/log/nginx/callvault.access.log", str(site.access_log)),
        ("/var/log/nginx/callvault.error.log", str(site.error_log)),
    ]
    text = (DEPLOY / "nginx" / "callvault.conf").read_text(encoding="utf-8")
    for old, new in swaps:
        assert old in text, f"deploy/nginx/callvault.conf no longer contains {old!r}"
        text = text.replace(old, new)
    (directory / "site.conf").write_text(text, encoding="utf-8")
    temp_paths = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, workers would switch to an account that cannot enter pytest's 0700 dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'main-error.log'} notice;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n{temp_paths}\n    include {directory / 'site.conf'};\n}}\n",
        encoding="utf-8",
    )
    return site


def nginx_command(directory: Path, *extra: str) -> list[str]:
    assert NGINX is not None
    return [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"), *extra]


@contextmanager
def nginx(directory: Path, site: NginxSite) -> Iterator[NginxSite]:
    check = subprocess.run(nginx_command(directory, "-t"), capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        nginx_command(directory), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(site.https_port, process)
        yield site
    finally:
        stop(process)
