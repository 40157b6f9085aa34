"""A real `consul agent -dev` for tests: loopback only, free non-default ports.

`find_consul()` looks for the binary that `make consul` unpacks (or one on PATH)
and fetches it once if missing; `ConsulAgent` runs one dev agent and can stop and
restart it on the same ports (a dev agent keeps no state, like a replaced pod).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]
FETCH_SCRIPT = Path(__file__).with_name("fetch.sh")
CACHED_BINARY = ROOT / ".cache" / "consul" / "usr" / "bin" / "consul"
PORT_NAMES = ("http", "dns", "serf_lan", "serf_wan", "server", "grpc")


class ConsulMissing(Exception):
    """No consul binary could be had; the message says why (tests skip with it)."""


def find_consul(fetch: bool = True) -> str:
    """The consul binary: $CONSUL_BINARY, the `make consul` cache, PATH, or a fresh fetch."""
    for candidate in (os.environ.get("CONSUL_BINARY"), str(CACHED_BINARY), shutil.which("consul")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    if not fetch or os.environ.get("TRIPMESH_CONSUL_FETCH") == "0":
        raise ConsulMissing("no consul binary (run `make consul`, or put consul on PATH)")
    done = subprocess.run(
        ["bash", str(FETCH_SCRIPT)], capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0 or not os.access(CACHED_BINARY, os.X_OK):
        why = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ConsulMissing(f"`make consul` could not fetch Debian's consul: {' | '.join(why)}")
    return str(CACHED_BINARY)


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1 (Serf uses both)."""
    while True:
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


class ConsulAgent:
    """One dev agent. `extra_hcl` adds configuration (such as an `acl` block)."""

    def __init__(self, binary: str, extra_hcl: str = "") -> None:
        self.binary = binary
        self.ports = {name: free_port() for name in PORT_NAMES}
        self._dir = Path(tempfile.mkdtemp(prefix="tripmesh-consul-"))
        self._config = self._dir / "agent.hcl"
        self._config.write_text(_config_hcl(self.ports, extra_hcl))
        self._log = self._dir / "agent.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def http_addr(self) -> str:
        return f"127.0.0.1:{self.ports['http']}"

    @property
    def url(self) -> str:
        return f"http://{self.http_addr}"

    def start(self, timeout: float = 20.0) -> None:
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                [self.binary, "agent", "-dev", f"-config-file={self._config}"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self._dir,  # a dev agent reads ./services and ./checks: keep it out of ours
            )
        self._wait_ready(timeout)

    def stop(self, graceful: bool = False) -> None:
        """Stops the agent; killing is the default (a dev agent has nothing to save, and a
        graceful leave costs a second or two)."""
        if self._process is None:
            return
        if graceful:
            self._process.terminate()
        else:
            self._process.kill()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def get(self, path: str, token: str = "") -> httpx.Response:
        headers = {"X-Consul-Token": token} if token else {}
        return httpx.get(f"{self.url}{path}", headers=headers, timeout=5)

    def log_tail(self, lines: int = 20) -> str:
        text = self._log.read_text(errors="replace") if self._log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def _wait_ready(self, timeout: float) -> None:
        """Until the agent has a leader (registrations before that fail with 500)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"consul exited: {self.log_tail()}")
            try:
                if self.get("/v1/status/leader").json():
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"consul not ready in {timeout}s: {self.log_tail()}")


def _config_hcl(ports: dict[str, int], extra_hcl: str) -> str:
    port_lines = "\n".join(f"  {name} = {port}" for name, port in ports.items())
    return f"""
node_name = "tripmesh-test"
bind_addr = "127.0.0.1"
client_addr = "127.0.0.1"
advertise_addr = "127.0.0.1"
disable_update_check = true
log_level = "warn"
ports {{
{port_lines}
}}
{extra_hcl}
"""
