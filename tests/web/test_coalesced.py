"""A connection's writes in one turn of the event loop leave as one
(``callvault.web.coalesced``); large ones and closing do not wait for the turn's end.

The transport below records what reaches it: it stands in for asyncio's socket transport
(not our code), so what is asserted is exactly what would have been sent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from callvault.web.coalesced import FLUSH_BYTES, CoalescedWrites


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closed, "written after close"
        self.sent.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 5000)}.get(name, default)


Scenario = Callable[[CoalescedWrites, "RecordingTransport"], Awaitable[None]]


def run(scenario: Scenario) -> RecordingTransport:
    async def main() -> RecordingTransport:
        transport = RecordingTransport()
        await scenario(CoalescedWrites(transport, asyncio.get_running_loop()), transport)
        return transport

    return asyncio.run(main())


def test_a_head_and_body_written_in_one_turn_leave_as_one_write() -> None:
    async def scenario(writes: CoalescedWrites, transport: RecordingTransport) -> None:
        writes.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        writes.write(b"ok")
        assert transport.sent == []  # not before the turn ends ...
        await asyncio.sleep(0)
        assert transport.sent == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"]  # ... then

    run(scenario)


def test_writes_in_different_turns_are_not_held_back() -> None:
    async def scenario(writes: CoalescedWrites, transport: RecordingTransport) -> None:
        writes.write(b"first")
        await asyncio.sleep(0)
        writes.write(b"second")
        await asyncio.sleep(0)
        assert transport.sent == [b"first", b"second"]

    run(scenario)


def test_a_large_stream_goes_out_once_enough_has_gathered() -> None:
    chunk = b"x" * (FLUSH_BYTES // 2)

    async def scenario(writes: CoalescedWrites, transport: RecordingTransport) -> None:
        for _ in range(5):
            writes.write(chunk)
        assert [len(sent) for sent in transport.sent] == [FLUSH_BYTES, FLUSH_BYTES]
        await asyncio.sleep(0)
        assert b"".join(transport.sent) == chunk * 5

    run(scenario)


def test_closing_sends_what_gathered_first() -> None:
    async def scenario(writes: CoalescedWrites, transport: RecordingTransport) -> None:
        writes.write(b"HTTP/1.1 408 Request Timeout\r\n\r\n")
        writes.close()
        assert transport.sent == [b"HTTP/1.1 408 Request Timeout\r\n\r\n"]
        assert transport.closed
        await asyncio.sleep(0)  # the turn's flush finds nothing left, and writes nothing
        assert len(transport.sent) == 1

    run(scenario)


def test_everything_else_is_the_real_transport() -> None:
    async def scenario(writes: CoalescedWrites, transport: RecordingTransport) -> None:
        assert writes.get_extra_info("peername") == ("127.0.0.1", 5000)
        assert not writes.is_closing()

    run(scenario)
