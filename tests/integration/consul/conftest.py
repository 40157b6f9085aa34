"""Fixtures for tests against a real `consul agent -dev` (see tests/support/consul)."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import grpc
import pytest
import pytest_asyncio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from registry.base import Endpoint, Registration
from registry.consul import ConsulConfig, ConsulDiscovery
from services.runtime import tls, tls_reload
from services.runtime.authorization import caller_check, guarded
from tests.support.consul.agent import ConsulAgent, ConsulMissing, find_consul
from tests.support.infra import missing

ACL_MASTER_TOKEN = "5c3a0a45-6f62-4a1c-9d4e-3a7c3e3f2b10"
ACL_HCL = f"""
acl {{
  enabled = true
  default_policy = "deny"
  tokens {{
    master = "{ACL_MASTER_TOKEN}"
  }}
}}
"""

# Fast loops for tests: a 1 s check, short blocking queries, quick retries.
FAST = ConsulConfig(
    check_interval=1.0,
    check_timeout=1.0,
    wait=2.0,
    request_timeout=2.0,
    resync_interval=0.5,
    backoff_initial=0.1,
    backoff_max=0.5,
    resolve_timeout=1.0,
    recovery_grace=6.0,
)


@pytest.fixture(scope="session")
def consul_binary() -> str:
    try:
        return find_consul()
    except ConsulMissing as exc:
        missing("Consul (make consul)", exc)


def _running(binary: str, extra_hcl: str = "") -> Iterator[ConsulAgent]:
    agent = ConsulAgent(binary, extra_hcl)
    agent.start()
    try:
        yield agent
    finally:
        agent.close()


@pytest.fixture(scope="session")
def consul_agent(consul_binary: str) -> Iterator[ConsulAgent]:
    """The shared dev agent. Tests use their own service names, so they never see each other."""
    yield from _running(consul_binary)


@pytest.fixture(scope="session")
def acl_agent(consul_binary: str) -> Iterator[ConsulAgent]:
    """A dev agent with ACLs on, denying by default."""
    yield from _running(consul_binary, ACL_HCL)


@pytest.fixture
def own_agent(consul_binary: str) -> Iterator[ConsulAgent]:
    """A dev agent that a test may stop and restart (not started yet)."""
    agent = ConsulAgent(consul_binary)
    try:
        yield agent
    finally:
        agent.close()


def config_for(agent: ConsulAgent, **changes: object) -> ConsulConfig:
    return replace(FAST, address=agent.http_addr, **changes)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def discovery(consul_agent: ConsulAgent) -> AsyncIterator[ConsulDiscovery]:
    found = ConsulDiscovery(config_for(consul_agent))
    await found.start()
    yield found
    await found.close()


@pytest.fixture
def service_name() -> str:
    return f"tripmesh-test-{uuid.uuid4().hex[:8]}"


class _Authorizing(grpc.aio.ServerInterceptor):
    """The services' caller check (services.runtime.authorization), on a plain server."""

    async def intercept_service(
        self, continuation: Any, handler_call_details: grpc.HandlerCallDetails
    ) -> Any:
        handler = await continuation(handler_call_details)
        check = caller_check(handler_call_details.method, "tripmesh-test")
        return handler if handler is None or check is None else guarded(handler, check)


class HealthServer:
    """A tiny real gRPC server with the standard health service, for Consul's check to call."""

    def __init__(self, files: tls.TlsFiles | None = None) -> None:
        self.servicer = health.aio.HealthServicer()
        self.port = 0
        self.files = files  # mTLS, as a service with TRIPMESH_TLS_* serves
        self._server: grpc.aio.Server | None = None

    async def start(self) -> "HealthServer":
        # With mTLS, callers are authorized by identity, as the services' servers do it.
        interceptors = [_Authorizing()] if self.files else []
        self._server = grpc.aio.server(interceptors=interceptors)
        health_pb2_grpc.add_HealthServicer_to_server(self.servicer, self._server)
        address = f"127.0.0.1:{self.port}"
        if self.files is None:
            self.port = self._server.add_insecure_port(address)
        else:
            # the services' credentials: the files' current certificate at each handshake
            credentials = tls_reload.server_credentials(tls_reload.watch(self.files))
            self.port = self._server.add_secure_port(address, credentials)
        await self._server.start()
        await self.servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop(0)
            self._server = None

    def registration(self, name: str, instance_id: str = "", **fields: object) -> Registration:
        instance_id = instance_id or f"{name}-{self.port}"
        return Registration(name, instance_id, "127.0.0.1", self.port, **fields)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def health_servers() -> AsyncIterator[Callable[[], Awaitable[HealthServer]]]:
    """A factory of started health servers, all stopped at the end."""
    started: list[HealthServer] = []

    async def make() -> HealthServer:
        server = HealthServer()
        started.append(server)
        return await server.start()

    yield make
    for server in started:
        await server.stop()


class Recorder:
    """An endpoints listener that remembers what it was told, and when."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, list[Endpoint]]] = []
        self._changed = asyncio.Event()

    def __call__(self, endpoints: list[Endpoint]) -> None:
        self.calls.append((time.monotonic(), endpoints))
        self._changed.set()

    @property
    def last(self) -> list[Endpoint]:
        return self.calls[-1][1] if self.calls else []

    async def until(self, condition: Callable[[list[Endpoint]], bool], within: float) -> float:
        """Waits until the latest endpoints satisfy `condition`; returns when that happened."""
        deadline = time.monotonic() + within
        while not (self.calls and condition(self.last)):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"not within {within}s; calls: {self.calls}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue
        return self.calls[-1][0]


def ports(endpoints: list[Endpoint]) -> set[int]:
    return {e.port for e in endpoints}
