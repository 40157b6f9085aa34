"""Free ports on loopback, so that tests never collide with a running mesh or each other."""

import random
import socket

from registry import KNOWN_SERVICES


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_offset() -> int:
    """An offset for `tripmesh up --port-offset` under which every port of the mesh is free."""
    ports = [p for s in KNOWN_SERVICES.values() for p in {s.port, s.metrics_port}]
    for _ in range(200):
        offset = random.randrange(1000, 6000)
        if all(is_free(p + offset) for p in ports):
            return offset
    raise RuntimeError("no free port offset for a mesh")
