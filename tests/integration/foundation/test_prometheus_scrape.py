"""A real Prometheus (Debian's, from `make promtool`) scrapes a running mesh: every process
is a target that is up, and the shipped rules evaluate over what it scraped."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml  # type: ignore[import-untyped]

from registry import KNOWN_SERVICES
from tests.support.meshes import trip_request
from tests.support.ports import free_port
from tests.support.processes import MeshProcess
from tests.unit.observability.promtool import OBSERVABILITY, prometheus_binary, write_rules

pytestmark = pytest.mark.slow
WAIT = 60.0


def scrape_config(mesh: MeshProcess, rules: Path) -> dict[str, Any]:
    """One job per service, named by its discovery name, as the rules expect."""
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules)],
        "scrape_configs": [
            {
                "job_name": service.discovery_name,
                "static_configs": [
                    {"targets": [f"127.0.0.1:{service.metrics_port + mesh.offset}"]}
                ],
            }
            for service in KNOWN_SERVICES.values()
        ],
    }


@pytest.fixture
def prometheus(mesh: MeshProcess, tmp_path: Path) -> Iterator[str]:
    binary = prometheus_binary("prometheus")
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(scrape_config(mesh, write_rules(tmp_path))))
    address = f"127.0.0.1:{free_port()}"
    with (tmp_path / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address={address}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://{address}"
    finally:
        process.terminate()
        process.wait(15)


def eventually(check: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if found := check():
                return found
        except (httpx.HTTPError, ValueError):
            pass  # Prometheus is still starting (no answer yet, or not JSON yet)
        time.sleep(0.5)
    raise AssertionError(f"not within {WAIT} s: {what}")


def test_prometheus_scrapes_every_process_and_evaluates_the_rules(
    mesh: MeshProcess, prometheus: str
) -> None:
    def targets_up() -> dict[str, str] | None:
        active = httpx.get(f"{prometheus}/api/v1/targets").json()["data"]["activeTargets"]
        health = {t["labels"]["job"]: t["health"] for t in active}
        return health if len(health) == 8 and set(health.values()) == {"up"} else None

    health = eventually(targets_up, "eight targets up")
    assert set(health) == {s.discovery_name for s in KNOWN_SERVICES.values()}

    plan = f"{mesh.gateway_url}/v1/trips:plan"
    query = {"query": 'tripmesh:grpc_server_requests:rate5m{grpc_method="DraftItinerary"} > 0'}

    def planner_rate() -> list[dict[str, Any]]:
        # a trip per look: a rate needs the counter to grow between two scrapes
        httpx.post(plan, json=trip_request("Lisbon", days=2, budget_eur=1500), timeout=60)
        reply = httpx.get(f"{prometheus}/api/v1/query", params=query).json()
        result: list[dict[str, Any]] = reply["data"]["result"]
        return result

    (rate,) = eventually(planner_rate, "the recording rule's rate of DraftItinerary")
    assert rate["metric"]["grpc_service"] == "tripmesh.v1.PlannerService"

    groups = httpx.get(f"{prometheus}/api/v1/rules").json()["data"]["groups"]
    evaluated = [rule for group in groups for rule in group["rules"]]
    shipped = yaml.safe_load((OBSERVABILITY / "prometheus-rule.yaml").read_text())["spec"]
    assert len(evaluated) == sum(len(group["rules"]) for group in shipped["groups"])
    assert all(rule["health"] == "ok" for rule in evaluated), evaluated
