"""A planner process whose first model answers "input too long": the next model drafts the
itinerary, and the first one's breaker stays closed (its Prometheus gauge reads 0)."""

from pathlib import Path

import grpc
import httpx
from tripmesh.v1 import planner_service_pb2, planner_service_pb2_grpc, trip_pb2

from tests.fakes import FakeAnthropic, FakeOpenAI
from tests.fakes.trip_answers import anthropic_responder
from tests.support.processes import ServiceProcess, base_env

OPENAI, CLAUDE = "openai:gpt-4.1-mini", "anthropic:claude-haiku-4-5"
TRIP = trip_pb2.PlanTripRequest(
    destination="Porto, Portugal",
    start_date="2027-06-10",
    days=2,
    travelers=1,
    budget={"currency_code": "EUR", "units": 1500},
    interests=["food"],
)


def test_a_context_window_error_moves_to_the_next_model_and_the_breaker_stays_closed(
    tmp_path: Path,
) -> None:
    with FakeOpenAI() as openai_fake, FakeAnthropic() as anthropic_fake:
        openai_fake.default = FakeOpenAI.too_long()
        anthropic_fake.responder = anthropic_responder
        env = base_env(
            tmp_path,
            TRIPMESH_MODELS=f"{OPENAI},{CLAUDE},offline",
            TRIPMESH_LLM_BREAKER_FAILURES="1",  # one counted failure would open it
            OPENAI_API_KEY="test-key",
            OPENAI_BASE_URL=openai_fake.base_url,
            ANTHROPIC_API_KEY="test-key",
            ANTHROPIC_BASE_URL=anthropic_fake.base_url,
            ENABLE_PERFORMANCE_MONITORING="false",
        )
        planner = ServiceProcess("planner", env).start(tmp_path).wait_serving(timeout=90)
        try:
            replies = [_draft(planner.port) for _ in range(2)]
            metrics = httpx.get(f"http://127.0.0.1:{planner.metrics_port}/metrics").text
        finally:
            planner.stop()

    for reply in replies:
        titles = [a.title for d in reply.itinerary.days for a in d.activities]
        assert all(t.startswith("Model pick") for t in titles), titles
        assert f"model {OPENAI} did not answer (context_window); fell back to {CLAUDE}" in (
            reply.warnings
        )
    assert openai_fake.count() == 2  # asked both times: the breaker never opened
    assert f'tripmesh_llm_breaker_state{{provider="{OPENAI}"}} 0.0' in metrics


def _draft(port: int) -> planner_service_pb2.DraftItineraryResponse:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = planner_service_pb2_grpc.PlannerServiceStub(channel)
        request = planner_service_pb2.DraftItineraryRequest(trip=TRIP)
        return stub.DraftItinerary(request, timeout=60)  # type: ignore[no-any-return]
