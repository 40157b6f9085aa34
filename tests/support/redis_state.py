"""Redis for the tests of shared state: a key prefix of the test's own on the machine's
Redis (127.0.0.1:6379, shared with others: never flushed), or a private redis-server on
a free port for the tests that stop it."""

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.support.infra import missing
from tests.support.ports import free_port

SHARED_URL = "redis://127.0.0.1:6379/0"


@dataclass
class StateSpace:
    """Where one test's processes share their state: TRIPMESH_STATE_URL and a prefix."""

    url: str
    prefix: str = field(default_factory=lambda: f"tmtest-{uuid.uuid4().hex[:12]}:")

    @property
    def env(self) -> dict[str, str]:
        """A timeout that a loaded test machine keeps, so that only real outages count."""
        return {
            "TRIPMESH_STATE_URL": self.url,
            "TRIPMESH_STATE_PREFIX": self.prefix,
            "TRIPMESH_STATE_TIMEOUT": "2",
        }

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2, decode_responses=True)

    def clear(self) -> None:
        with self.client() as client:
            keys = list(client.scan_iter(match=f"{self.prefix}*", count=1000))
            if keys:
                client.delete(*keys)


@contextmanager
def shared_state_space() -> Iterator[StateSpace]:
    """A prefix of its own on the machine's Redis, deleted afterwards."""
    space = StateSpace(SHARED_URL)
    try:
        with space.client() as client:
            client.ping()
    except redis.RedisError as exc:
        missing("Redis", f"not reachable at {SHARED_URL} ({type(exc).__name__}: {exc})")
    try:
        yield space
    finally:
        space.clear()


class PrivateRedis:
    """`redis-server` on a free port, no persistence; stop() and start() keep the port."""

    def __init__(self, work_dir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server", "not on PATH")
        self._binary = str(binary)
        self._dir = work_dir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        args = [self._binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self._dir)]
        log = (self._dir / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        with redis.Redis(port=self.port, socket_timeout=0.5) as client:
            while time.monotonic() < deadline:
                try:
                    client.ping()
                    return self
                except redis.RedisError:
                    time.sleep(0.05)
        raise AssertionError(f"redis-server on {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
