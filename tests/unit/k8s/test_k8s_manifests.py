"""Every overlay renders, validates against Kubernetes' schemas, and matches DESIGN.md."""

import json
import re
from collections.abc import Callable

import kubernetes_validate
import pytest
import yaml  # type: ignore[import-untyped]

from registry.known_services import KNOWN_SERVICES, KnownService
from tests.unit.k8s import cert_manager
from tests.unit.k8s.manifests import K8S, OVERLAYS, Doc, by_kind, container

Render = Callable[[str], tuple[Doc, ...]]
# Oldest Kubernetes the manifests need (native gRPC probes, matchLabelKeys) and a recent one.
KUBERNETES_VERSIONS = ("1.30.0", "1.34.0")
AGENTS = ("planner", "budget", "guide")
# Who builds a model chain: the agents, and the orchestrator for A2A sentences.
MODEL_CALLERS = (*AGENTS, "orchestrator")
PROMETHEUS_OPERATOR = "monitoring.coreos.com/v1"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_overlay_validates_strictly(rendered: Render, overlay: str, version: str) -> None:
    docs = rendered(overlay)
    assert docs, f"{overlay} renders nothing"
    for doc in docs:
        if cert_manager.is_cert_manager(doc):  # a CRD: kubernetes-validate has no schema for it
            cert_manager.validate(doc)
        elif doc["apiVersion"] == PROMETHEUS_OPERATOR:
            continue  # a custom resource too: checked against the shipped rules below
        else:
            kubernetes_validate.validate(doc, version, strict=True)


def test_prod_ships_the_alert_rules_and_dashboards(rendered: Render) -> None:
    docs = rendered("overlays/prod")
    (rule,) = by_kind(docs, "PrometheusRule").values()
    assert rule["apiVersion"] == PROMETHEUS_OPERATOR
    assert rule["metadata"]["namespace"] == "tripmesh"
    shipped = yaml.safe_load((K8S.parent / "observability" / "prometheus-rule.yaml").read_text())
    assert rule["spec"] == shipped["spec"]
    dashboards = by_kind(docs, "ConfigMap")["tripmesh-dashboards"]
    assert dashboards["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert sorted(dashboards["data"]) == ["mesh.json", "models.json", "trips.json"]
    assert all(json.loads(board)["panels"] for board in dashboards["data"].values())


def test_prods_pod_monitor_scrapes_every_service_under_its_discovery_name(
    rendered: Render,
) -> None:
    """Where the prometheus-operator runs Prometheus, the PodMonitor finds each service's pod
    and its metrics port, and names the job as the rules and dashboards expect."""
    docs = rendered("overlays/prod")
    (monitor,) = by_kind(docs, "PodMonitor").values()
    assert monitor["apiVersion"] == PROMETHEUS_OPERATOR
    wanted = monitor["spec"]["selector"]["matchLabels"]
    endpoints = {e["port"]: e for e in monitor["spec"]["podMetricsEndpoints"]}
    for service in KNOWN_SERVICES.values():
        deployment = by_kind(docs, "Deployment")[service.name]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert wanted.items() <= labels.items(), service.name
        ports = {p["name"] for p in container(deployment)["ports"]}
        (endpoint,) = (endpoints[name] for name in ports if name in endpoints)
        (relabel,) = endpoint["relabelings"]
        assert relabel["targetLabel"] == "job"
        # Prometheus names a pod label's meta label with every other character as "_"
        meta = {
            "__meta_kubernetes_pod_label_" + re.sub(r"\W", "_", k): v for k, v in labels.items()
        }
        name = meta[relabel["sourceLabels"][0]]
        assert relabel["replacement"].replace("$1", name) == service.discovery_name
    gateway = endpoints["http"]
    assert gateway["scheme"] == "https"  # the prod gateway serves HTTPS (mTLS on)
    secrets = {c["spec"]["secretName"] for c in by_kind(docs, "Certificate").values()}
    assert gateway["tlsConfig"]["ca"]["secret"]["name"] in secrets


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", KNOWN_SERVICES.values(), ids=lambda s: s.name)
def test_every_service_has_its_deployment_service_and_probes(
    rendered: Render, overlay: str, service: KnownService
) -> None:
    docs = rendered(overlay)
    deployment = by_kind(docs, "Deployment")[service.name]
    server = container(deployment)
    assert server["command"] == ["tripmesh"]
    assert server["args"] == ["serve", service.name]
    ports = {p["name"]: p["containerPort"] for p in server["ports"]}
    service_ports = {p["name"]: p for p in by_kind(docs, "Service")[service.name]["spec"]["ports"]}
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    mtls = "TRIPMESH_TLS_CERT" in next(iter(by_kind(docs, "ConfigMap").values()))["data"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    assert annotations["prometheus.io/port"] == str(service.metrics_port)
    if service.proto_service:
        assert ports == {"grpc": service.port, "metrics": service.metrics_port}
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            if mtls:  # kubelet cannot speak mTLS: the metrics port tells the same health
                assert "grpc" not in server[probe], probe
                assert server[probe]["httpGet"]["port"] == "metrics", probe
            else:
                assert server[probe]["grpc"]["port"] == service.port, probe
    else:  # the HTTP gateway
        assert ports == {"http": service.port}
        assert server["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert server["readinessProbe"]["httpGet"]["path"] == "/readyz"
        scheme = server["readinessProbe"]["httpGet"].get("scheme", "HTTP")
        assert scheme == ("HTTPS" if mtls else "HTTP")
    assert {name: p["port"] for name, p in service_ports.items()} == ports
    assert all(p["targetPort"] == name for name, p in service_ports.items())
    assert service.name in by_kind(docs, "PodDisruptionBudget")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_are_locked_down(rendered: Render, overlay: str) -> None:
    docs = rendered(overlay)
    config = next(iter(by_kind(docs, "ConfigMap").values()))["data"]
    drain = float(config["TRIPMESH_DRAIN_DELAY"]) + float(config["TRIPMESH_GRACE_PERIOD"])
    assert config["TRIPMESH_HOST"] == "0.0.0.0"
    for name, deployment in by_kind(docs, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        server = container(deployment)
        security = server["securityContext"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        assert security["readOnlyRootFilesystem"] is True, name
        assert security["allowPrivilegeEscalation"] is False, name
        assert security["capabilities"]["drop"] == ["ALL"], name
        assert {"requests", "limits"} <= server["resources"].keys(), name
        mounts = {m["mountPath"] for m in server["volumeMounts"]}
        assert {"/tmp", config["TRIPMESH_DATA_DIR"]} <= mounts, name
        assert pod["terminationGracePeriodSeconds"] > drain, name
        env = {e["name"]: e for e in server["env"]}
        assert env["CONSUL_HTTP_ADDR"]["value"].endswith(":8500"), name
        assert env["CONSUL_HTTP_TOKEN"]["valueFrom"]["secretKeyRef"]["optional"] is True, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_reach_only_the_services_that_need_them(rendered: Render, overlay: str) -> None:
    for name, deployment in by_kind(rendered(overlay), "Deployment").items():
        env = {e["name"]: e for e in container(deployment)["env"]}
        model_keys = {"OPENAI_API_KEY", "GEMINI_API_KEY", "ANTHROPIC_API_KEY"} & env.keys()
        assert bool(model_keys) == (name in MODEL_CALLERS), name
        assert ("TRIPMESH_API_KEYS" in env) == (name == "gateway"), name
        for key in model_keys | ({"TRIPMESH_API_KEYS"} & env.keys()):
            assert env[key]["valueFrom"]["secretKeyRef"]["optional"] is True


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_agents_autoscale_and_the_gateway_is_behind_an_ingress(
    rendered: Render, overlay: str
) -> None:
    docs = rendered(overlay)
    hpas = by_kind(docs, "HorizontalPodAutoscaler")
    assert sorted(hpas) == sorted(AGENTS)
    for name, hpa in hpas.items():
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
    (ingress,) = by_kind(docs, "Ingress").values()
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "gateway", "port": {"name": "http"}}
