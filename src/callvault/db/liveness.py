"""A pooled PostgreSQL connection checked for life without a round trip.

``pool_pre_ping`` sent ``SELECT 1`` on every checkout: one more round trip, and one
more statement for the server, per request and per audit batch (6-11 % of an API
worker's samples under load, issue 13's sixth pass). A connection idle in the pool
has nothing to read: the server answered everything it was sent. When the server
ends it (a restart, ``pg_terminate_backend``, ``idle_session_timeout``) it sends an
error and closes, and the socket becomes readable. So a checkout polls the socket
without waiting, and a readable (or hung-up, or closed) connection is replaced, as a
failed ping replaced it: the pool retries the checkout with a fresh connection.
"""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

_SUSPECT = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


def replace_dead_connections(engine: Engine) -> None:
    """On every checkout from ``engine``'s pool, drop a connection the server ended."""
    event.listen(engine, "checkout", _check_alive)


def _check_alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    if not is_alive(dbapi_connection):
        raise DisconnectionError("the pooled connection was closed by the server")


def is_alive(dbapi_connection: Any) -> bool:
    """False if psycopg knows the connection is closed or broken, or if its idle
    socket has anything to say (the server's goodbye, or the end of the stream)."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return False
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), _SUSPECT)
    return not poller.poll(0)
