"""For each of OpenAI, Gemini and Claude: a whole mesh (`tripmesh up`) whose only key is
that provider's, against its fake driven by the real SDK; a trip planned over HTTP uses
the model's answers in the itinerary, the tips and the savings, with no fallback, and its
`usage` counts the calls, tokens and cost the fake saw."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.llm.pricing import DEFAULT_PRICES
from services.llm.specs import DEFAULT_MODELS
from tests.fakes import FakeAnthropic, FakeGemini, FakeOpenAI
from tests.fakes.scripted import Call, Reply, ScriptedServer
from tests.fakes.trip_answers import (
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    anthropic_responder,
    gemini_responder,
    openai_responder,
)
from tests.support.processes import MeshProcess, base_env

pytestmark = pytest.mark.slow

# Over budget whatever the plan (two travellers, three days in Lisbon for 150 EUR), so
# that the budget agent asks for savings and the planner revises.
PLAN = {
    "destination": "Lisbon",
    "startDate": "2027-05-01",
    "days": 3,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": 150},
    "interests": ["food", "history"],
}


@dataclass
class Provider:
    kind: str
    fake: type[ScriptedServer]
    responder: Callable[[Call], Reply]
    key: str
    base_url: str


PROVIDERS = [
    Provider("openai", FakeOpenAI, openai_responder, "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    Provider("gemini", FakeGemini, gemini_responder, "GEMINI_API_KEY", "GEMINI_BASE_URL"),
    Provider(
        "anthropic", FakeAnthropic, anthropic_responder, "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"
    ),
]


@pytest.fixture(scope="module", params=PROVIDERS, ids=lambda p: p.kind)
def on_model(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Provider, ScriptedServer, MeshProcess]]:
    provider: Provider = request.param
    data = tmp_path_factory.mktemp(f"mesh-{provider.kind}")
    with provider.fake() as fake:
        fake.responder = provider.responder
        base_url = fake.url if provider.kind != "openai" else f"{fake.url}/v1"
        env = base_env(data, **{provider.key: "test-key", provider.base_url: base_url})
        mesh = MeshProcess(env).start(Path(data) / "up.log", timeout=120)
        try:
            yield provider, fake, mesh
        finally:
            mesh.stop()


def test_a_trip_uses_the_models_answers_and_counts_their_cost(
    on_model: tuple[Provider, ScriptedServer, MeshProcess],
) -> None:
    provider, fake, mesh = on_model
    before = fake.count()
    with httpx.Client(base_url=mesh.gateway_url, timeout=120) as http:
        response = http.post("/v1/trips:plan", json=PLAN)
    assert response.status_code == 200, response.text
    trip = response.json()

    assert not [w for w in trip["warnings"] if "did not answer" in w], trip["warnings"]
    # The second revision could cut nothing more: accepted, and the trip says so.
    assert any(w.startswith("Nothing is left to cut") for w in trip["warnings"])
    assert not trip["estimate"]["withinBudget"]
    titles = [a["title"] for d in trip["itinerary"]["days"] for a in d["activities"]]
    assert titles
    assert all(t.startswith("Model revised Model pick") for t in titles), titles
    assert [t["text"] for t in trip["guide"]["tips"]][:4] == [
        f"Model tip on {c}." for c in ("etiquette", "safety", "season", "money")
    ]
    assert trip["estimate"]["savings"], (trip["estimate"], trip["warnings"])
    assert all(s.startswith("Model saving") for s in trip["estimate"]["savings"])
    calls = fake.count() - before
    assert calls >= 5  # draft, advice, savings, revision, savings again
    price = DEFAULT_PRICES[DEFAULT_MODELS[provider.kind]]
    usage = trip["usage"]
    assert usage["modelCalls"] == calls
    assert (usage["inputTokens"], usage["outputTokens"]) == (
        str(calls * INPUT_TOKENS),
        str(calls * OUTPUT_TOKENS),
    )
    cost = calls * (INPUT_TOKENS * price.input + OUTPUT_TOKENS * price.output) / 1e6
    assert usage["costUsd"] == pytest.approx(cost)
