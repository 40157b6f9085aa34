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
        # 11000-15400: the gRPC ports land above Linux's ephemeral range (32768-60999) and
        # the HTTP ones below it, so no outgoing connection can take one between this
        # check and the mesh binding it.
        offset = random.randrange(11_000, 15_400)
        if all(is_free(p + offset) for p in ports):
            return offset
    raise RuntimeError("no free port offset for a mesh")
