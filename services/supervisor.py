"""`tripmesh up`: every service as a child process, watched until it stops.

Children get their ports and the endpoint table through the environment, write
their JSON logs to files under the data directory, and die with the supervisor
(PR_SET_PDEATHSIG), so that no process is left behind.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from registry import KNOWN_SERVICES, KnownService
from services import certs
from services.runtime import tls
from services.runtime.private_files import make_private_dir, make_private_file

START_ORDER = [
    "performance-monitor",
    "tool-registry",
    "task-router",
    "planner",
    "budget",
    "guide",
    "orchestrator",
    "gateway",
]
assert set(START_ORDER) == set(KNOWN_SERVICES)

# The children run with -OO: without docstrings (and asserts) the mesh is about 20 MB
# smaller when idle (2 to 3 MB a process; `make venv` compiles their bytecode). Nothing
# they serve reads a docstring: the answer schemas the models are given carry their
# descriptions in explicit __doc__ assignments (services/agents/schemas.py;
# tests/unit/llm/test_schemas_optimized.py checks them byte for byte), and the asserts
# in the code only restate what the types already say.
SERVE_FLAGS = ("-OO",)


@dataclass
class Child:
    service: KnownService
    port: int
    metrics_port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None


def endpoints_env(host: str, offset: int) -> str:
    """TRIPMESH_ENDPOINTS naming every service at its (offset) port (the monitor watches all)."""
    return ",".join(f"{s.name}={host}:{s.port + offset}" for s in KNOWN_SERVICES.values())


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM it when the supervisor dies."""
    with contextlib.suppress(OSError):  # not Linux: children may outlive a killed supervisor
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Mesh:
    """The eight processes of a local mesh."""

    def __init__(
        self, host: str, offset: int, log_dir: Path, grace: float, tls_dir: Path | None = None
    ) -> None:
        self.host = host
        self.offset = offset
        self.grace = grace
        self.tls_dir = tls_dir  # mTLS: each child gets its own certificate from there
        # What the supervisor checks health with: the operator's certificate.
        self.client_tls = certs.files(tls_dir, certs.OPERATOR) if tls_dir else None
        make_private_dir(log_dir)
        self.children = [
            Child(
                KNOWN_SERVICES[name],
                KNOWN_SERVICES[name].port + offset,
                KNOWN_SERVICES[name].metrics_port + offset,
                log_dir / f"{name}.log",
            )
            for name in START_ORDER
        ]

    def ports_in_use(self) -> list[tuple[Child, int]]:
        """(child, port) for every port of the mesh something already listens on.

        Checked before starting anything: a second `tripmesh up` on the same ports
        would otherwise find the first mesh's services ready and write into its logs.
        """
        return [
            (child, port)
            for child in self.children
            for port in (child.port, child.metrics_port)
            if _in_use(self.host, port)
        ]

    def start(self) -> None:
        env = dict(os.environ)
        env.setdefault("TRIPMESH_ENDPOINTS", endpoints_env(self.host, self.offset))
        env["TRIPMESH_HOST"] = env.get("TRIPMESH_HOST", self.host)
        for child in self.children:
            child_env = {
                **env,
                "TRIPMESH_PORT": str(child.port),
                "TRIPMESH_METRICS_PORT": str(child.metrics_port),
                **self._tls_env(child.service.name),
            }
            with make_private_file(child.log_path).open("ab") as log:
                child.process = subprocess.Popen(
                    [
                        sys.executable,
                        *SERVE_FLAGS,
                        "-m",
                        "services.cli",
                        "serve",
                        child.service.name,
                    ],
                    env=child_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    preexec_fn=_die_with_parent,
                )

    def _tls_env(self, name: str) -> dict[str, str]:
        if self.tls_dir is None:
            return {}
        files = certs.files(self.tls_dir, name)
        return {
            "TRIPMESH_TLS_CERT": str(files.cert),
            "TRIPMESH_TLS_KEY": str(files.key),
            "TRIPMESH_TLS_CA": str(files.ca),
        }

    def dead(self) -> list[Child]:
        """Children that have exited."""
        return [c for c in self.children if c.process is not None and c.process.poll() is not None]

    def wait_ready(self, timeout: float, stopping: Callable[[], bool]) -> list[Child]:
        """Waits until every child is SERVING; returns those that are not (empty: all ready)."""
        pending = list(self.children)
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline and not stopping() and not self.dead():
            pending = [
                c
                for c in pending
                if not is_serving(c.service, self.host, c.port, files=self.client_tls)
            ]
            if pending:
                time.sleep(0.2)
        return pending

    def stop(self) -> None:
        """SIGTERM to every child, then SIGKILL to those still there after the grace period."""
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace + 5
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _in_use(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the servers bind: connections of a mesh just stopped (TIME_WAIT) are no
        # listener, and must not make the port look taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def is_serving(
    service: KnownService,
    host: str,
    port: int,
    timeout: float = 1.0,
    files: tls.TlsFiles | None = None,
) -> bool:
    """Whether a service answers SERVING (gRPC health, or /healthz for the gateway);
    with `files`, over mTLS (https for the gateway)."""
    if not service.proto_service:
        return _healthz(service, f"{tls.http_scheme(files)}://{host}:{port}", timeout, files)
    return health_status(host, port, timeout, files=files, server=service.discovery_name) == (
        "SERVING"
    )


def _healthz(service: KnownService, url: str, timeout: float, files: tls.TlsFiles | None) -> bool:
    verify = tls.client_ssl_context(files) if files else True
    extensions = tls.https_extensions(files, service.discovery_name)
    try:
        with httpx.Client(timeout=timeout, verify=verify) as client:
            return client.get(f"{url}/healthz", extensions=extensions).status_code == 200
    except httpx.HTTPError:
        return False


def health_status(
    host: str,
    port: int,
    timeout: float = 1.0,
    service: str = "",
    *,
    files: tls.TlsFiles | None = None,
    server: str = "",
) -> str:
    """The gRPC health status name of a server, or "UNREACHABLE"; with `files`, over mTLS,
    checking that the server's certificate names `server` (a discovery name)."""
    with tls.sync_channel(f"{host}:{port}", files, service=server) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        except grpc.RpcError:
            return "UNREACHABLE"
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))
