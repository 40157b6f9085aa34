"""Start, drain and stop, as an operator sees them: signals, exit codes, no orphans."""

import json
import os
import signal
import socket
import threading
import time
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from tripmesh.v1 import tool_registry_service_pb2, tool_registry_service_pb2_grpc

from tests.support.ports import free_port_offset
from tests.support.processes import MeshProcess, ServiceProcess, base_env, run_cli


def watch_health(address: str, seen: list[str], stop: threading.Event) -> None:
    """Records every status the health Watch stream sends."""
    with grpc.insecure_channel(address) as channel:
        stream = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest())
        try:
            for reply in stream:
                seen.append(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))
                if stop.is_set():
                    break
        except grpc.RpcError:
            pass


def test_sigterm_lets_the_in_flight_call_finish_after_not_serving(tmp_path: Path) -> None:
    env = base_env(tmp_path, TRIPMESH_FAULT_DELAY_MS="1500", TRIPMESH_GRACE_PERIOD="5")
    service = ServiceProcess("tool-registry", env).start(tmp_path).wait_serving()
    seen: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch_health, args=(service.address, seen, stop))
    watcher.start()

    result: dict[str, object] = {}

    def slow_call() -> None:
        with grpc.insecure_channel(service.address) as channel:
            stub = tool_registry_service_pb2_grpc.ToolRegistryServiceStub(channel)
            try:
                stub.ListTools(tool_registry_service_pb2.ListToolsRequest(), timeout=10)
                result["code"] = grpc.StatusCode.OK
            except grpc.RpcError as exc:
                result["code"] = exc.code()  # type: ignore[attr-defined]
            result["finished"] = time.monotonic()

    caller = threading.Thread(target=slow_call)
    caller.start()
    time.sleep(0.5)  # the call is now in flight, inside its 1.5 s delay
    signalled = time.monotonic()
    assert service.process is not None
    service.process.send_signal(signal.SIGTERM)
    caller.join(10)
    exit_code = service.process.wait(10)
    stop.set()
    watcher.join(5)

    assert result["code"] is grpc.StatusCode.OK, service.log()
    assert exit_code == 0
    assert "NOT_SERVING" in seen
    assert seen[0] == "SERVING"
    # Gone within the grace period (5 s), not after the call's own 10 s deadline; the
    # margin is for a loaded machine.
    assert time.monotonic() - signalled < 5 + 3


def child_pids(pid: int) -> set[int]:
    """Every descendant of a process, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.slow
def test_tripmesh_up_starts_eight_and_sigterm_leaves_no_process(tmp_path: Path) -> None:
    mesh = MeshProcess(base_env(tmp_path)).start(tmp_path / "up.log")
    assert mesh.process is not None
    children = child_pids(mesh.process.pid)
    assert len(children) == 8, children
    output = (tmp_path / "up.log").read_text()
    for name in (
        "orchestrator",
        "planner",
        "budget",
        "guide",
        "tool-registry",
        "task-router",
        "performance-monitor",
        "gateway",
    ):
        assert name in output
    assert "curl -X POST" in output
    assert "grpcurl -plaintext" in output

    assert mesh.stop() == 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(p) for p in children):
        time.sleep(0.1)
    assert not [p for p in children if alive(p)]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRIPMESH_PORT", "not-a-port"),
        ("TRIPMESH_GRACE_PERIOD", "-1"),
        ("TRIPMESH_ENDPOINTS", "planner=nowhere"),
    ],
)
def test_bad_setting_stops_with_one_line_naming_it(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_cli("serve", "planner", env=base_env(tmp_path, **{variable: value}))
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_service_name_is_refused(tmp_path: Path) -> None:
    result = run_cli("serve", "plannr", env=base_env(tmp_path))
    assert result.returncode == 2
    assert "unknown service 'plannr'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_child_that_dies_is_reported_and_the_mesh_stops_with_no_orphans(tmp_path: Path) -> None:
    mesh = MeshProcess(base_env(tmp_path)).start(tmp_path / "up.log")
    assert mesh.process is not None
    children = child_pids(mesh.process.pid)
    guide = next(
        pid for pid in children if b"serve\x00guide" in Path(f"/proc/{pid}/cmdline").read_bytes()
    )
    os.kill(guide, signal.SIGKILL)

    assert mesh.process.wait(30) == 1
    output = (tmp_path / "up.log").read_text()
    assert "guide exited with code -9" in output
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(p) for p in children):
        time.sleep(0.1)
    assert not [p for p in children if alive(p)]


def test_up_on_busy_ports_names_them_and_starts_nothing(tmp_path: Path) -> None:
    offset = free_port_offset()
    with socket.socket() as taken:  # the planner's port, held by someone else
        taken.bind(("127.0.0.1", 50052 + offset))
        taken.listen()
        result = run_cli(
            "up", "--port-offset", str(offset), "--timeout", "30", env=base_env(tmp_path)
        )
    assert result.returncode == 1
    assert f"{50052 + offset} (planner)" in result.stderr
    assert "--port-offset" in result.stderr
    assert "tripmesh is up" not in result.stdout
    assert not list((tmp_path / "logs").glob("*.log")), "no service was started"
    assert "Traceback" not in result.stderr


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "planner", env=base_env(tmp_path, TRIPMESH_PORT=str(port)))
    assert result.returncode == 1
    assert f"cannot bind 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_log_line_of_a_call_carries_service_method_request_and_trace_ids(
    tmp_path: Path,
) -> None:
    env = base_env(tmp_path, TRIPMESH_LOG_LEVEL="DEBUG")
    service = ServiceProcess("tool-registry", env).start(tmp_path).wait_serving()
    try:
        with grpc.insecure_channel(service.address) as channel:
            stub = tool_registry_service_pb2_grpc.ToolRegistryServiceStub(channel)
            stub.ListTools(
                tool_registry_service_pb2.ListToolsRequest(),
                metadata=[("x-request-id", "req-42")],
                timeout=10,
            )
    finally:
        service.stop()
    assert service.log_path is not None
    text = service.log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    handled = [line for line in lines if line.get("correlation_id") == "req-42"]
    assert handled, lines
    for line in handled:
        assert line["service"] == "tripmesh-tool-registry"
        assert line["method"] == "/tripmesh.v1.ToolRegistryService/ListTools"
        assert len(line["trace_id"]) == 32
    assert any(line["message"] == "handled" and line["code"] == "OK" for line in handled)


def test_a_bad_secret_setting_is_named_but_never_echoed(tmp_path: Path) -> None:
    env = base_env(tmp_path, TRIPMESH_CACHE_URL="http://user:hunter2@cache")
    result = run_cli("serve", "planner", env=env)
    assert result.returncode == 2
    assert "TRIPMESH_CACHE_URL" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
