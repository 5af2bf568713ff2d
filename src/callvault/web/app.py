"""``create_app(settings)``: the ASGI application, with no globals made at import."""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callvault import __version__, blocking
from callvault.alerts.api import router as alerts_router
from callvault.alerts.delivery import delivery_session_info
from callvault.audit.api import router as audit_router
from callvault.audit.groupcommit import GroupCommitter
from callvault.audit.runtime import AuditRuntime
from callvault.audit.writer import BatchWriter, ProcessWriter
from callvault.blobs.factory import create_blob_store
from callvault.blobs.interface import BlobStore
from callvault.calls.api import playback_router
from callvault.calls.api import router as calls_router
from callvault.compliance.api import router as baas_router
from callvault.crypto.keyprovider import LocalKeyFileProvider, RootKeyProvider
from callvault.dashboard import account as account_pages
from callvault.dashboard import admin_elevations as elevation_pages
from callvault.dashboard import admin_policy as policy_pages
from callvault.dashboard import admin_roles as role_pages
from callvault.dashboard import admin_users as user_pages
from callvault.dashboard import alerts as alerts_pages
from callvault.dashboard import audit as audit_pages
from callvault.dashboard import baas as baa_pages
from callvault.dashboard import call_shred as shred_pages
from callvault.dashboard import calls as calls_pages
from callvault.dashboard import compliance as compliance_pages
from callvault.dashboard import conversions as conversion_pages
from callvault.dashboard import exports as exports_pages
from callvault.dashboard import holds as holds_pages
from callvault.dashboard import incidents as incident_pages
from callvault.dashboard import integrations as integration_pages
from callvault.dashboard import reports as report_pages
from callvault.dashboard import retention as retention_pages
from callvault.dashboard import signin as signin_pages
from callvault.dashboard import tracking as tracking_pages
from callvault.dashboard.access import render_error
from callvault.db import models as schema
from callvault.db.base import (
    create_db_engine,
    create_read_session_factory,
    create_session_factory,
)
from callvault.gcpauses import freeze_startup_heap
from callvault.identity.admin.api import router as admin_router
from callvault.identity.elevation.api import router as elevation_router
from callvault.identity.gate import authorize_request
from callvault.identity.policy.api import router as policy_router
from callvault.identity.scim.api import router as scim_router
from callvault.identity.signin.api import router as auth_router
from callvault.identity.training.api import router as training_router
from callvault.incidents.api import router as incidents_router
from callvault.integrations import api as integrations_api
from callvault.integrations import freeswitch_api
from callvault.integrations import webhooks as twilio_webhooks
from callvault.lifecycle import access_api, exports_api, retention_api
from callvault.lifecycle.holds_api import router as holds_router
from callvault.metrics import process_exited
from callvault.phone_states import load_geocoder
from callvault.redaction.api import router as redaction_policy_router
from callvault.safeguards.api import router as safeguards_router
from callvault.settings import Settings
from callvault.tracking import api as tracking_api
from callvault.tracking import conversions_api, dni_api
from callvault.web.context import AppResources
from callvault.web.deferred_audit import DeferredAuditMiddleware
from callvault.web.health import Readiness, standard_checks
from callvault.web.health import router as health_router
from callvault.web.metrics import count_request, route_label
from callvault.web.metrics import router as metrics_router
from callvault.web.openapi import install_openapi
from callvault.web.problems import install_problem_handlers

log = logging.getLogger("callvault.web")

# Maps every table: the audit writer process inserts group-committed rows by table name.
SCHEMA_MODULE = schema.__name__

# Reachable without a principal: the probes, the API description, and the two sign-in
# steps, in the API and in the dashboard.
# The Twilio webhooks are public too: Twilio holds no session or token; each request is
# authenticated by its X-Twilio-Signature (callvault.integrations.webhook_auth) instead.
# So are dynamic number insertion's script and session endpoint, for any website visitor
# (origin-checked and throttled: callvault.tracking.dni_api).
PUBLIC_PATHS = frozenset(
    {"/healthz", "/readyz", "/openapi.json", "/api/v1/auth/login", "/api/v1/auth/mfa"}
    | {"/signin", "/signin/mfa"}
    | {f"{twilio_webhooks.PREFIX}/{hook}" for hook in ("voice", "voice-status", "recording-status")}
    | dni_api.PUBLIC_PATHS
)


def create_app(
    settings: Settings,
    *,
    root_key: RootKeyProvider | None = None,
    blobs: BlobStore | None = None,
) -> FastAPI:
    engine = create_db_engine(settings.database_url)
    read_engine = create_db_engine(settings.database_url, read_only=True)
    root_key = root_key or LocalKeyFileProvider(settings.root_key_path)
    audit = AuditRuntime.for_settings(settings, root_key)
    sessions = create_session_factory(
        engine, {**audit.session_info(), **delivery_session_info(root_key)}
    )
    resources = AppResources(
        settings=settings,
        engine=engine,
        sessions=sessions,
        root_key=root_key,
        blobs=blobs or create_blob_store(settings),
        read_sessions=create_read_session_factory(read_engine, sessions),
        gate=authorize_request,
    )

    readiness = Readiness(standard_checks(engine, audit, resources.blobs))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Background jobs are not run here: they have a process of their own
        # (callvault.web.background), so requests never wait for a transcription.
        writer = _audit_writer(resources, audit)  # a writer that cannot start stops it here
        with GroupCommitter(writer) as committer:
            audit.committer = committer  # PHI reads share durable commits from here on
            load_geocoder()  # a first create would otherwise import it, GIL held, ~0.25 s
            freeze_startup_heap()
            yield
            audit.committer = None  # in-flight requests are done: drain and stop the writer
        engine.dispose()
        read_engine.dispose()
        process_exited(os.getpid())  # its live gauges leave the multiprocess sums

    app = FastAPI(
        title="CallVault",
        version=__version__,
        lifespan=lifespan,
        summary="HIPAA-grade call tracking and call recording vault",
        # Swagger UI and ReDoc load scripts from a public CDN: not on a PHI server.
        docs_url=None,
        redoc_url=None,
    )
    app.state.resources = resources
    app.state.audit = audit
    app.state.readiness = readiness
    app.state.page_errors = render_error
    install_problem_handlers(app)
    install_openapi(app)
    app.add_middleware(DeferredAuditMiddleware)  # inside the log line, so it sees a 503
    app.add_middleware(RequestLogMiddleware)
    app.include_router(health_router)
    app.include_router(calls_router)
    app.include_router(playback_router)
    app.include_router(alerts_router)
    app.include_router(audit_router)
    app.include_router(metrics_router)
    for router in (
        auth_router,
        admin_router,
        elevation_router,
        scim_router,
        policy_router,
        redaction_policy_router,
        retention_api.router,
        retention_api.shred_router,
        holds_router,
        baas_router,
        safeguards_router,
        training_router,
        access_api.router,
        exports_api.router,
        incidents_router,
        tracking_api.campaigns_router,
        tracking_api.numbers_router,
        tracking_api.reports_router,
        conversions_api.router,
        dni_api.public_router,
        dni_api.settings_router,
        integrations_api.router,
        twilio_webhooks.router,
        freeswitch_api.router,
        signin_pages.router,
        calls_pages.router,
        audit_pages.router,
        alerts_pages.router,
        user_pages.router,
        role_pages.router,
        policy_pages.router,
        elevation_pages.router,
        account_pages.router,
        retention_pages.router,
        holds_pages.router,
        exports_pages.router,
        incident_pages.router,
        baa_pages.router,
        compliance_pages.router,
        shred_pages.router,
        report_pages.router,
        tracking_pages.router,
        conversion_pages.router,
        integration_pages.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("callvault.dashboard", "static")]), "static")
    return app


def _audit_writer(res: AppResources, audit: AuditRuntime) -> BatchWriter | sessionmaker[Session]:
    """Where PHI reads' audit events are written (``CALLVAULT_AUDIT_WRITER``)."""
    if res.settings.audit_writer == "thread":
        return res.sessions
    return ProcessWriter(
        res.settings.database_url, res.root_key, audit.policy, schema_module=SCHEMA_MODULE
    )


def new_request_id() -> str:
    """A request's correlation id: unique, not a secret. Not ``uuid4``: ``os.urandom``
    lets go of the GIL, and on the event loop that hands the interpreter to a worker
    thread once per request. (The ``random`` module reseeds itself in a forked child.)"""
    return f"{random.getrandbits(128):032x}"


class RequestLogMiddleware:
    """Gives each request an id, logs one JSON-friendly line per request and counts it
    for the metrics (``web.metrics``). Outermost: it sees the status the client got.

    Logs the route template, never the raw URL: query strings may carry phone numbers.
    Pure ASGI so that streaming uploads and downloads pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        blocking.new_owner()
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_label(scope)
            count_request(scope.get("method", ""), route, status, elapsed)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "route": route,
                    "status": status,
                    "ms": round(elapsed * 1000, 1),
                },
            )
