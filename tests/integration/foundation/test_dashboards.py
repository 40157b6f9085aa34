"""Every query of the Grafana dashboards and of the alert rules names metrics that a running
mesh really exports (or the rules record), and groups and matches by labels those metrics
carry: a renamed metric or label breaks this test, not a dashboard found empty (or summed
into one line) during an incident. The mesh's model provider (a fake OpenAI) fails, so that the
fallback, breaker and alert series exist; then it answers, wrongly but with billed tokens."""

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml  # type: ignore[import-untyped]
from prometheus_client.parser import text_string_to_metric_families

from registry import KNOWN_SERVICES
from tests.fakes import FakeOpenAI
from tests.integration.foundation.test_metrics_hygiene import metrics_url
from tests.support.meshes import openai_env, trip_request
from tests.support.processes import ROOT, MeshProcess

pytestmark = pytest.mark.slow

OBSERVABILITY = ROOT / "observability"
MADE_BY_PROMETHEUS = {"up"}
TARGET_LABELS = {"job", "instance"}  # Prometheus adds them to every scraped series
HISTOGRAM_LABELS = {"le"}
# Exported only with mTLS on (this mesh runs without): tests/unit/runtime/test_tls_reload.py
# reads it from a server on certificates.
EXPORTED_WITH_TLS = {"tripmesh_tls_certificate_expiry_timestamp_seconds"}
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "rate", "increase", "irate", "histogram_quantile",
    "and", "or", "unless", "bool", "offset", "abs", "clamp_min", "clamp_max", "time",
}  # fmt: skip


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads."""
    text = re.sub(r'"(?:\\.|[^"\\])*"', "", expr)  # label values
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", text)  # matchers and ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    return {t for t in re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", text) if t not in PROMQL_WORDS}


def label_names(expr: str) -> set[str]:
    """The labels a PromQL expression groups, joins or matches by."""
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)
    grouped = re.findall(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", text)
    matched = [
        re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", m)
        for m in re.findall(r"\{([^}]*)\}", text)
    ]
    names = {n.strip() for group in grouped for n in group.split(",")}
    return {n for n in names | {n for found in matched for n in found} if n}


def dashboard_queries() -> list[tuple[str, str]]:
    queries = []
    for path in sorted((OBSERVABILITY / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            queries += [(f"{path.name}: {panel['title']}", t["expr"]) for t in panel["targets"]]
    return queries


def rules() -> list[dict[str, str]]:
    rule = yaml.safe_load((OBSERVABILITY / "prometheus-rule.yaml").read_text())
    return [r for group in rule["spec"]["groups"] for r in group["rules"]]


@pytest.fixture(scope="module")
def exported_labels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, set[str]]]:
    """Name of every sample the eight processes export after two trips and an alert -> the
    names of its labels."""
    data_dir = tmp_path_factory.mktemp("dashboards")
    with FakeOpenAI() as fake:  # 500 to every call
        env = openai_env(
            data_dir,
            fake,
            TRIPMESH_LLM_BREAKER_FAILURES="1",
            TRIPMESH_LLM_BREAKER_COOLDOWN="0.1",
            TRIPMESH_ALERT_MIN_COUNT="1",
        )
        mesh = MeshProcess(env).start(data_dir / "up.log")
        try:
            yield _exported_after_trips(mesh, fake)
        finally:
            mesh.stop()


@pytest.fixture(scope="module")
def exported(exported_labels: dict[str, set[str]]) -> set[str]:
    return set(exported_labels)


def recorded_labels() -> dict[str, set[str]]:
    """Each recording rule's series -> the labels it keeps (its expression's groupings)."""
    return {r["record"]: label_names(r["expr"]) for r in rules() if "record" in r}


def _exported_after_trips(mesh: MeshProcess, fake: FakeOpenAI) -> dict[str, set[str]]:
    trip = trip_request("Porto", days=2, budget_eur=900)
    plan = f"{mesh.gateway_url}/v1/trips:plan"
    httpx.post(plan, json=trip, timeout=60).raise_for_status()  # fails over to offline
    # Cut short at the length limit (strict mode's one way to a broken answer): billed, refused.
    fake.default = FakeOpenAI.answer('{"travel_style": "bud', finish_reason="length")
    httpx.post(plan, json={**trip, "days": 3}, timeout=60).raise_for_status()
    labels: dict[str, set[str]] = {}
    deadline = time.monotonic() + 30
    while "tripmesh_alert_firing" not in labels and time.monotonic() < deadline:
        time.sleep(0.5)  # the monitor evaluates its rules every two seconds
        labels = {}
        for service in KNOWN_SERVICES:
            text = httpx.get(metrics_url(mesh, service), timeout=10).text
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    labels.setdefault(sample.name, set()).update(sample.labels)
    return labels


def test_every_dashboard_query_reads_exported_or_recorded_metrics(exported: set[str]) -> None:
    recorded = {r["record"] for r in rules() if "record" in r}
    known = exported | recorded | MADE_BY_PROMETHEUS
    queries = dashboard_queries()
    assert len(queries) >= 20
    unknown = {where: metric_names(expr) - known for where, expr in queries}
    assert not {w: names for w, names in unknown.items() if names}


def test_every_rule_reads_exported_or_recorded_metrics(exported: set[str]) -> None:
    recorded = {r["record"] for r in rules() if "record" in r}
    for rule in rules():
        names = metric_names(rule["expr"])
        assert names, rule
        known = exported | recorded | MADE_BY_PROMETHEUS | EXPORTED_WITH_TLS
        assert names <= known, (rule, names - known)


def test_every_query_groups_and_matches_by_labels_its_metrics_carry(
    exported_labels: dict[str, set[str]],
) -> None:
    carried = {**exported_labels, **recorded_labels(), "up": set()}
    queries = dashboard_queries() + [(r.get("alert") or r["record"], r["expr"]) for r in rules()]
    for where, expr in queries:
        names = metric_names(expr) - EXPORTED_WITH_TLS
        known = TARGET_LABELS | HISTOGRAM_LABELS | {n for m in names for n in carried.get(m, ())}
        assert label_names(expr) <= known, (where, label_names(expr) - known)


def test_the_name_reader_sees_through_promql() -> None:
    expr = 'sum by (grpc_service) (rate(grpc_server_handled_total{grpc_code=~"OK|x"}[5m])) / up'
    assert metric_names(expr) == {"grpc_server_handled_total", "up"}
    assert label_names(expr) == {"grpc_service", "grpc_code"}
    assert label_names('max by (a, b) (x{c!="y,z", d=~"e"}) / on(f) g') == set("abcdf")


def test_dashboards_are_grafana_json_with_unique_ids() -> None:
    for path in sorted(Path(OBSERVABILITY / "dashboards").glob("*.json")):
        board = json.loads(path.read_text())
        assert board["uid"] == f"tripmesh-{path.stem}"
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids)), path
