"""Limits hold across replicas when they share their state (TRIPMESH_STATE_URL)."""

import concurrent.futures
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from tripmesh.v1 import planner_service_pb2, planner_service_pb2_grpc

from tests.fakes import FakeGemini
from tests.integration.agents.test_agents_over_grpc import TRIP
from tests.support.processes import ServiceProcess, base_env
from tests.support.redis_state import StateSpace

KEYS = ("key-one-0123456789", "key-two-0123456789")


@pytest.fixture
def two_gateways(state: StateSpace, tmp_path: Path) -> Iterator[list[ServiceProcess]]:
    """Two gateways with 30 requests a minute per key; no upstream is needed to count 429s."""
    env = base_env(
        tmp_path, **state.env, TRIPMESH_RATE_LIMIT="30", TRIPMESH_API_KEYS=",".join(KEYS)
    )
    gateways = [ServiceProcess("gateway", env).start(tmp_path) for _ in range(2)]
    try:
        yield [g.wait_serving() for g in gateways]
    finally:
        for gateway in gateways:
            gateway.stop()


def test_two_gateways_admit_the_rate_limit_once_not_once_each(
    two_gateways: list[ServiceProcess],
) -> None:
    def status(i: int, key: str) -> int:
        gateway = two_gateways[i % 2]
        url = f"http://{gateway.address}/v1/trips/unknown"
        return httpx.get(url, headers={"x-api-key": key}, timeout=10).status_code

    first = [status(i, KEYS[0]) for i in range(100)]
    admitted = sum(code != 429 for code in first)
    assert 30 <= admitted <= 30 + len(two_gateways)
    assert first[:30].count(429) == 0
    second = [status(i, KEYS[1]) for i in range(10)]
    assert 429 not in second  # the other key has a window of its own


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    with FakeGemini() as fake:
        yield fake


def test_gemini_rate_limit_holds_across_three_planners(
    state: StateSpace, fake_gemini: FakeGemini, tmp_path: Path
) -> None:
    """Each planner alone would let its burst of 10 through at once: 30 calls in all."""
    env = base_env(
        tmp_path,
        **state.env,
        TRIPMESH_MODELS="gemini:gemini-2.5-flash,offline",
        GEMINI_API_KEY="test-key",
        GEMINI_BASE_URL=fake_gemini.base_url,
        GEMINI_API_RATE_LIMIT="10",
        GEMINI_RETRY_ATTEMPTS="1",
        TRIPMESH_LLM_RATE_BURST="10",
        TRIPMESH_LLM_MAX_WAIT="0",
        TRIPMESH_LLM_BREAKER_FAILURES="1000",
        ENABLE_PERFORMANCE_MONITORING="false",
    )
    planners = [ServiceProcess("planner", env).start(tmp_path) for _ in range(3)]
    try:
        for planner in planners:
            planner.wait_serving(timeout=90)

        def draft(i: int) -> str:
            address = planners[i % 3].address
            with grpc.insecure_channel(address) as channel:
                stub = planner_service_pb2_grpc.PlannerServiceStub(channel)
                request = planner_service_pb2.DraftItineraryRequest(trip=TRIP)
                return stub.DraftItinerary(request, timeout=30).itinerary.days[0].date

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            dates = list(pool.map(draft, range(30)))
    finally:
        for planner in planners:
            planner.stop()
    assert dates == ["2027-06-10"] * 30  # the offline engine answered what Gemini did not
    assert 1 <= fake_gemini.count() <= 10
