"""A probe upstream (a real gRPC server on the shared runtime) and the gateway in-process.

The probe serves OrchestratorService and records what reaches it (request,
metadata, cancellation); its behaviour is chosen by the request's destination,
so that one server covers every path the gateway must handle.
"""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
import httpx
import uvicorn
from tripmesh.v1 import orchestrator_service_pb2 as orchestrator
from tripmesh.v1 import orchestrator_service_pb2_grpc, trip_pb2

from gateway.app import Gateway, create_app
from gateway.wire import GatewayProtocol
from registry import KNOWN_SERVICES, known_service
from services.runtime import errors
from services.runtime.server import ServiceContext, ServiceServer, build_server
from tests.support.inprocess import running_server
from tests.support.ports import free_port
from tests.support.settings import Settings, load_settings


@dataclass
class Probe:
    """What the probe saw."""

    requests: list[Any] = field(default_factory=list)
    metadata: list[dict[str, str]] = field(default_factory=list)
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)

    def seen(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        self.requests.append(request)
        self.metadata.append({k: v for k, v in context.invocation_metadata() or ()})


class ProbeOrchestrator(orchestrator_service_pb2_grpc.OrchestratorServiceServicer):
    """PlanTrip and StreamPlanTrip answer by destination: "slow", "crash", "busy", "fail", ..."""

    def __init__(self, probe: Probe) -> None:
        self.probe = probe

    async def PlanTrip(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        self.probe.seen(request, context)
        if request.destination == "slow":
            await self._wait_to_be_cancelled()
        if request.destination == "crash":
            raise RuntimeError("a bug")
        if request.destination == "busy":
            raise errors.ResourceExhausted("busy", reason="BUSY", retry_after=3.0)
        return trip_pb2.Trip(name="trips/probe", request=request)

    async def StreamPlanTrip(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Any]:
        self.probe.seen(request, context)
        if request.destination == "early-fail":
            raise errors.InvalidArgument("no such place", reason="UNKNOWN_DESTINATION")
        for stage in (1, 2, 3):
            yield orchestrator.StreamPlanTripResponse(
                stage=stage, message=f"step {stage}", trip=trip_pb2.Trip(name="trips/probe")
            )
            if request.destination == "slow":
                await self._wait_to_be_cancelled()
        if request.destination == "fail":
            raise errors.Unavailable("planner went away", reason="UPSTREAM_DOWN")

    async def GetTrip(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        self.probe.seen(request, context)
        if request.name != "trips/known":
            raise errors.NotFound(f"{request.name} does not exist", reason="TRIP_NOT_FOUND")
        return trip_pb2.Trip(name=request.name)

    async def ListTrips(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        self.probe.seen(request, context)
        return orchestrator.ListTripsResponse(
            next_page_token=f"{request.page_size}/{request.page_token}"
        )

    async def _wait_to_be_cancelled(self) -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.probe.cancelled.set()
            raise


@asynccontextmanager
async def running_probe() -> AsyncIterator[tuple[Probe, int]]:
    """The probe orchestrator on a free port."""
    probe = Probe()

    async def install(server: grpc.aio.Server, context: ServiceContext) -> None:
        orchestrator_service_pb2_grpc.add_OrchestratorServiceServicer_to_server(
            ProbeOrchestrator(probe), server
        )

    async def create(settings: Settings) -> tuple[ServiceServer, int]:
        return await build_server(known_service("orchestrator"), settings, install)

    async with running_server(create) as (_server, port):
        yield probe, port


def endpoints(**ports: int) -> str:
    """TRIPMESH_ENDPOINTS with the given services, every other at a port nobody listens on."""
    dead = free_port()
    names = [s.name for s in KNOWN_SERVICES.values() if s.proto_service]
    return ",".join(f"{name}=127.0.0.1:{ports.get(name.replace('-', '_'), dead)}" for name in names)


@asynccontextmanager
async def running_gateway(**settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway on uvicorn in this event loop, and an HTTP client of it."""
    async with serving(create_app(load_settings(**settings))) as client:
        yield client


@asynccontextmanager
async def serving(app: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """`app` on uvicorn in this event loop, and an HTTP client of it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, http=GatewayProtocol, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        await task
        sock.close()
