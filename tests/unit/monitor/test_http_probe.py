"""The monitor's probe of the gateway: GET /healthz over HTTP, or HTTPS with mTLS on."""

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from registry import Endpoint, known_service
from services import certs
from services.performance_monitor.health import GrpcProbe
from services.runtime.tls import TlsFiles
from tests.support.ports import free_port

GATEWAY = known_service("gateway")


@asynccontextmanager
async def http_server(
    reply: bytes | None, context: ssl.SSLContext | None = None
) -> AsyncIterator[Endpoint]:
    """Answers every request with `reply` (None: reads it and never answers)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            if reply is None:
                await asyncio.sleep(10)
            writer.write(reply or b"")
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    async with server:
        yield Endpoint("127.0.0.1", server.sockets[0].getsockname()[1])


@pytest.mark.parametrize(
    ("reply", "serving"),
    [
        (b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", True),
        (b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n", False),
        (b"not http at all\r\n", False),
        (None, False),  # no answer within the timeout
    ],
)
async def test_the_status_line_says_whether_the_gateway_serves(
    reply: bytes | None, serving: bool
) -> None:
    probe = GrpcProbe(timeout=0.5)
    async with http_server(reply) as endpoint:
        assert await probe(GATEWAY, endpoint) is serving
    await probe.close()


async def test_nothing_listening_is_not_serving() -> None:
    probe = GrpcProbe(timeout=0.5)
    assert not await probe(GATEWAY, Endpoint("127.0.0.1", free_port()))
    await probe.close()


def server_context(files: TlsFiles) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(files.ca))
    context.load_cert_chain(str(files.cert), str(files.key))
    return context


async def test_over_mtls_the_gateway_s_certificate_is_checked_by_its_name(tmp_path: Path) -> None:
    certs.generate(tmp_path, ["gateway", "planner", "performance-monitor"])
    probe = GrpcProbe(timeout=2.0, files=certs.files(tmp_path, "performance-monitor"))
    ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
    async with http_server(ok, server_context(certs.files(tmp_path, "gateway"))) as endpoint:
        assert await probe(GATEWAY, endpoint)
    # Another service's certificate does not name the gateway: refused.
    async with http_server(ok, server_context(certs.files(tmp_path, "planner"))) as endpoint:
        assert not await probe(GATEWAY, endpoint)
    # Plain HTTP where HTTPS is expected: refused.
    async with http_server(ok) as endpoint:
        assert not await probe(GATEWAY, endpoint)
    await probe.close()
