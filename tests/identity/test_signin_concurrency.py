"""Sign-in under concurrency: no lock is held while argon2 runs, concurrent failures all
count, a lockout recorded during a verification wins, and the argon2 pool is bounded.

The argon2 pool is held (every slot taken by a waiting task) to stop a sign-in right
where it verifies the password, so the test knows what runs meanwhile."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.db.base import utcnow
from callvault.errors import TooManyRequests
from callvault.identity.models import LoginChallenge, User
from callvault.identity.passwords import Argon2Pool, argon2_pool
from callvault.settings import Settings
from tests.identity.conftest import UserFactory, argon2_pool_held, wait_until
from tests.identity.test_auth_support import login, store

WRONG = "not-the-Passphrase-9921"


def in_background(work: Callable[[], httpx.Response]) -> Callable[[], httpx.Response]:
    """Start ``work`` on a thread; the returned function joins it and gives its answer."""
    answers: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answers.append(work()))
    thread.start()

    def join() -> httpx.Response:
        thread.join(30)
        return answers[0]

    return join


def test_a_lockout_recorded_while_the_password_is_checked_wins(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    with argon2_pool_held():
        answer = in_background(lambda: login(client, user))  # the right password
        wait_until(lambda: argon2_pool().waiting == 1)
        started = time.monotonic()
        with store(vault) as db:  # a write: it must not wait for the sign-in
            db.get_one(User, user.id).locked_until = utcnow() + timedelta(minutes=15)
        write_took = time.monotonic() - started

    assert write_took < 2.0
    assert answer().status_code == 401
    with store(vault) as db:
        assert db.get_one(User, user.id).failed_logins == 0  # refused, not counted
        assert db.scalar(select(func.count()).select_from(LoginChallenge)) == 0


def test_concurrent_wrong_passwords_all_count(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    with argon2_pool_held():
        answers = [in_background(lambda: login(client, user, WRONG)) for _ in range(3)]
        wait_until(lambda: argon2_pool().waiting == 3)  # all three read failed_logins == 0

    assert [a().status_code for a in answers] == [401, 401, 401]
    with store(vault) as db:
        assert db.get_one(User, user.id).failed_logins == 3


def test_a_password_changed_while_the_old_one_is_checked_does_not_sign_in(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    with argon2_pool_held():
        answer = in_background(lambda: login(client, user))
        wait_until(lambda: argon2_pool().waiting == 1)
        with store(vault) as db:
            db.get_one(User, user.id).password_hash = "$argon2id$v=19$m=65536,t=3,p=4$other"

    assert answer().status_code == 401


def test_a_full_argon2_queue_refuses_at_once_and_a_long_wait_gives_up() -> None:
    pool = Argon2Pool(size=1, max_waiting=1, max_wait=0.5)
    gate = threading.Event()
    holder = threading.Thread(target=pool.run, args=(gate.wait,))
    holder.start()
    wait_until(lambda: pool.running == 1)
    waiter_result: list[BaseException] = []

    def wait_in_queue() -> None:
        try:
            pool.run(lambda: None)
        except TooManyRequests as refused:
            waiter_result.append(refused)

    waiter = threading.Thread(target=wait_in_queue)
    waiter.start()
    wait_until(lambda: pool.waiting == 1)
    started = time.monotonic()
    with pytest.raises(TooManyRequests) as full:
        pool.run(lambda: None)
    refused_in = time.monotonic() - started
    waiter.join(5)
    gate.set()
    holder.join(5)

    assert refused_in < 0.2 and full.value.retry_after >= 1
    assert len(waiter_result) == 1  # gave up after max_wait
    assert pool.run(lambda: 42) == 42  # and the pool works again
