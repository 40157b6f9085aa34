"""How the commands find the gateway: --gateway URL, or the local mesh at --port-offset."""

import argparse
from typing import Any

from services.runtime import tls
from services.runtime.settings import load_settings

GATEWAY_PORT = 8080


def add_gateway_flags(command: argparse.ArgumentParser) -> Any:
    """--gateway, --port-offset and --api-key; returns the group that --grpc may join."""
    where = command.add_mutually_exclusive_group()
    where.add_argument(
        "--gateway", help=f"gateway URL (default http://127.0.0.1:{GATEWAY_PORT} + port offset)"
    )
    command.add_argument(
        "--port-offset", type=int, default=0, help="the local mesh's port offset (tripmesh up's)"
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
