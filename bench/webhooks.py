"""Benchmark: signed Twilio voice-status webhooks per second vs plain ``POST
/api/v1/calls``, against a real ``callvault serve`` (HTTPS, SQLite), in the same run.

Sets up a throwaway data directory with the CLI (``init``, ``token create --role
integration``, ``integrations twilio set``), starts the server, then runs two phases
of ``--seconds`` each with ``--workers`` client threads (own keep-alive client each):

- webhook: ``POST /webhooks/twilio/<tenant>/voice-status``, form-encoded, signed with
  the auth token as Twilio signs (HMAC-SHA1 over URL + sorted params), each with a new
  CallSid and status ``completed``: every post creates a call.
- API: ``POST /api/v1/calls`` with a JSON body and a bearer token.

Reports requests/s, p50/p95 and the ratio webhook/API. Synthetic data only.

Run from the repository root:  .venv/bin/python bench/webhooks.py [--quick]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import platform
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import (  # the sibling benchmark's server driver
    READY_TIMEOUT,
    TENANT,
    Server,
    Tally,
    baa_options,
    call_body,
    clean_env,
    cli,
    free_port,
    run_workers,
    summarise,
)

ACCOUNT_SID = "AC" + "0" * 30 + "99"
AUTH_TOKEN = "bench-synthetic-auth-token-000000"  # noqa: S105  # synthetic, throwaway vault


def sign(url: str, params: dict[str, str]) -> str:
    """As Twilio signs (kept independent of callvault's own implementation)."""
    payload = url + "".join(k + v for k, v in sorted(params.items()))
    digest = hmac.new(AUTH_TOKEN.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def status_params(n: int) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "CallSid": "CA" + secrets.token_hex(16),
        "From": f"+1202555{100 + n % 100:04d}",
        "To": "+12025550123",
        "Direction": "inbound",
        "CallStatus": "completed",
        "CallDuration": "60",
        "Timestamp": "Sun, 06 Dec 2026 09:30:00 +0000",
    }


def phase(clients: list[httpx.Client], seconds: float, request: object) -> Tally:
    counter = iter(range(10**9))
    lock = threading.Lock()

    def one_call(worker: int, _n: int) -> None:
        with lock:
            n = next(counter)
        request(clients[worker], n)  # type: ignore[operator]

    for worker in range(len(clients)):  # warm-up, untimed
        one_call(worker, 0)
    return run_workers(len(clients), seconds, one_call)


def webhook_request(url: str) -> object:
    def post(client: httpx.Client, n: int) -> None:
        params = status_params(n)
        answer = client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)})
        if answer.status_code != 204:
            raise RuntimeError(f"voice-status -> {answer.status_code} {answer.text[:200]}")

    return post


def api_request(client: httpx.Client, n: int) -> None:
    answer = client.post("/api/v1/calls", json=call_body(n))
    if answer.status_code != 201:
        raise RuntimeError(f"POST /calls -> {answer.status_code} {answer.text[:200]}")


def start(env: dict[str, str], data_dir: Path, root: Path) -> tuple[Server, ssl.SSLContext]:
    server = Server(env, data_dir, free_port(), root / "server.log")
    cert = data_dir / "tls" / "cert.pem"
    t0 = time.perf_counter()
    while not cert.exists() and time.perf_counter() - t0 < READY_TIMEOUT:
        time.sleep(0.1)
    verify = ssl.create_default_context(cafile=str(cert))
    server.wait_ready(verify)
    return server, verify


def configure(env: dict[str, str], data_dir: Path) -> str:
    cli(env, "init", "--tenant", TENANT, "--data-dir", str(data_dir), *baa_options(data_dir))
    telephony = ["baa", "add", "--tenant", TENANT, "--kind", "telephony", "--activate"]
    telephony += ["--counterparty", "Twilio (bench)", "--effective", "2020-01-01"]
    telephony += ["--document", baa_options(data_dir)[-1], "--data-dir", str(data_dir)]
    cli(env, *telephony)
    cmd = [sys.executable, "-m", "callvault.cli", "integrations", "twilio", "set"]
    cmd += ["--tenant", TENANT, "--account-sid", ACCOUNT_SID, "--auth-token-stdin"]
    cmd += ["--data-dir", str(data_dir)]
    subprocess.run(cmd, env=env, input=AUTH_TOKEN + "\n", text=True, check=True, timeout=120)
    args = ["token", "create", "--tenant", TENANT, "--role", "integration"]
    return cli(env, *args, "--data-dir", str(data_dir)).strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=None, help="per phase (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="client threads")
    parser.add_argument("--quick", action="store_true", help="tiny run: 5 s per phase")
    args = parser.parse_args()
    seconds = args.seconds or (5.0 if args.quick else 20.0)
    root = Path(tempfile.mkdtemp(prefix="callvault-webhooks-"))
    data_dir = root / "data"
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"{args.workers} workers, {seconds:g} s per phase; temp dir {root}")
    env = clean_env()
    server: Server | None = None
    try:
        token = configure(env, data_dir)
        server, verify = start(env, data_dir, root)
        url = f"{server.url}/webhooks/twilio/{TENANT}/voice-status"

        def clients(headers: dict[str, str]) -> list[httpx.Client]:
            limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
            return [
                httpx.Client(
                    base_url=server.url, verify=verify, headers=headers, timeout=60, limits=limits
                )
                for _ in range(args.workers)
            ]

        hooks, api = clients({}), clients({"Authorization": f"Bearer {token}"})
        webhook_rate = summarise(
            "webhook: signed voice-status (HTTPS)", phase(hooks, seconds, webhook_request(url))
        )
        api_rate = summarise("API: POST /api/v1/calls (HTTPS)", phase(api, seconds, api_request))
        print(f"\nratio webhook/s / API calls/s: {webhook_rate / api_rate:.3f}")
        for client in hooks + api:
            client.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
