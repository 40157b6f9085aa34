"""What each process of a running mesh exports: trip series in the orchestrator, model series
only where models are called, instances named host:port, and no family without samples."""

import re

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from registry import KNOWN_SERVICES
from tests.support.meshes import trip_request
from tests.support.processes import MeshProcess

pytestmark = pytest.mark.slow

# the agents, and the orchestrator, which reads A2A sentences with its own model chain
MODEL_CALLERS = {"planner", "budget", "guide", "orchestrator"}
HOST_PORT = re.compile(r"^[0-9a-z.\-]+:[0-9]{2,5}$|^\[[0-9a-f:]+\]:[0-9]{2,5}$")


def scrape(url: str) -> dict[str, list[tuple[str, dict[str, str], float]]]:
    """Family name → its samples (name, labels, value)."""
    text = httpx.get(url, timeout=10).text
    return {
        family.name: [(s.name, s.labels, s.value) for s in family.samples]
        for family in text_string_to_metric_families(text)
    }


def metrics_url(mesh: MeshProcess, name: str) -> str:
    service = KNOWN_SERVICES[name]
    return f"http://127.0.0.1:{service.metrics_port + mesh.offset}/metrics"


@pytest.fixture(scope="module")
def exported(mesh: MeshProcess) -> dict[str, dict[str, list[tuple[str, dict[str, str], float]]]]:
    trip = trip_request("Lisbon", days=2, budget_eur=1500)
    assert httpx.post(f"{mesh.gateway_url}/v1/trips:plan", json=trip, timeout=60).is_success
    return {name: scrape(metrics_url(mesh, name)) for name in KNOWN_SERVICES}


def test_no_process_exports_a_family_without_samples(exported: dict) -> None:  # type: ignore[type-arg]
    for service, families in exported.items():
        empty = [name for name, samples in families.items() if not samples]
        assert not empty, f"{service} exports empty families {empty}"
    assert not [f for f in exported["gateway"] if f.startswith("grpc_server")]


def test_model_metrics_only_where_models_are_called(exported: dict) -> None:  # type: ignore[type-arg]
    for service, families in exported.items():
        model_families = [f for f in families if f.startswith("tripmesh_llm_")]
        if service in MODEL_CALLERS:
            assert "tripmesh_llm_offline_only" in model_families, service  # it has a chain
        else:
            assert not model_families, f"{service} exports {model_families}"


def test_trip_series_in_the_orchestrator(exported: dict) -> None:  # type: ignore[type-arg]
    families = exported["orchestrator"]
    outcomes = {
        s[1]["outcome"]: s[2] for s in families["tripmesh_trips"] if s[0].endswith("_total")
    }
    assert set(outcomes) == {"planned", "rejected", "failed", "cancelled"}
    assert outcomes["planned"] >= 1
    count = [s[2] for s in families["tripmesh_trip_duration_seconds"] if s[0].endswith("_count")]
    assert count[0] >= 1
    assert "tripmesh_trips_over_budget" in families
    assert "tripmesh_trip_revisions" in families


def test_instances_are_named_host_port(exported: dict) -> None:  # type: ignore[type-arg]
    instances = {
        labels["instance"]
        for families in exported.values()
        for samples in families.values()
        for _, labels, _ in samples
        if "instance" in labels
    }
    assert instances, "the router labels its provider calls by instance"
    assert all(HOST_PORT.match(i) for i in instances), instances
