"""The fault proxy itself (``_fault_proxy.py``), against a real HTTP server (moto): each
mode does what F9 (and F6/F7) rely on it to do."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.reliability._fault_proxy import FaultProxy


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", int(moto_endpoint.rsplit(":", 1)[1])) as running:
        yield running


def get(proxy: FaultProxy, timeout: float = 10) -> int:
    with urllib.request.urlopen(proxy.url + "/moto-api/", timeout=timeout) as answer:  # noqa: S310
        return int(answer.status)


def test_pass_and_latency_forward_the_answer(proxy: FaultProxy) -> None:
    assert get(proxy) == 200
    with proxy.fault("latency", ms=300):
        started = time.monotonic()
        assert get(proxy) == 200
        assert time.monotonic() - started >= 0.3


def test_http500_answers_for_the_server_the_given_number_of_times(proxy: FaultProxy) -> None:
    proxy.set("http500", times=1)
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(proxy)
    assert refused.value.code == 500 and b"InternalError" in refused.value.read()
    assert get(proxy) == 200  # the budget is spent
    assert proxy.injected == 1


@pytest.mark.parametrize("direction", ["up", "down"])
def test_reset_cuts_the_connection(proxy: FaultProxy, direction: str) -> None:
    with proxy.fault("reset", after=0, direction=direction), pytest.raises(OSError):
        get(proxy)


def test_blackhole_never_answers(proxy: FaultProxy) -> None:
    started = time.monotonic()
    with proxy.fault("blackhole"), pytest.raises(OSError, match="timed out"):
        get(proxy, timeout=1)
    assert time.monotonic() - started >= 1
