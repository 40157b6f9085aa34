"""The gateway's transport: a response's head and body leave in one write, bytes and order
unchanged; a lone write (a stream's chunk) leaves on the loop's next turn."""

import asyncio
from typing import Any, cast

from gateway.wire import CoalescingTransport


class Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return f"info {name}"


def transport() -> tuple[CoalescingTransport, Recorder]:
    sent = Recorder()
    wrapped = CoalescingTransport(cast(asyncio.Transport, sent), asyncio.get_running_loop())
    return wrapped, sent


async def test_head_and_body_leave_in_one_write() -> None:
    wrapped, sent = transport()
    wrapped.write(b"HTTP/1.1 200 OK\r\n\r\n")
    wrapped.write(b"{}")
    assert sent.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
    await asyncio.sleep(0)
    assert sent.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]  # nothing held, nothing sent twice


async def test_a_lone_write_leaves_on_the_next_turn_in_order() -> None:
    wrapped, sent = transport()
    wrapped.write(b"head")
    wrapped.write(b"first")
    wrapped.write(b"second")  # a stream's later chunk
    assert sent.writes == [b"headfirst"]
    await asyncio.sleep(0)
    assert sent.writes == [b"headfirst", b"second"]


async def test_close_sends_what_is_held_first_and_the_rest_is_delegated() -> None:
    wrapped, sent = transport()
    wrapped.write(b"last")
    wrapped.close()
    assert sent.writes == [b"last"]
    assert sent.closed
    assert wrapped.is_closing()
    assert wrapped.get_extra_info("peername") == "info peername"
    await asyncio.sleep(0)
    assert sent.writes == [b"last"]
