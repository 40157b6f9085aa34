"""Small planner, budget and guide servicers the tests control, on the real runtime.

Allowed here only to test the workflow's own logic (parallelism, revisions,
degraded answers, idempotency); the real agents are tested end to end in
tests/integration/orchestrator.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.duration_pb2 import Duration
from google.type.money_pb2 import Money
from tripmesh.v1 import (
    budget_service_pb2_grpc,
    guide_service_pb2_grpc,
    planner_service_pb2_grpc,
)
from tripmesh.v1.budget_service_pb2 import EstimateBudgetRequest, EstimateBudgetResponse
from tripmesh.v1.guide_service_pb2 import GetAdviceRequest, GetAdviceResponse
from tripmesh.v1.planner_service_pb2 import (
    DraftItineraryRequest,
    DraftItineraryResponse,
    ReviseItineraryRequest,
    ReviseItineraryResponse,
)
from tripmesh.v1.trip_pb2 import (
    Activity,
    BudgetEstimate,
    GuideAdvice,
    Itinerary,
    ItineraryDay,
    LineItem,
    Place,
    Tip,
    Usage,
)

from registry import known_service
from services.orchestrator.server import create_server
from services.runtime.errors import TripmeshError
from services.runtime.server import ServiceContext, ServiceServer, build_server
from tests.support.settings import load_settings

Context = grpc.aio.ServicerContext[Any, Any]


@dataclass
class Behaviour:
    """How a test agent answers: after a delay, or with a typed error; what it was asked."""

    delay: float = 0.0
    error: TripmeshError | None = None
    calls: list[Any] = field(default_factory=list)
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)
    spans: list[tuple[float, float]] = field(default_factory=list)  # (start, end), loop time

    async def act(self, request: Any) -> None:
        self.calls.append(request)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        finally:
            self.spans.append((started, loop.time()))
        if self.error is not None:
            raise self.error


def usage(calls: int = 1) -> Usage:
    return Usage(model_calls=calls, input_tokens=100, output_tokens=50, cost_usd=0.01)


def eur(units: int) -> Money:
    return Money(currency_code="EUR", units=units)


def itinerary(days: int, cost: int) -> Itinerary:
    activity = Activity(title="Tram 28", category="history", start_time="09:30", cost=eur(cost))
    activity.duration.CopyFrom(Duration(seconds=5400))
    return Itinerary(
        days=[ItineraryDay(date=f"2027-05-0{d + 1}", activities=[activity]) for d in range(days)],
        destination=Place(name="Lisbon", country="Portugal"),
    )


class Planner(planner_service_pb2_grpc.PlannerServiceServicer):
    def __init__(self) -> None:
        self.draft = Behaviour()
        self.revise = Behaviour()

    async def DraftItinerary(
        self, request: DraftItineraryRequest, context: Context
    ) -> DraftItineraryResponse:
        await self.draft.act(request)
        return DraftItineraryResponse(
            itinerary=itinerary(request.trip.days, 100), warnings=["drafted"], usage=usage()
        )

    async def ReviseItinerary(
        self, request: ReviseItineraryRequest, context: Context
    ) -> ReviseItineraryResponse:
        await self.revise.act(request)
        return ReviseItineraryResponse(
            itinerary=itinerary(len(request.itinerary.days), 50), usage=usage()
        )


class Budget(budget_service_pb2_grpc.BudgetServiceServicer):
    """Prices by a script of totals (one per call, the last repeating)."""

    def __init__(self) -> None:
        self.estimate = Behaviour()
        self.totals = [1500]

    async def EstimateBudget(
        self, request: EstimateBudgetRequest, context: Context
    ) -> EstimateBudgetResponse:
        await self.estimate.act(request)
        total = self.totals[min(len(self.estimate.calls), len(self.totals)) - 1]
        budget = request.trip.budget.units
        estimate = BudgetEstimate(
            total=eur(total),
            line_items=[
                LineItem(category="lodging", amount=eur(total - total // 4)),
                LineItem(category="food", amount=eur(total // 4)),
            ],
            within_budget=total <= budget,
            remaining=eur(budget - total),
        )
        return EstimateBudgetResponse(estimate=estimate, usage=usage())


class Guide(guide_service_pb2_grpc.GuideServiceServicer):
    def __init__(self) -> None:
        self.advise = Behaviour()

    async def GetAdvice(self, request: GetAdviceRequest, context: Context) -> GetAdviceResponse:
        await self.advise.act(request)
        advice = GuideAdvice(tips=[Tip(category="etiquette", text="Say obrigado.")])
        return GetAdviceResponse(guide=advice, usage=usage())


@dataclass
class AgentMesh:
    planner: Planner
    budget: Budget
    guide: Guide
    orchestrator: ServiceServer
    port: int
    agent_ports: dict[str, int]


async def _start_agent(name: str, servicer: Any, add: Any) -> tuple[ServiceServer, int]:
    async def install(server: grpc.aio.Server, context: ServiceContext) -> None:
        add(servicer, server)

    settings = load_settings(port=0, grace_period=0.5)
    server, port = await build_server(known_service(name), settings, install)
    await server.start()
    return server, port


@asynccontextmanager
async def agent_mesh(**settings: Any) -> AsyncIterator[AgentMesh]:
    """Test agents and a real orchestrator, in this event loop, on free ports."""
    planner, budget, guide = Planner(), Budget(), Guide()
    async with AsyncExitStack() as stack:
        ports: dict[str, int] = {}
        for name, servicer, add in (
            ("planner", planner, planner_service_pb2_grpc.add_PlannerServiceServicer_to_server),
            ("budget", budget, budget_service_pb2_grpc.add_BudgetServiceServicer_to_server),
            ("guide", guide, guide_service_pb2_grpc.add_GuideServiceServicer_to_server),
        ):
            server, ports[name] = await _start_agent(name, servicer, add)
            stack.push_async_callback(server.drain)
        endpoints = ",".join(f"{name}=127.0.0.1:{port}" for name, port in ports.items())
        options: dict[str, Any] = {"port": 0, "grace_period": 0.5, "endpoints": endpoints}
        orchestrator, port = await create_server(load_settings(**{**options, **settings}))
        await orchestrator.start()
        stack.push_async_callback(orchestrator.drain)
        yield AgentMesh(planner, budget, guide, orchestrator, port, ports)
