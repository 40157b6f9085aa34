"""How the commands find the gateway: --gateway URL, or the local mesh at --port-offset."""

import argparse
from typing import Any

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


def gateway_url(args: argparse.Namespace) -> str:
    """--gateway, or the local mesh's gateway at its port offset."""
    return str(args.gateway or f"http://127.0.0.1:{GATEWAY_PORT + args.port_offset}")
