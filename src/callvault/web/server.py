"""The HTTP listener: uvicorn configured for HTTPS by default.

HTTPS is the default. Plain HTTP is for development only and is refused unless the
bind address is loopback, so PHI never crosses a network in clear text.

Client addresses come from the socket. Behind a reverse proxy, ``forwarded_allow_ips``
names the proxies whose ``X-Forwarded-For``/``X-Forwarded-Proto`` are believed (anyone
else's are ignored); nobody is trusted by default, and never everybody (``*``): the
address feeds IP allowlists, sign-in throttling and the audit trail.

    CallVaultError
    └── InvalidInput
        ├── InsecureBindRefused   plain HTTP asked for on a non-loopback address
        └── (bad --workers / --forwarded-allow-ips values)
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from callvault.errors import InvalidInput
from callvault.logs import configure_logging
from callvault.metrics import use_multiprocess_dir
from callvault.settings import Settings
from callvault.web.security_headers import SecurityHeadersMiddleware
from callvault.web.slow_clients import GUARDED_HTTP
from callvault.web.supervisor import JobsProcess, run_until_stopped
from callvault.web.tls import (
    certificate_fingerprint,
    ensure_self_signed_certificate,
    ssl_context_factory,
)

# Enough for a small clinic's staff and integrations; beyond it uvicorn answers 503
# instead of letting one client exhaust memory and file descriptors.
LIMIT_CONCURRENCY = 256
TIMEOUT_KEEP_ALIVE = 5
# A stuck download must not keep a restart waiting forever.
TIMEOUT_GRACEFUL_SHUTDOWN = 30
# S104: these are compared against, never bound to.
_UNSPECIFIED_HOSTS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104


class InsecureBindRefused(InvalidInput):
    title = "Insecure bind refused"


@dataclass(frozen=True)
class ServeInfo:
    """Where the server listens, for the CLI to show: URL and certificate fingerprint."""

    url: str
    tls: bool
    fingerprint: str | None
    certificate: Path | None
    created_certificate: bool


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1``; anything else may reach a network."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # any other name may resolve anywhere


@dataclass(frozen=True)
class AppFactory:
    """Builds the app inside each API process (uvicorn calls it: ``factory=True``).

    Picklable (a top-level class holding frozen settings), so uvicorn can hand it to the
    worker processes it spawns; each worker makes its own engine, audit writer and pools.
    """

    settings: Settings
    hsts: bool = True

    def __call__(self) -> ASGIApp:
        from callvault.web.app import create_app  # the app's imports, in the worker only

        configure_logging()  # a spawned worker starts with no logging set up
        return SecurityHeadersMiddleware(create_app(self.settings), hsts=self.hsts)


def parse_forwarded_allow_ips(raw: str | None) -> tuple[str, ...]:
    """``--forwarded-allow-ips``: IP addresses or networks, comma-separated."""
    if raw is None or not raw.strip():
        return ()
    entries = tuple(item.strip() for item in raw.split(",") if item.strip())
    for entry in entries:
        if entry == "*":
            raise InvalidInput(
                "--forwarded-allow-ips '*' would let any client choose its own address: "
                "list the proxy's addresses"
            )
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise InvalidInput(
                f"--forwarded-allow-ips takes IP addresses or networks, not {entry!r}"
            ) from None
    return entries


def build_server_config(
    app: ASGIApp | AppFactory,
    *,
    host: str,
    port: int,
    tls_dir: Path,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    insecure_http: bool = False,
    workers: int = 1,
    forwarded_allow_ips: Sequence[str] = (),
) -> tuple[uvicorn.Config, ServeInfo]:
    """A hardened ``uvicorn.Config`` for ``app`` and what to tell the user about it.

    TLS uses ``certfile``/``keyfile`` when both are given, else a self-signed pair in
    ``tls_dir``. ``insecure_http`` serves plain HTTP and is refused off loopback.
    ``workers`` > 1 needs an ``AppFactory`` (each worker process builds its own app).
    """
    if workers < 1 or (workers > 1 and not isinstance(app, AppFactory)):
        raise InvalidInput("workers must be 1, or more with an app factory")
    if isinstance(app, AppFactory):
        target: ASGIApp | AppFactory = dataclasses.replace(app, hsts=not insecure_http)
    else:
        target = SecurityHeadersMiddleware(app, hsts=not insecure_http)
    config = _uvicorn_config(target, host, port, workers, forwarded_allow_ips)
    if insecure_http:
        _refuse_insecure_off_loopback(host)
        return config, _info("http", host, port)
    cert, key, created = _certificate_pair(host, tls_dir, certfile, keyfile)
    config.ssl_context_factory = ssl_context_factory(cert, key)
    info = _info("https", host, port, cert=cert, created=created)
    return config, info


def serve(
    factory: AppFactory,
    *,
    host: str,
    port: int,
    tls_dir: Path,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    insecure_http: bool = False,
    workers: int = 1,
    forwarded_allow_ips: Sequence[str] = (),
    jobs: bool = True,
    on_ready: Callable[[ServeInfo], None] | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT, with the jobs process beside the API processes
    (``callvault.web.supervisor``) unless ``jobs`` is false (an API-only node: the
    background work runs in ``callvault jobs run`` processes of its own); ``on_ready``
    hears the URL and fingerprint first."""
    config, info = build_server_config(
        factory,
        host=host,
        port=port,
        tls_dir=tls_dir,
        certfile=certfile,
        keyfile=keyfile,
        insecure_http=insecure_http,
        workers=workers,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    if on_ready is not None:
        on_ready(info)
    # Before any worker or the jobs process starts: each writes its metrics there.
    use_multiprocess_dir(factory.settings.data_dir / "run" / "metrics")
    run_until_stopped(config, JobsProcess(factory.settings) if jobs else None)


def _refuse_insecure_off_loopback(host: str) -> None:
    if not is_loopback(host):
        raise InsecureBindRefused(
            f"plain HTTP is only allowed on a loopback address, not {host!r}: "
            "drop --insecure-http to serve HTTPS, or bind to 127.0.0.1"
        )


def _certificate_pair(
    host: str, tls_dir: Path, certfile: Path | None, keyfile: Path | None
) -> tuple[Path, Path, bool]:
    if certfile is not None and keyfile is not None:
        return certfile, keyfile, False
    if certfile is not None or keyfile is not None:
        raise InvalidInput("give both a certificate file and a key file, or neither")
    hostnames, ips = _certificate_names(host)
    paths = ensure_self_signed_certificate(tls_dir, hostnames, ips)
    return paths.cert, paths.key, paths.created


def _certificate_names(host: str) -> tuple[list[str], list[str]]:
    """SAN entries for a new certificate: loopback names plus a specific bind address."""
    hostnames, ips = ["localhost"], ["127.0.0.1", "::1"]
    bare = host.strip("[]")
    if bare in _UNSPECIFIED_HOSTS:
        return hostnames, ips
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        target = hostnames
    else:
        target = ips
    if bare not in target:
        target.append(bare)
    return hostnames, ips


def _uvicorn_config(
    app: ASGIApp | AppFactory,
    host: str,
    port: int,
    workers: int,
    forwarded_allow_ips: Sequence[str],
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        factory=isinstance(app, AppFactory),
        host=host,
        port=port,
        workers=workers,
        http=GUARDED_HTTP,  # httptools, with header and body timeouts (slow_clients)
        loop="uvloop",
        # Without trusted proxies, client addresses come from the socket only.
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=list(forwarded_allow_ips),
        server_header=False,
        # Access lines would log query strings, which may carry phone numbers (PHI).
        access_log=False,
        # Leave logging to the application: uvicorn's dictConfig would replace it.
        log_config=None,
        use_colors=False,
        timeout_keep_alive=TIMEOUT_KEEP_ALIVE,
        timeout_graceful_shutdown=TIMEOUT_GRACEFUL_SHUTDOWN,
        limit_concurrency=LIMIT_CONCURRENCY,
        lifespan="auto",
    )


def _info(
    scheme: str, host: str, port: int, *, cert: Path | None = None, created: bool = False
) -> ServeInfo:
    return ServeInfo(
        url=f"{scheme}://{_url_host(host)}:{port}/",
        tls=cert is not None,
        fingerprint=certificate_fingerprint(cert) if cert is not None else None,
        certificate=cert,
        created_certificate=created,
    )


def _url_host(host: str) -> str:
    bare = host.strip("[]")
    if bare in _UNSPECIFIED_HOSTS:
        # A wildcard bind is not an address to browse to; localhost is in the certificate.
        return "localhost"
    return f"[{bare}]" if ":" in bare else bare
