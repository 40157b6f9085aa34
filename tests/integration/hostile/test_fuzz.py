"""A fuzz test of every method of every service, generated from the descriptors: requests
of any content the proto types allow, random bytes and corrupted messages, sent to one
real mesh of its own. Per method: never UNKNOWN or INTERNAL, and afterwards every server
still SERVING and GetStats still OK. Then the gateway's /v1 routes over HTTP.

TRIPMESH_FUZZ_EXAMPLES sets the examples per method, and ten times as many HTTP requests
(default 12); raise it for a longer hunt, e.g. 500.
"""

import json
import os
from collections.abc import Iterator
from urllib.parse import quote

import grpc
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tripmesh.v1 import performance_monitor_service_pb2 as monitor_pb
from tripmesh.v1 import performance_monitor_service_pb2_grpc as monitor_grpc

from registry import KNOWN_SERVICES
from services.supervisor import is_serving
from tests.integration.hostile.strategies import payloads
from tests.integration.hostile.support import Target, mesh_targets, raw_call
from tests.support.processes import MeshProcess, base_env

pytestmark = pytest.mark.slow

# Read at import: the tests' own environment is emptied of TRIPMESH_* before each test.
EXAMPLES = int(os.environ.get("TRIPMESH_FUZZ_EXAMPLES", "12"))
NEVER = {grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL, grpc.StatusCode.DATA_LOSS}
# Streams that wait for news: a short deadline is their end.
ENDLESS = {"WatchAlerts", "SubscribeToTask", "SendStreamingMessage"}


@pytest.fixture(scope="module")
def fuzzed_mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MeshProcess]:
    """A mesh of its own: fuzzing registers junk tools and records, which other tests'
    mesh must not see."""
    data_dir = tmp_path_factory.mktemp("fuzzed")
    running = MeshProcess(base_env(data_dir)).start(data_dir / "up.log")
    yield running
    running.stop()


def _method_names() -> list[str]:
    """Every "Service/Method" of the mesh: ours, and A2A's, which the agents serve too
    (which servers serve each, their reflection tells at run time)."""
    from tests.support.descriptors import mesh_services

    return [f"{s.name}/{m.name}" for s in mesh_services() for m in s.methods]


def _targets(mesh: MeshProcess, name: str) -> list[Target]:
    found = [t for t in mesh_targets(mesh) if t.path.endswith(f".{name}")]
    assert found, name
    return found


def _still_healthy(mesh: MeshProcess) -> None:
    for service in KNOWN_SERVICES.values():
        assert is_serving(service, "127.0.0.1", mesh.port(service.name), timeout=5), service.name
    address = f"127.0.0.1:{mesh.port('performance-monitor')}"
    with grpc.insecure_channel(address) as channel:
        monitor_grpc.PerformanceMonitorServiceStub(channel).GetStats(
            monitor_pb.GetStatsRequest(), timeout=10
        )


def _fuzz(target: Target) -> None:
    """EXAMPLES payloads to one method of one server, none answered UNKNOWN or INTERNAL."""
    timeout = 0.5 if target.method.name in ENDLESS else 15.0
    with grpc.insecure_channel(f"127.0.0.1:{target.port}") as channel:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(payload=payloads(target.method.input_type))
        def send(payload: bytes) -> None:
            error = raw_call(channel, target, payload, timeout)
            if error is not None:
                assert error.code() not in NEVER, (target.path, error.code(), error.details())

        send()


@pytest.mark.parametrize("name", _method_names())
def test_fuzzed_requests_never_break_a_server(fuzzed_mesh: MeshProcess, name: str) -> None:
    for target in _targets(fuzzed_mesh, name):  # ToolService, A2AService: on several
        _fuzz(target)
    _still_healthy(fuzzed_mesh)


def test_the_fuzz_covers_every_service() -> None:
    from tests.support.descriptors import SERVICE_NAMES

    names = _method_names()
    assert {name.split("/")[0] for name in names} == {*SERVICE_NAMES, "A2AService"}
    assert len(names) >= 19  # the fuzz run counted 19 methods


_SEGMENT = st.one_of(st.sampled_from(["fuzz", "geo.lookup_city", ""]), st.text(max_size=40))
_PATHS = st.one_of(
    st.sampled_from(["/v1/trips", "/v1/trips:plan", "/v1/trips:stream", "/v1/tools"]),
    st.sampled_from(["/v1/stats", "/v1/alerts", "/v1/nothing", "/v1"]),
    _SEGMENT.map(lambda s: f"/v1/trips/{quote(s, safe='')}"),
    _SEGMENT.map(lambda s: f"/v1/tools/{quote(s, safe='')}"),
    _SEGMENT.map(lambda s: f"/v1/tools/{quote(s, safe='')}:invoke"),
)
_BODIES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"", b"{}", b"[]", b"null", b'{"destination": "Lisbon", "days": 2}']),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=10,
    ).map(lambda value: json.dumps(value).encode()),
)
_CONTENT_TYPES = st.sampled_from(
    [None, "application/json", "text/plain", "application/x-www-form-urlencoded", "a/b; c"]
)


def test_fuzzed_http_requests_get_a_status_never_a_500(fuzzed_mesh: MeshProcess) -> None:
    """The gateway's /v1 routes under any method, path, query, content type and body: a
    JSON google.rpc.Status for every error, never 500, Retry-After on every 429 and 503."""
    with httpx.Client(base_url=fuzzed_mesh.gateway_url, timeout=20) as client:

        @settings(
            max_examples=EXAMPLES * 10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH"]),
            path=_PATHS,
            query=st.text(max_size=40),
            content_type=_CONTENT_TYPES,
            body=_BODIES,
        )
        def send(method: str, path: str, query: str, content_type: str | None, body: bytes) -> None:
            headers = {"content-type": content_type} if content_type else {}
            url = f"{path}?{quote(query, safe='=&')}" if query else path
            answer = client.request(method, url, content=body, headers=headers)
            assert answer.status_code < 500 or answer.status_code in (503, 504), answer.text
            if answer.status_code >= 400:
                assert set(answer.json()) == {"code", "message", "details"}, answer.text
            if answer.status_code in (429, 503):
                assert int(answer.headers["retry-after"]) >= 1

        send()
