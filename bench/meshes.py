"""Meshes for the benchmark: `tripmesh up`, or each service on its own with its own env.

Every process gets a port off a free offset and its logs under a temporary
data directory; `stop()` drains them all (SIGTERM) and waits.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from registry import KNOWN_SERVICES
from services import certs
from services.runtime.tls import TlsFiles
from services.supervisor import START_ORDER, endpoints_env, is_serving

HOST = "127.0.0.1"


def free_offset() -> int:
    """An offset under which every well-known port of the mesh is free."""
    import random
    import socket

    ports = [p for s in KNOWN_SERVICES.values() for p in {s.port, s.metrics_port}]
    for _ in range(200):
        offset = random.randrange(1000, 6000)
        free = True
        for port in ports:
            with socket.socket() as sock:
                try:
                    sock.bind((HOST, port + offset))
                except OSError:
                    free = False
                    break
        if free:
            return offset
    raise RuntimeError("no free port offset")


def base_env(data_dir: Path) -> dict[str, str]:
    """The environment of the benchmark's processes: offline model, own data dir, quiet logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIPMESH_", "CONSUL_"))}
    for key in ("OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        env.pop(key, None)
    env.update({"TRIPMESH_DATA_DIR": str(data_dir), "TRIPMESH_LOG_LEVEL": "WARNING"})
    return env


@dataclass
class Mesh:
    """A running mesh: service name → pid, and the port of each service."""

    offset: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    supervisor: subprocess.Popen[bytes] | None = None
    operator: TlsFiles | None = None  # with --tls: the certificate clients call it with

    def port(self, name: str) -> int:
        return KNOWN_SERVICES[name].port + self.offset

    def pids(self) -> dict[str, int]:
        if self.supervisor is None:
            return {name: int(p.pid) for name, p in self.processes.items()}
        return _children_by_service(self.supervisor.pid)

    def stop(self) -> None:
        running = [p for p in (self.supervisor, *self.processes.values()) if p is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def tripmesh_up(
    data_dir: Path, timeout: float = 60.0, tls: bool = False, env: dict[str, str] | None = None
) -> Mesh:
    """`tripmesh up --port-offset N` (and --tls, and `env` for every process), waited for
    until every service is SERVING."""
    mesh = Mesh(free_offset())
    if tls:
        certs.generate(data_dir / "certs")  # where `up --tls` looks
        mesh.operator = certs.files(data_dir / "certs", certs.OPERATOR)
    log = (data_dir / "up.log").open("wb")
    flags = ["--tls"] if tls else []
    mesh.supervisor = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "up", "--port-offset", str(mesh.offset), *flags],
        env={**base_env(data_dir), **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    _wait_ready(mesh, timeout)
    return mesh


def each_service(
    data_dir: Path, extra_env: dict[str, dict[str, str]], timeout: float = 60.0
) -> Mesh:
    """Every service as its own process (`tripmesh serve NAME`), `extra_env[name]` added."""
    mesh = Mesh(free_offset())
    env = {**base_env(data_dir), "TRIPMESH_ENDPOINTS": endpoints_env(HOST, mesh.offset)}
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    for name in START_ORDER:
        service = KNOWN_SERVICES[name]
        child_env = {
            **env,
            **extra_env.get(name, {}),
            "TRIPMESH_PORT": str(service.port + mesh.offset),
            "TRIPMESH_METRICS_PORT": str(service.metrics_port + mesh.offset),
        }
        with (data_dir / "logs" / f"{name}.log").open("wb") as log:
            mesh.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "serve", name],
                env=child_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
    _wait_ready(mesh, timeout)
    return mesh


def _wait_ready(mesh: Mesh, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = list(START_ORDER)
    while pending and time.monotonic() < deadline:
        pending = [
            n
            for n in pending
            if not is_serving(KNOWN_SERVICES[n], HOST, mesh.port(n), files=mesh.operator)
        ]
        if pending:
            time.sleep(0.3)
    if pending:
        mesh.stop()
        raise RuntimeError(f"not SERVING after {timeout:.0f} s: {', '.join(pending)}")


def _children_by_service(parent: int) -> dict[str, int]:
    """Service name → pid of the children of `tripmesh up` (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")
        )
        if ppid == parent and b"serve" in argv:
            found[argv[argv.index(b"serve") + 1].decode()] = int(entry.name)
    return found


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MB (VmRSS of /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_wait_seconds(pid: int) -> float:
    """Time the threads of a process spent runnable but waiting for a CPU (schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError):
            continue
    return total / 1e9
