"""Services and whole meshes as real processes, as a user runs them."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from registry import known_service
from services.runtime.tls import TlsFiles
from services.supervisor import endpoints_env, is_serving
from tests.support.ports import free_port, free_port_offset

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, env: dict[str, str], timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """`tripmesh ARGS` to its end, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a test process: our own data dir, no keys, quiet logs."""
    own = ("TRIPMESH_", "CONSUL_", "OPENAI_", "GEMINI_", "GOOGLE_", "ANTHROPIC_", "OTEL_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update({"TRIPMESH_DATA_DIR": str(data_dir), "TRIPMESH_GRACE_PERIOD": "5", **extra})
    return env


@dataclass
class ServiceProcess:
    """`tripmesh serve NAME` in a subprocess."""

    name: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    metrics_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    tls: TlsFiles | None = None  # a client's certificate to check it with, when it serves mTLS

    def start(self, log_dir: Path) -> "ServiceProcess":
        self.log_path = log_dir / f"{self.name}-{self.port}.log"
        env = {
            **self.env,
            "TRIPMESH_PORT": str(self.port),
            "TRIPMESH_METRICS_PORT": str(self.metrics_port),
        }
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "serve", self.name],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait_serving(self, timeout: float = 30.0) -> "ServiceProcess":
        service = known_service(self.name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited {self.process.returncode}: {self.log()}")
            if is_serving(service, "127.0.0.1", self.port, timeout=0.5, files=self.tls):
                return self
            time.sleep(0.1)
        raise AssertionError(f"{self.name} not SERVING after {timeout} s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Sends `sig` and waits; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


@dataclass
class MeshProcess:
    """`tripmesh up --port-offset N` in a subprocess."""

    env: dict[str, str]
    offset: int = field(default_factory=free_port_offset)
    process: subprocess.Popen[str] | None = None
    flags: tuple[str, ...] = ()  # more `tripmesh up` flags, such as --tls

    def start(self, log_path: Path, timeout: float = 60.0) -> "MeshProcess":
        self.log_path = log_path
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "services.cli",
                    "up",
                    "--port-offset",
                    str(self.offset),
                    "--timeout",
                    str(timeout),
                    *self.flags,
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        deadline = time.monotonic() + timeout + 5
        while time.monotonic() < deadline:
            if "tripmesh is up" in log_path.read_text():
                return self
            if self.process.poll() is not None:
                raise AssertionError(f"tripmesh up exited: {log_path.read_text()}")
            time.sleep(0.2)
        raise AssertionError(f"tripmesh up not ready: {log_path.read_text()}")

    def port(self, name: str) -> int:
        return known_service(name).port + self.offset

    def endpoints(self) -> str:
        return endpoints_env("127.0.0.1", self.offset)

    @property
    def gateway_url(self) -> str:
        scheme = "https" if "--tls" in self.flags else "http"
        return f"{scheme}://127.0.0.1:{self.port('gateway')}"

    def stop(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)
