"""Per-key model budgets across a mesh of processes: the gateway names the key, every hop
passes it on, and the agents' model chains charge one ledger in the shared state."""

import concurrent.futures
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import jsonschema
import pytest

from registry import known_service
from tests.fakes import FakeOpenAI
from tests.integration.gateway.test_mesh_end_to_end import PLAN
from tests.support.ports import free_port_offset
from tests.support.processes import ROOT, ServiceProcess, base_env
from tests.support.redis_state import StateSpace

KEY = "budget-test-key-0123456789"
# 1000 tokens in and 200 out at 100 USD per million tokens: 0.12 USD a call.
CALL_USD = 0.12
BUDGET_USD = 5 * CALL_USD
MEMBERS = ("planner", "budget", "guide", "orchestrator", "gateway")


@dataclass
class BudgetMesh:
    gateway: ServiceProcess
    fake: FakeOpenAI
    offset: int  # the well-known ports plus this: `tripmesh status --port-offset`


def mesh_with(state: StateSpace, tmp_path: Path, **extra: str) -> Iterator[BudgetMesh]:
    key_file = tmp_path / "keys.yaml"
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    key_file.write_text(
        json.dumps({"keys": [{"name": "app", "key_hash": digest, "usd_per_day": BUDGET_USD}]})
    )
    with FakeOpenAI() as fake:
        # Answers cut short, so not what the task asks: billed, then the chain goes offline.
        fake.default = FakeOpenAI.answer(
            '{"travel_style": "bud',
            finish_reason="length",
            prompt_tokens=1000,
            completion_tokens=200,
        )
        offset = free_port_offset()
        members = {
            name: ServiceProcess(name, {}, port=known_service(name).port + offset)
            for name in MEMBERS
        }
        env = base_env(
            tmp_path,
            **state.env,
            TRIPMESH_ENDPOINTS=",".join(f"{p.name}={p.address}" for p in members.values()),
            TRIPMESH_API_KEY_FILE=str(key_file),
            TRIPMESH_MODELS="openai:gpt-4.1-mini,offline",
            OPENAI_API_KEY="test-key",
            OPENAI_BASE_URL=fake.base_url,
            TRIPMESH_LLM_PRICES=json.dumps({"gpt-4.1-mini": {"input": 100, "output": 100}}),
            TRIPMESH_LLM_MAX_OUTPUT_TOKENS="1000",
            TRIPMESH_LLM_REASKS="0",
            TRIPMESH_LLM_BREAKER_FAILURES="1000",
            ENABLE_PERFORMANCE_MONITORING="false",
            **extra,
        )
        running = [
            ServiceProcess(p.name, env, port=p.port).start(tmp_path) for p in members.values()
        ]
        try:
            for process in running:
                process.wait_serving(120)
            yield BudgetMesh(running[-1], fake, offset)
        finally:
            for process in running:
                process.stop()


@pytest.fixture
def offline_when_spent(state: StateSpace, tmp_path: Path) -> Iterator[BudgetMesh]:
    yield from mesh_with(state, tmp_path)


def plan(mesh: BudgetMesh) -> httpx.Response:
    url = f"http://{mesh.gateway.address}/v1/trips:plan"
    return httpx.post(url, json=PLAN, headers={"x-api-key": KEY}, timeout=120)


def spent_today(state: StateSpace) -> float:
    with state.client() as redis:
        return sum(int(redis.get(k) or 0) for k in redis.scan_iter(f"{state.prefix}spend:*")) / 1e6


@pytest.mark.timeout(300)
def test_twenty_concurrent_trips_never_overspend_and_the_rest_plan_offline(
    offline_when_spent: BudgetMesh, state: StateSpace, tmp_path: Path
) -> None:
    mesh = offline_when_spent
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(lambda _: plan(mesh), range(20)))
    refused = [r.text for r in replies if r.status_code != 200][:1]
    assert [r.status_code for r in replies] == [200] * 20, refused
    spent = spent_today(state)
    assert spent <= BUDGET_USD + 1e-9
    assert spent == pytest.approx(mesh.fake.count() * CALL_USD)  # reconciled to the real cost
    assert 1 <= mesh.fake.count() <= 5
    warnings = [w for r in replies for w in r.json()["warnings"]]
    assert any("model budget of key app is spent" in w for w in warnings)

    me = httpx.get(f"http://{mesh.gateway.address}/v1/keys/me", headers={"x-api-key": KEY})
    assert me.status_code == 200
    body = me.json()
    assert (body["name"], body["usdPerDay"]) == ("app", BUDGET_USD)
    assert body["spentUsdToday"] == pytest.approx(spent)
    assert body["remainingUsdToday"] == pytest.approx(BUDGET_USD - spent)
    assert body["resetTime"].endswith("T00:00:00Z")
    document = httpx.get(f"http://{mesh.gateway.address}/openapi.json").json()
    operation = document["paths"]["/v1/keys/me"]["get"]
    jsonschema.validate(
        body, operation["responses"]["200"]["content"]["application/json"]["schema"]
    )

    # This mesh runs no monitor, router or registry: trips are served, and status says so.
    status = status_of(mesh, tmp_path)
    assert status.returncode == 0, status.stdout + status.stderr
    last = status.stdout.strip().splitlines()[-1]
    assert last.startswith("mesh: DEGRADED, trips are served")
    for name in ("performance-monitor", "task-router", "tool-registry"):
        assert name in last


def status_of(mesh: BudgetMesh, data_dir: Path) -> subprocess.CompletedProcess[str]:
    command = ["status", "--port-offset", str(mesh.offset)]
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *command],
        cwd=ROOT,
        env=base_env(data_dir),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
