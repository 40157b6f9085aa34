"""How the commands find the gateway: --gateway URL, or the local mesh at --port-offset."""

import argparse
from typing import Any

from registry.known_services import MAX_PORT_OFFSET
from services.runtime import tls
from services.runtime.settings import load_settings

GATEWAY_PORT = 8080


def port_offset(text: str) -> int:
    """--port-offset: a whole number that keeps every well-known port below 65536."""
    try:
        offset = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= offset <= MAX_PORT_OFFSET:
        raise argparse.ArgumentTypeError(
            f"{offset} is out of range: 0..{MAX_PORT_OFFSET} keeps every service's port valid"
        )
    return offset


def add_gateway_flags(command: argparse.ArgumentParser) -> Any:
    """--gateway, --port-offset and --api-key; returns the group that --grpc may join."""
    where = command.add_mutually_exclusive_group()
    where.add_argument(
        "--gateway", help=f"gateway URL (default http://127.0.0.1:{GATEWAY_PORT} + port offset)"
    )
    command.add_argument(
        "--port-offset",
        type=port_offset,
        default=0,
        help="the local mesh's port offset (tripmesh up's)",
    )
    command.add_argument("--api-key", default="", help="the gateway's API key, if it needs one")
    return where


def gateway_url(args: argparse.Namespace, files: tls.TlsFiles | None = None) -> str:
    """--gateway, or the local mesh's gateway at its port offset (https with mTLS on)."""
    local = f"{tls.http_scheme(files)}://127.0.0.1:{GATEWAY_PORT + args.port_offset}"
    return str(args.gateway or local)


def client_tls() -> tls.TlsFiles | None:
    """The command line's certificate: TRIPMESH_TLS_* (the operator's), or None."""
    return load_settings(tls.TlsSettings).tls
