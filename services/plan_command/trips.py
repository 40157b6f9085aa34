"""`tripmesh trips list|show|delete`: the stored trips, through the gateway."""

import argparse
import sys
from collections.abc import Callable
from typing import Any

from google.protobuf import json_format
from tripmesh.v1.trip_pb2 import Trip

from services.plan_command import render
from services.plan_command.flags import add_gateway_flags, client_tls, gateway_url
from services.runtime.tls import TlsFiles

TIMEOUT = 30.0


def add_trips_parser(commands: Any) -> None:
    """Registers `trips` and its actions on the `tripmesh` subcommands."""
    trips = commands.add_parser("trips", help="list, show or delete stored trips")
    actions = trips.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="stored trips, newest first")
    listing.add_argument("--limit", type=int, default=20, help="how many (1-100, default 20)")
    show = actions.add_parser("show", help="one trip as tables (or --json)")
    show.add_argument("name", help='"trips/ID" or ID, as `trips list` prints it')
    show.add_argument("--json", action="store_true", help="print the trip as JSON")
    delete = actions.add_parser("delete", help="delete a trip")
    delete.add_argument("name", help='"trips/ID" or ID')
    for action, func in ((listing, _list), (show, _show), (delete, _delete)):
        add_gateway_flags(action)
        action.set_defaults(func=lambda args, run=func: _run(run, args))


Action = Callable[[argparse.Namespace, str, TlsFiles | None], str]


def _run(action: Action, args: argparse.Namespace) -> int:
    from services.plan_command import transport  # httpx: only when a command runs (see cmd_plan)

    files = client_tls()
    try:
        text = action(args, gateway_url(args, files), files)
    except transport.ServerError as exc:
        reason = f", {exc.reason}" if exc.reason else ""
        print(f"tripmesh: {exc.message} ({exc.code}{reason})", file=sys.stderr)
        return 1
    except transport.Unreachable as exc:
        print(f"tripmesh: {exc}", file=sys.stderr)
        return 1
    print(text)
    return 0


def _name(text: str) -> str:
    return text if text.startswith("trips/") else f"trips/{text}"


def _list(args: argparse.Namespace, url: str, files: TlsFiles | None) -> str:
    from services.plan_command import transport

    size = max(1, min(args.limit, 100))
    path = f"/v1/trips?pageSize={size}"
    page = transport.gateway_call("GET", url, path, TIMEOUT, args.api_key, files)
    trips = [json_format.ParseDict(t, Trip(), ignore_unknown_fields=True) for t in page["trips"]]
    return render.trips_table(trips) if trips else "no stored trips"


def _show(args: argparse.Namespace, url: str, files: TlsFiles | None) -> str:
    from services.plan_command import transport

    data = transport.gateway_call(
        "GET", url, f"/v1/{_name(args.name)}", TIMEOUT, args.api_key, files
    )
    trip = json_format.ParseDict(data, Trip(), ignore_unknown_fields=True)
    if args.json:
        return json_format.MessageToJson(trip, always_print_fields_with_no_presence=True, indent=2)
    return render.trip_text(trip)


def _delete(args: argparse.Namespace, url: str, files: TlsFiles | None) -> str:
    from services.plan_command import transport

    name = _name(args.name)
    transport.gateway_call("DELETE", url, f"/v1/{name}", TIMEOUT, args.api_key, files)
    return f"deleted {name}"
