"""The ``callvault`` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from callvault.audio.cli import audio_app
from callvault.audit.actions import AuditAction
from callvault.audit.cli import audit_app
from callvault.backup.cli import backup_app
from callvault.cli.jobs import jobs_app
from callvault.cli.options import (
    DatabaseUrl,
    DataDir,
    TenantName,
    audit_cli_action,
    fail,
    require_initialised,
    settings_from,
)
from callvault.cli.worker import worker
from callvault.compliance.cli import (
    NO_AGREEMENT_NOTE,
    BaaCounterparty,
    BaaDocument,
    BaaEffective,
    baa_app,
    first_agreement,
)
from callvault.errors import CallVaultError
from callvault.incidents.cli import incident_app
from callvault.integrations.cli import integrations_app
from callvault.integrations.pbx_cli import import_app
from callvault.lifecycle.access_cli import access_app
from callvault.lifecycle.cli import retention_app
from callvault.safeguards.cli import compliance_app
from callvault.tracking.conversions_cli import conversions_app
from callvault.transcription.cli import transcribe

app = typer.Typer(
    help="CallVault: a HIPAA-grade call recording vault.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # tracebacks show locals, and locals may hold PHI
)
tenant_app = typer.Typer(help="Manage tenants.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage encryption keys.", no_args_is_help=True)
user_app = typer.Typer(help="Manage users (people; services use API tokens).", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(token_app, name="token")
app.add_typer(keys_app, name="keys")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(retention_app, name="retention")
app.add_typer(access_app, name="access")
app.add_typer(incident_app, name="incident")
app.add_typer(audio_app, name="audio")
app.add_typer(jobs_app, name="jobs")
app.add_typer(backup_app, name="backup")
app.add_typer(integrations_app, name="integrations")
app.add_typer(import_app, name="import")
app.add_typer(baa_app, name="baa")
app.add_typer(conversions_app, name="conversions")
app.add_typer(compliance_app, name="compliance")
app.command("worker")(worker)
app.command()(transcribe)


@app.command()
def init(
    tenant: TenantName,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    baa_effective: BaaEffective = None,
    baa_counterparty: BaaCounterparty = None,
    baa_document: BaaDocument = None,
) -> None:
    """Create the data directory, root key, database schema and a first tenant, with
    its covered-entity BAA if the three --baa-* options name it."""
    from callvault.instance import initialise

    agreement = first_agreement(baa_effective, baa_counterparty, baa_document)
    settings = settings_from(data_dir, database_url)
    try:
        result = initialise(settings, tenant, agreement)
    except CallVaultError as exc:
        fail(exc.detail)
    key = "created" if result.created_root_key else "kept existing"
    made = "created" if result.created_tenant else "already present"
    typer.echo(f"data directory: {settings.data_dir}")
    typer.echo(f"root key: {key} ({settings.root_key_path})")
    typer.echo(f"tenant {tenant}: {made}")
    if not result.phi_gate_open:
        typer.echo(NO_AGREEMENT_NOTE)


@tenant_app.command("create")
def tenant_create(
    tenant: TenantName,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    baa_effective: BaaEffective = None,
    baa_counterparty: BaaCounterparty = None,
    baa_document: BaaDocument = None,
) -> None:
    """Add a tenant to an initialised data directory, with its covered-entity BAA if
    the three --baa-* options name it."""
    from callvault.instance import add_tenant, migrate

    agreement = first_agreement(baa_effective, baa_counterparty, baa_document)
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        migrate(settings)
        add_tenant(settings, tenant, agreement)
    except CallVaultError as exc:
        fail(exc.detail)
    typer.echo(f"tenant {tenant}: created")
    if agreement is None:
        typer.echo(NO_AGREEMENT_NOTE)


@token_app.command("create")
def token_create(
    tenant: TenantName,
    role: Annotated[str, typer.Option("--role", help="Role the token carries")] = "integration",
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Print a new API token on stdout (and nothing else). It is shown only once."""
    from callvault.cli.vault import open_keyring
    from callvault.identity.tokens import create_token
    from callvault.tenants.service import get_tenant

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        with open_keyring(settings) as (session, _):
            tenant_id = get_tenant(session, tenant).id
            token = create_token(session, tenant_id, role)
            audit_cli_action(session, tenant_id, AuditAction.TOKEN_CREATE, token.split("_")[1])
            session.commit()
    except CallVaultError as exc:
        fail(exc.detail)
    sys.stdout.write(token + "\n")


@user_app.command("create")
def user_create(
    tenant: TenantName,
    email: Annotated[str, typer.Option("--email", help="The person's e-mail address")],
    role: Annotated[list[str], typer.Option("--role", help="A role (repeat for several)")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the initial password from stdin")
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user; print the otpauth:// enrolment URI on stdout (and nothing else).

    The password is read from one line of stdin, never from an argument (arguments
    end up in shell history and the process list)."""
    from callvault.cli.vault import open_keyring
    from callvault.identity.passwords import hash_password
    from callvault.identity.users import create_user
    from callvault.instance import migrate
    from callvault.tenants.service import get_tenant

    if not password_stdin:
        fail("pass --password-stdin and send the initial password on stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        migrate(settings)
        password_hash = hash_password(password)
        with open_keyring(settings) as (session, keyring):
            tenant_id = get_tenant(session, tenant).id
            user, uri = create_user(session, keyring, tenant_id, email, password_hash, role)
            audit_cli_action(session, tenant_id, AuditAction.USER_CREATE, user.id)
            session.commit()
    except CallVaultError as exc:
        fail(exc.detail)
    sys.stdout.write(uri + "\n")


@keys_app.command("rotate")
def keys_rotate(
    tenant: TenantName, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Add a tenant key version and rewrap every data key and encrypted field to it."""
    from callvault.calls.fields import CALL_FIELDS
    from callvault.cli.vault import open_keyring
    from callvault.crypto.rotation import rewrap_tenant, rotate_tenant_key
    from callvault.tenants.service import get_tenant

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        with open_keyring(settings) as (session, keyring):
            tenant_id = get_tenant(session, tenant).id
            version = rotate_tenant_key(session, keyring, tenant_id)
            audit_cli_action(session, tenant_id, AuditAction.KEY_ROTATE, str(version))
            session.commit()
            report = rewrap_tenant(session, keyring, tenant_id, [CALL_FIELDS])
    except CallVaultError as exc:
        fail(exc.detail)
    typer.echo(
        f"tenant {tenant}: key version {version}; rewrapped {report.data_keys} data keys"
        f" and {report.fields} fields"
    )


WORKERS_HELP = (
    "API processes on the one port. PostgreSQL: up to about one per core. SQLite: "
    "allowed and safe, but every write takes the one database-wide lock in turn (a "
    "write that waits over 5 s fails with 503), so more workers add no write "
    "throughput; keep the data directory on a local disk of this host. Background "
    "jobs run in one extra process either way (none with --no-jobs)."
)
NO_JOBS_HELP = (
    "Start no jobs process: an API-only node of a cluster. The background jobs (audit "
    "signing, alerts, the recording pipeline) must then run somewhere else, in "
    "'callvault jobs run' processes on the same database (see docs/deploy.md)."
)
FORWARDED_HELP = (
    "Reverse proxies (IP addresses or networks, comma-separated) whose X-Forwarded-For "
    "and X-Forwarded-Proto are believed. Default: none; '*' is refused."
)


@app.command()
def serve(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    host: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind")] = 8443,
    certfile: Annotated[Path | None, typer.Option(help="TLS certificate (PEM)")] = None,
    keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM)")] = None,
    insecure_http: Annotated[
        bool, typer.Option("--insecure-http", help="Plain HTTP, loopback only")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help=WORKERS_HELP)] = 1,
    forwarded_allow_ips: Annotated[
        str | None, typer.Option("--forwarded-allow-ips", help=FORWARDED_HELP)
    ] = None,
    no_jobs: Annotated[bool, typer.Option("--no-jobs", help=NO_JOBS_HELP)] = False,
) -> None:
    """Serve the API over HTTPS (a self-signed certificate is made if none is given).

    Runs the API in --workers processes and the background jobs (audit signing, alerts,
    the recording pipeline) in one more, restarted if it dies (none with --no-jobs).
    SIGTERM or Ctrl-C stops it gracefully: requests in flight finish (up to 30 s), the
    audit writer drains, and a job in flight finishes or is left to its lease."""
    from callvault.instance import migrate
    from callvault.logs import configure_logging
    from callvault.web.server import AppFactory, ServeInfo, parse_forwarded_allow_ips
    from callvault.web.server import serve as run_server
    from callvault.web.supervisor import ServeFailed

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    configure_logging()

    def announce(info: ServeInfo) -> None:
        typer.echo(f"CallVault is serving at {info.url}  (OpenAPI: {info.url}openapi.json)")
        if info.fingerprint:
            typer.echo(f"TLS certificate SHA-256 fingerprint: {info.fingerprint}")

    try:
        proxies = parse_forwarded_allow_ips(forwarded_allow_ips)
        migrate(settings)
        run_server(
            AppFactory(settings),
            host=host,
            port=port,
            tls_dir=settings.tls_dir,
            certfile=certfile,
            keyfile=keyfile,
            insecure_http=insecure_http,
            workers=workers,
            forwarded_allow_ips=proxies,
            jobs=not no_jobs,
            on_ready=announce,
        )
    except ServeFailed as exc:
        fail(exc.detail, code=1)
    except CallVaultError as exc:
        fail(exc.detail)


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option("--data-dir")] = Path("callvault-demo-data"),
    host: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind")] = 8443,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Set up only")] = False,
) -> None:
    """Initialise a demo vault, ingest the bundled synthetic calls, process their
    recordings, and serve it."""
    from callvault.demo.seed import process_demo, seed_demo
    from callvault.pipeline.runner import JobResult

    def report(result: JobResult) -> None:
        reason = f" ({result.reason})" if result.reason else ""
        typer.echo(f"  job {result.job_id} call {result.call_id}: {result.state}{reason}")

    settings = settings_from(data_dir, None)
    try:
        summary = seed_demo(settings)
        typer.echo(f"demo data directory: {settings.data_dir}")
        if summary.recordings:
            typer.echo(
                f"ingested {summary.calls} synthetic calls ({summary.recordings} recordings)"
            )
        else:
            typer.echo(f"the {summary.calls} demo calls are there already: nothing ingested")
        typer.echo("running the background jobs once (transcribe, redact, bleep; alerts)")
        processed = process_demo(settings, on_result=report)
    except CallVaultError as exc:
        fail(exc.detail)
    typer.echo(f"recordings processed: {processed.done} of {processed.total} done")
    for alert in processed.alerts:
        typer.echo(f"alert raised: {alert.rule} by {alert.actor}")
    typer.echo(f"ingest token (role integration, shown once): {summary.token}")
    for user in summary.users:
        note = f"; {user.note}" if user.note else ""
        typer.echo(f"demo user (role {user.role}): {user.email}{note}")
        if user.password and user.otpauth_uri:
            typer.echo(f"  password (shown once): {user.password}")
            typer.echo(f"  authenticator enrolment URI (shown once): {user.otpauth_uri}")
        else:
            typer.echo("  (created on an earlier run: its password was shown then)")
    typer.echo(
        f"sign in with a browser: https://{host}:{port}/ (the first sign-in shows a QR code "
        "for an authenticator app; the URI above is the same secret)"
    )
    typer.echo(f"or the API: POST https://{host}:{port}/api/v1/auth/login, then /api/v1/auth/mfa")
    if not no_serve:
        serve(
            data_dir=data_dir,
            database_url=None,
            host=host,
            port=port,
            certfile=None,
            keyfile=None,
            insecure_http=False,
            workers=1,
            forwarded_allow_ips=None,
        )


@app.command()
def redact(
    in_path: Annotated[str, typer.Option("--in", help="Input JSON lines ('-': stdin)")],
    out_path: Annotated[str, typer.Option("--out", help="Output JSON lines ('-': stdout)")],
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes")] = 1,
    ner: Annotated[
        str,
        typer.Option(
            "--ner",
            envvar="CALLVAULT_REDACTION_NER",
            help="Statistical second opinion on names and places: none or spacy"
            " (needs requirements-ner.lock installed)",
        ),
    ] = "none",
) -> None:
    """Redact PHI from transcripts, one JSON object per line."""
    from callvault.redaction.cli import BadLine, open_streams, run, use_ner
    from callvault.redaction.ner import NER_CHOICES, NerUnavailable

    if ner not in NER_CHOICES:
        fail(f"--ner must be one of: {', '.join(NER_CHOICES)}")
    try:
        use_ner(ner)  # before any output: a missing model fails the run, not a line
        with open_streams(in_path, out_path) as (source, sink):
            run(source, sink, workers, ner)
    except (BadLine, OSError, NerUnavailable) as exc:
        fail(str(exc))


def main() -> None:  # pragma: no cover - console entry point
    app()
