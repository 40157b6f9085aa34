"""The NetworkPolicies allow exactly the calls of DESIGN.md's data flow, and no others."""

from collections.abc import Callable
from itertools import product
from typing import Any

import pytest

from registry.known_services import KNOWN_SERVICES
from tests.unit.k8s.manifests import CONSUL_CLIENT, CONSUL_NAMESPACE, OVERLAYS, Doc, by_kind

Render = Callable[[str], tuple[Doc, ...]]
AGENTS = {"planner", "budget", "guide"}
EVERYONE = set(KNOWN_SERVICES)

EXPECTED = (
    {("gateway", s) for s in ("orchestrator", "tool-registry", "task-router")}
    | {("orchestrator", a) for a in AGENTS}
    | {(a, s) for a in AGENTS for s in ("task-router", "tool-registry")}
    | {("task-router", s) for s in (*AGENTS, "tool-registry")}
    | {(s, "performance-monitor") for s in EVERYONE}
)


def _labels(docs: tuple[Doc, ...]) -> dict[str, dict[str, str]]:
    return {
        name: d["spec"]["template"]["metadata"]["labels"]
        for name, d in by_kind(docs, "Deployment").items()
    }


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert not selector.get("matchExpressions"), "keep selectors to matchLabels"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def _peer_allows(peers: list[dict[str, Any]], labels: dict[str, str]) -> bool:
    """Whether a rule's from/to list admits a pod of this namespace with `labels`."""
    return any(
        "podSelector" in peer
        and "namespaceSelector" not in peer
        and _selects(peer["podSelector"], labels)
        for peer in peers
    )


def _port_allows(ports: list[dict[str, Any]] | None, port: int) -> bool:
    return ports is None or any(p["port"] in ("grpc", port) for p in ports)


def _allowed(docs: tuple[Doc, ...], direction: str, pod: str, peer: str, port: int) -> bool:
    labels = _labels(docs)
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in by_kind(docs, "NetworkPolicy").values():
        spec = policy["spec"]
        if direction not in spec["policyTypes"] or not _selects(spec["podSelector"], labels[pod]):
            continue
        for rule in spec.get(key, []):
            if _peer_allows(rule.get(peers_key, []), labels[peer]) and _port_allows(
                rule.get("ports"), port
            ):
                return True
    return False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_data_flow_is_allowed(rendered: Render, overlay: str) -> None:
    docs = rendered(overlay)
    allowed = set()
    for caller, callee in product(EVERYONE, EVERYONE):
        port = KNOWN_SERVICES[callee].port
        if _allowed(docs, "Egress", caller, callee, port) and _allowed(
            docs, "Ingress", callee, caller, port
        ):
            allowed.add((caller, callee))
    assert allowed == EXPECTED, {
        "missing": sorted(EXPECTED - allowed),
        "unexpected": sorted(allowed - EXPECTED),
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_whoever_calls_models_reaches_https_outside_the_cluster_and_no_one_else(
    rendered: Render, overlay: str
) -> None:
    """The model providers are HTTPS outside the cluster: the agents and the orchestrator (A2A
    sentences) call them, with the keys test_secrets_reach_only_the_services_that_need_them
    checks."""
    docs = rendered(overlay)
    labels = _labels(docs)
    outside = set()
    for policy in by_kind(docs, "NetworkPolicy").values():
        spec = policy["spec"]
        for rule in spec.get("egress", []):
            blocks = [peer["ipBlock"] for peer in rule.get("to", []) if "ipBlock" in peer]
            https = {"protocol": "TCP", "port": 443} in (rule.get("ports") or [])
            if https and any(block["cidr"] == "0.0.0.0/0" for block in blocks):
                outside |= {n for n, lbl in labels.items() if _selects(spec["podSelector"], lbl)}
    assert outside == {*AGENTS, "orchestrator"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_everything_else_is_denied(rendered: Render, overlay: str) -> None:
    policies = by_kind(rendered(overlay), "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {}
    assert sorted(deny["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in deny
    assert "egress" not in deny


CONSUL_SERVER = {**CONSUL_CLIENT, "component": "server"}


def _admits_from(
    docs: tuple[Doc, ...], pod: str, namespace: str, labels: dict[str, str], port: str
) -> bool:
    """Whether an ingress rule lets a pod with `labels` in `namespace` reach `pod`'s `port`."""
    pod_labels = _labels(docs)[pod]
    for policy in by_kind(docs, "NetworkPolicy").values():
        spec = policy["spec"]
        if "Ingress" not in spec["policyTypes"] or not _selects(spec["podSelector"], pod_labels):
            continue
        for rule in spec.get("ingress", []):
            ports = rule.get("ports")
            if ports is not None and not any(p["port"] == port for p in ports):
                continue
            for peer in rule.get("from", []):
                if "namespaceSelector" in peer and (
                    _selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": namespace})
                    and _selects(peer.get("podSelector", {}), labels)
                ):
                    return True
    return False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_consul_client_agents_and_not_its_servers_reach_the_checked_ports(
    rendered: Render, overlay: str
) -> None:
    """The agents run each instance's check: gRPC, or HTTP(S) on the gateway's port."""
    docs = rendered(overlay)
    for name, service in KNOWN_SERVICES.items():
        port = "grpc" if service.proto_service else "http"
        assert _admits_from(docs, name, CONSUL_NAMESPACE, CONSUL_CLIENT, port), name
        assert not _admits_from(docs, name, CONSUL_NAMESPACE, CONSUL_SERVER, port), name
        assert not _admits_from(docs, name, "elsewhere", CONSUL_CLIENT, port), name
