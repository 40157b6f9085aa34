"""`tripmesh plan`: plan a trip through the gateway (or the orchestrator over gRPC),
showing progress while the stream runs, then the trip as tables (or as JSON)."""

import argparse
import os
import sys
import time
from typing import Any

from google.protobuf import json_format
from tripmesh.v1.orchestrator_service_pb2 import PlanStage
from tripmesh.v1.trip_pb2 import Trip

from services.plan_command import render
from services.plan_command.flags import add_gateway_flags, client_tls, gateway_url
from services.plan_command.request import PACES, UsageError, parse_timeout, trip_request
from services.plan_command.trips import add_trips_parser


def add_parser(commands: Any) -> None:
    """Registers `plan` and `trips` on the `tripmesh` subcommands."""
    plan = commands.add_parser("plan", help="plan a trip and print it")
    plan.add_argument("--destination", help='where to, such as "Lisbon"')
    plan.add_argument("--start", help="first day, YYYY-MM-DD")
    plan.add_argument("--days", default="3", help="number of days (1-30, default 3)")
    plan.add_argument(
        "--nights", default=None, help="nights of lodging (0 to the days; default days - 1)"
    )
    plan.add_argument("--travelers", default="1", help="number of travellers (1-20, default 1)")
    plan.add_argument("--budget", help='cap for the whole trip, such as "2000 EUR"')
    plan.add_argument("--interest", action="append", help="an interest; repeat for more")
    plan.add_argument("--pace", default="balanced", help=f"one of {', '.join(PACES)}")
    plan.add_argument("--request-id", help="idempotency key: the same id returns the same trip")
    where = add_gateway_flags(plan)
    where.add_argument("--grpc", metavar="HOST:PORT", help="call the orchestrator directly")
    plan.add_argument("--timeout", default="90", help="seconds (default 90)")
    plan.add_argument("--json", action="store_true", help="print the trip as JSON")
    plan.set_defaults(func=cmd_plan)
    add_trips_parser(commands)


def _fail(message: str, code: int) -> int:
    print(f"tripmesh: {message}", file=sys.stderr)
    return code


def cmd_plan(args: argparse.Namespace) -> int:
    """Exit 0 with the trip; 2 for bad flags; 1 for an error from (or reaching) the server.

    With TRIPMESH_TLS_* set, both ways use mTLS / https with that certificate.
    """
    # Imported here: httpx (with rich, click and pygments) would cost every `tripmesh serve`
    # process several MB of memory for a command it never runs.
    from services.plan_command import transport

    try:
        request, timeout = trip_request(args), parse_timeout(args.timeout)
    except UsageError as exc:
        return _fail(str(exc), 2)
    files = client_tls()
    if args.grpc:
        events = transport.via_grpc(args.grpc, request, timeout, files)
    else:
        events = transport.via_gateway(
            gateway_url(args, files), request, timeout, args.api_key, files
        )
    started = time.monotonic()
    trip: Trip | None = None
    try:
        for event in events:
            print(render.progress(event, time.monotonic() - started), file=sys.stderr, flush=True)
            if event.stage == PlanStage.PLAN_STAGE_COMPLETED:
                trip = event.trip
    except transport.ServerError as exc:
        reason = f", {exc.reason}" if exc.reason else ""
        return _fail(f"{exc.message} ({exc.code}{reason})", 1)
    except transport.Unreachable as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    if trip is None:
        return _fail("the stream ended before the trip was complete", 1)
    return _print(_as_json(trip) if args.json else render.trip_text(trip))


def _print(text: str) -> int:
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # The reader went away (`| head`): quiet, and keep Python's exit flush quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _as_json(trip: Trip) -> str:
    return json_format.MessageToJson(trip, always_print_fields_with_no_presence=True, indent=2)
