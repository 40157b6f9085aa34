"""Certificates renewed on disk while servers and clients run: real gRPC servers, an HTTPS
server and real handshakes, certificates from services.certs, files swapped as the kubelet
swaps a Secret's. The watches' clocks are the tests' (no sleeping for the check interval)."""

import asyncio
import datetime
import logging
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from prometheus_client import REGISTRY
from tripmesh.v1 import tool_service_pb2, tool_service_pb2_grpc

from registry import Endpoint
from registry.static import StaticDiscovery
from services import certs
from services.runtime import tls, tls_reload
from services.runtime.channels import ChannelPool
from services.runtime.instance_health import ChannelsByAddress
from services.runtime.tls_reload import CertificateError, CertificateWatch
from services.task_router.channels import InstanceChannels
from tests.support.cert_volume import SecretVolume, issue, peer_serial, pem_cert, pem_key, serial

SERVER = "planner"  # the identity of the servers here
CLIENT = "orchestrator"
SERVICE = "tripmesh-planner"  # the name clients check the server's certificate by
INTERVAL = 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = INTERVAL) -> None:
        self.now += seconds


def reloads(result: str) -> float:
    return REGISTRY.get_sample_value("tripmesh_tls_reloads_total", {"result": result}) or 0.0


@pytest.fixture(scope="module")
def authority() -> certs.Issued:
    return certs.new_authority(datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def volume(tmp_path: Path, authority: certs.Issued) -> SecretVolume:
    """The server's Secret, with a first certificate (A)."""
    mounted = SecretVolume(tmp_path / "server")
    mounted.issue(authority, SERVER)
    return mounted


@pytest.fixture
def watch(volume: SecretVolume, clock: Clock) -> CertificateWatch:
    return CertificateWatch(volume.files, interval=INTERVAL, clock=clock)


def test_a_renewed_certificate_is_taken_once_the_interval_is_up(
    watch: CertificateWatch, volume: SecretVolume, authority: certs.Issued, clock: Clock
) -> None:
    first = watch.current()
    assert first.generation == 0
    loaded = reloads("loaded")
    renewed = volume.issue(authority, SERVER)
    assert watch.current() is first  # not due yet: not even a stat
    clock.advance()
    current = watch.current()
    assert current.serial == renewed.cert.serial_number != first.serial
    assert current.generation == 1
    assert reloads("loaded") == loaded + 1
    expiry = REGISTRY.get_sample_value(
        "tripmesh_tls_certificate_expiry_timestamp_seconds", {"file": str(volume.files.cert)}
    )
    assert expiry == renewed.cert.not_valid_after_utc.timestamp()
    clock.advance()
    assert watch.current() is current  # nothing changed since


def test_unusable_replacements_keep_the_certificate_and_warn_once_per_change(
    watch: CertificateWatch,
    volume: SecretVolume,
    authority: certs.Issued,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = watch.current()
    rejected = reloads("rejected")
    one, other = issue(authority, SERVER), issue(authority, SERVER)
    ca = pem_cert(authority)
    foreign = certs.new_authority(datetime.datetime.now(datetime.UTC))
    stranger = issue(foreign, SERVER)
    unusable = {
        "the key is not the certificate's": (pem_cert(one), pem_key(other), ca),
        "does not parse": (pem_cert(one)[:200], pem_key(one), ca),  # half written
        "does not come from the CA": (pem_cert(stranger), pem_key(stranger), ca),
    }
    for count, (reason, files) in enumerate(unusable.items(), start=1):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="services.runtime.tls_reload"):
            volume.publish(*files)
            for _ in range(3):  # looked at again and again: one warning for this change
                clock.advance()
                assert watch.current() is first
        warnings = [r.getMessage() for r in caplog.records]
        assert len(warnings) == 1, warnings
        assert reason in warnings[0]
        assert f"keeping serial {first.serial:x}" in warnings[0]
        assert reloads("rejected") == rejected + count
    volume.publish(pem_cert(one), pem_key(one), ca)  # and then a good one
    clock.advance()
    assert watch.current().serial == one.cert.serial_number


def test_files_touched_or_rewritten_as_they_were_are_no_reload(
    watch: CertificateWatch, volume: SecretVolume, clock: Clock
) -> None:
    first = watch.current()
    loaded = reloads("loaded")
    volume.publish(first.chain, first.key, first.ca)
    clock.advance()
    assert watch.current() is first
    assert reloads("loaded") == loaded


def test_files_copied_in_place_one_by_one_are_taken_once_they_fit(
    tmp_path: Path, authority: certs.Issued, clock: Clock
) -> None:
    """Not a Secret: `cp` over the files (same inodes), the certificate before its key."""
    certs.write(tmp_path, SERVER, issue(authority, SERVER))
    certs.write(tmp_path, "ca", authority)
    files = certs.files(tmp_path, SERVER)
    watch = CertificateWatch(files, interval=INTERVAL, clock=clock)
    first = watch.current()
    renewed = issue(authority, SERVER)
    with files.cert.open("r+b") as handle:  # rewritten in place
        handle.truncate()
        handle.write(pem_cert(renewed))
    clock.advance()
    assert watch.current() is first  # its key is not there yet
    files.key.write_bytes(pem_key(renewed))
    clock.advance()
    assert watch.current().serial == renewed.cert.serial_number


def test_unusable_files_at_start_are_an_error(
    tmp_path: Path, authority: certs.Issued, volume: SecretVolume
) -> None:
    volume.publish(pem_cert(issue(authority, SERVER)), pem_key(issue(authority, SERVER)), b"")
    with pytest.raises(CertificateError, match="does not parse"):
        CertificateWatch(volume.files)


# Real servers: which certificate does a new connection get?


@pytest.fixture
def client_volume(tmp_path: Path, authority: certs.Issued) -> SecretVolume:
    mounted = SecretVolume(tmp_path / "client")
    mounted.issue(authority, CLIENT)
    return mounted


class Tools(tool_service_pb2_grpc.ToolServiceServicer):
    """Answers the serial of the certificate the caller presented."""

    async def InvokeTool(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> tool_service_pb2.InvokeToolResponse:
        pem = context.auth_context()["x509_pem_cert"][0]
        reply = tool_service_pb2.InvokeToolResponse()
        reply.result.update({"serial": str(serial(pem))})
        return reply


@pytest.fixture
async def server(watch: CertificateWatch) -> AsyncIterator[int]:
    """A gRPC server on the watched files (health, and the caller's serial); its port."""
    running = grpc.aio.server()
    servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, running)
    tool_service_pb2_grpc.add_ToolServiceServicer_to_server(Tools(), running)
    port = running.add_secure_port("127.0.0.1:0", tls_reload.server_credentials(watch))
    await running.start()
    await servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    yield port
    await running.stop(0)


async def check(channel: grpc.aio.Channel) -> str:
    try:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=5
        )
    except grpc.aio.AioRpcError as exc:
        return str(exc.code().name)
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


def channel(port: int, client: tls.TlsFiles) -> grpc.aio.Channel:
    credentials = tls.channel_credentials(client)
    return tls.aio_channel(f"127.0.0.1:{port}", credentials, service=SERVICE)


@dataclass
class World:
    """The CA, the server's and the client's Secrets, and the watches' clock."""

    authority: certs.Issued
    server: SecretVolume
    client: SecretVolume
    clock: Clock

    @property
    def ca(self) -> bytes:
        return pem_cert(self.authority)


@pytest.fixture
def world(
    authority: certs.Issued, volume: SecretVolume, client_volume: SecretVolume, clock: Clock
) -> World:
    return World(authority, volume, client_volume, clock)


async def test_a_grpc_server_gives_new_connections_the_renewed_certificate(
    server: int, world: World
) -> None:
    client, ca = world.client.files, world.ca
    first = serial(world.server.files.cert.read_bytes())
    assert await asyncio.to_thread(peer_serial, server, ca, client) == first
    async with channel(server, client) as kept:
        assert await check(kept) == "SERVING"
        renewed = world.server.issue(world.authority, SERVER)
        world.clock.advance()
        fresh = await asyncio.to_thread(peer_serial, server, ca, client)
        assert fresh == renewed.cert.serial_number != first
        async with channel(server, client) as new:
            assert await check(new) == "SERVING"
        assert await check(kept) == "SERVING"  # the connection open before keeps working


async def test_a_grpc_server_moves_to_a_new_ca(
    server: int, volume: SecretVolume, client_volume: SecretVolume, tmp_path: Path, clock: Clock
) -> None:
    """A clear check: after the swap, only clients of the new CA get through."""
    old_client = client_volume.files
    assert await check_once(server, old_client) == "SERVING"
    new_ca = certs.new_authority(datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1))
    volume.issue(new_ca, SERVER)
    new_client = SecretVolume(tmp_path / "new-client")
    new_client.issue(new_ca, CLIENT)
    clock.advance()
    assert await check_once(server, new_client.files) == "SERVING"
    assert await check_once(server, old_client) == "UNAVAILABLE"


async def check_once(port: int, client: tls.TlsFiles) -> str:
    async with channel(port, client) as fresh:
        return await check(fresh)


async def test_a_grpc_server_keeps_its_certificate_when_the_new_files_do_not_fit(
    server: int, world: World
) -> None:
    first = serial(world.server.files.cert.read_bytes())
    one, other = issue(world.authority, SERVER), issue(world.authority, SERVER)
    world.server.publish(pem_cert(one), pem_key(other), world.ca)
    world.clock.advance()
    assert await asyncio.to_thread(peer_serial, server, world.ca, world.client.files) == first
    assert await check_once(server, world.client.files) == "SERVING"


async def presented(stub: Any) -> int:
    """The serial of the certificate a call on `stub` presents."""
    reply = await stub.InvokeTool(tool_service_pb2.InvokeToolRequest(), timeout=5)
    return int(reply.result["serial"])


class Clients:
    """The three kinds of long-lived clients of a service, on one client certificate."""

    def __init__(self, kind: str, port: int, certificates: CertificateWatch) -> None:
        self.kind = kind
        self.pool = ChannelPool(
            StaticDiscovery({SERVICE: [Endpoint("127.0.0.1", port)]}), certificates=certificates
        )
        self.tools = self.pool.client(SERVICE, tool_service_pb2_grpc.ToolServiceStub)
        self.by_address = ChannelsByAddress(certificates)
        self.router = InstanceChannels(
            default_deadline=5, margin=0, max_message_bytes=1 << 20, certificates=certificates
        )
        self.address = f"127.0.0.1:{port}"

    def stub(self) -> Any:
        if self.kind == "pool":
            return self.tools.stub
        if self.kind == "by-address":
            channel = self.by_address.get(self.address, SERVICE)
            return tool_service_pb2_grpc.ToolServiceStub(channel)  # type: ignore[no-untyped-call]
        return self.router.stub(self.address, SERVER)

    async def close(self) -> None:
        await self.pool.close()
        await self.by_address.close()
        await self.router.close()


@pytest.mark.parametrize("kind", ["pool", "by-address", "router"])
async def test_clients_reconnect_with_the_renewed_client_certificate(
    server: int, world: World, kind: str
) -> None:
    """ChannelPool (every service's and the gateway's), ChannelsByAddress (health checks of
    the gateway and the monitor), the task router's channels per instance."""
    certificates = CertificateWatch(world.client.files, interval=INTERVAL, clock=world.clock)
    clients = Clients(kind, server, certificates)
    try:
        first = await presented(clients.stub())
        assert first == certificates.current().serial
        renewed = world.client.issue(world.authority, CLIENT)
        assert await presented(clients.stub()) == first  # not looked at yet
        world.clock.advance()
        assert await presented(clients.stub()) == renewed.cert.serial_number
    finally:
        await clients.close()


# The gateway's HTTPS: the live ssl context of its server.


@pytest.fixture
async def https(watch: CertificateWatch) -> AsyncIterator[int]:
    """A TLS server as uvicorn sets one up (its context loaded once), following `watch`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_reload.load_chain(context, watch.current())
    tls_reload.reload_https(context, watch)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    served = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    yield served.sockets[0].getsockname()[1]
    served.close()
    await served.wait_closed()


@pytest.mark.parametrize("sni", [None, "localhost"])
async def test_https_serves_the_renewed_certificate_from_the_next_handshake(
    https: int, world: World, sni: str | None
) -> None:
    ca, authority = world.ca, world.authority
    first = serial(world.server.files.cert.read_bytes())
    assert await asyncio.to_thread(peer_serial, https, ca, sni=sni) == first
    one, other = issue(authority, SERVER), issue(authority, SERVER)
    world.server.publish(pem_cert(one), pem_key(other), ca)  # unusable
    world.clock.advance()
    assert await asyncio.to_thread(peer_serial, https, ca, sni=sni) == first
    renewed = world.server.issue(authority, SERVER)
    world.clock.advance()
    assert await asyncio.to_thread(peer_serial, https, ca, sni=sni) == renewed.cert.serial_number
