"""The prod overlay runs the shared state (Redis with a volume), points the services that
share state at it, runs the orchestrator twice on PostgreSQL, and lets only them reach it."""

from collections.abc import Callable

from tests.unit.k8s.manifests import Doc, by_kind, container

Render = Callable[[str], tuple[Doc, ...]]
STATE_CLIENTS = {
    "gateway",
    "tool-registry",
    "performance-monitor",
    "planner",
    "budget",
    "guide",
    "orchestrator",
}


def test_prod_shares_state_in_a_redis_with_a_volume(rendered: Render) -> None:
    docs = rendered("overlays/prod")
    (state,) = by_kind(docs, "StatefulSet").values()
    claim = state["spec"]["volumeClaimTemplates"][0]
    mounts = container(state)["volumeMounts"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/data"} in mounts
    assert "--appendonly" in container(state)["args"]
    service = by_kind(docs, "Service")[state["spec"]["serviceName"]]
    assert service["spec"]["ports"][0]["port"] == 6379
    urls = {
        name: {e["name"]: e.get("value") for e in container(d)["env"]}.get("TRIPMESH_STATE_URL")
        for name, d in by_kind(docs, "Deployment").items()
    }
    expected = f"redis://{service['metadata']['name']}:6379/1"
    assert {name for name, url in urls.items() if url == expected} == STATE_CLIENTS
    assert not {name for name, url in urls.items() if url and url != expected}


def test_prod_runs_two_orchestrators_on_postgres(rendered: Render) -> None:
    docs = rendered("overlays/prod")
    orchestrator = by_kind(docs, "Deployment")["orchestrator"]
    assert orchestrator["spec"]["replicas"] == 2
    env = {e["name"] for e in container(orchestrator)["env"]}
    assert "TRIPMESH_DATABASE_URL" in env
    config = next(iter(by_kind(docs, "ConfigMap").values()))["data"]
    assert config["TRIPMESH_TRIP_STORE"] == "postgres"


def test_only_the_state_clients_reach_redis(rendered: Render) -> None:
    docs = rendered("overlays/prod")
    policies = by_kind(docs, "NetworkPolicy")
    labels = {
        name: d["spec"]["template"]["metadata"]["labels"]
        for name, d in by_kind(docs, "Deployment").items()
    }
    (rule,) = policies["tripmesh-state-ingress"]["spec"]["ingress"]
    (peer,) = rule["from"]
    selector = peer["podSelector"]["matchLabels"]
    admitted = {n for n, pod in labels.items() if selector.items() <= pod.items()}
    assert admitted == STATE_CLIENTS
    egress = policies["state-clients-egress"]["spec"]
    assert egress["podSelector"]["matchLabels"] == selector
    assert egress["egress"][0]["ports"] == [{"protocol": "TCP", "port": 6379}]
