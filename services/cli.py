"""The `tripmesh` command: serve one service, bring the whole mesh up, check it."""

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from registry import KNOWN_SERVICES, known_service
from registry.errors import DiscoveryError
from services.plan_command import add_parser as add_plan_parser
from services.plan_command.flags import port_offset
from services.runtime.errors import TripmeshError
from services.runtime.logs import configure_logging
from services.runtime.private_files import make_private_tree, restrict_umask
from services.runtime.server import serve
from services.runtime.settings import RuntimeSettings, SettingsError, load_settings
from services.runtime.tls import TlsFiles
from services.server_modules import server_module

# What only the mesh commands use is imported in them: `tripmesh serve` runs in every process
# of the mesh, and the certificates (cryptography), the supervisor and the model settings
# would cost each of them memory for commands it never runs.
if TYPE_CHECKING:
    from services.supervisor import Child, Mesh


def fail(message: str, code: int = 2) -> int:
    print(f"tripmesh: {message}", file=sys.stderr)
    return code


def run_loop(main: Coroutine[Any, Any, int], loop: str) -> int:
    """Runs a server on asyncio's event loop, or on uvloop (TRIPMESH_EVENT_LOOP) where it is
    installed (uvicorn[standard] brings it, except on Windows)."""
    if loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.run(main)
    return asyncio.run(main)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        service = known_service(args.name)
    except KeyError as exc:
        return fail(str(exc.args[0]))
    module = server_module(service.name)
    settings = load_settings(module.Settings)  # the service's own: it names a bad variable
    restrict_umask()  # the store, its WAL, the audit log: 0600 from the start
    if hasattr(module, "run"):
        return int(module.run(settings))
    configure_logging(service.discovery_name, settings.log_level)
    try:
        return run_loop(serve(service, settings, module.install), settings.event_loop)
    except (OSError, TripmeshError, DiscoveryError) as exc:
        # A port already taken, Consul refusing CONSUL_HTTP_TOKEN: one line, no traceback.
        return fail(f"{service.name}: {exc}", 1)


def certs_dir(settings: RuntimeSettings) -> Path:
    """Where `tripmesh certs` and `tripmesh up --tls` keep the development certificates."""
    return Path(settings.data_dir) / "certs"


def cmd_certs(args: argparse.Namespace) -> int:
    from services import certs

    settings = load_settings(RuntimeSettings)
    directory = Path(args.dir) if args.dir else certs_dir(settings)
    if certs.usable(directory) and not args.force:
        # A new CA would lock out every service still holding a certificate of the old one.
        return fail(f"{directory} already holds usable certificates; --force replaces them")
    certs.generate(directory)
    print(f"tripmesh: a development CA and certificates for {', '.join(certs.identities())}")
    print(f"  in {directory} (keys 0600); `tripmesh up --tls` uses {certs_dir(settings)}")
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    from services import certs
    from services.llm.settings import LLMSettings
    from services.supervisor import Mesh

    settings = load_settings(RuntimeSettings)
    restrict_umask()
    make_private_tree(Path(settings.data_dir))  # also what an older version left readable
    if settings.tls is not None and not args.tls:
        # Every child would share that one certificate, and so one identity.
        return fail("TRIPMESH_TLS_* are set: `tripmesh up --tls` gives each service its own")
    if missing := load_settings(LLMSettings).missing_key():
        return fail(missing)  # every agent would stop at start on it: say it once, start none
    tls_dir = certs_dir(settings) if args.tls else None
    if tls_dir is not None and certs.ensure(tls_dir):
        print(f"tripmesh: generated development certificates in {tls_dir}", flush=True)
    mesh = Mesh(
        args.host,
        args.port_offset,
        Path(settings.data_dir) / "logs",
        settings.grace_period,
        tls_dir=tls_dir,
    )
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    if taken := mesh.ports_in_use():
        names = ", ".join(f"{port} ({child.service.name})" for child, port in taken)
        return fail(
            f"ports already in use on {mesh.host}: {names}. Is another mesh running"
            " (`tripmesh status`)? Stop it, or run beside it with --port-offset N.",
            1,
        )
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    mesh.start()
    not_ready = mesh.wait_ready(args.timeout, lambda: stopping)
    if stopping:
        mesh.stop()
        return 0
    if failed := _report_failures(mesh, not_ready, args.timeout):
        mesh.stop()
        return failed
    _print_endpoints(mesh)
    while not stopping:
        if dead := mesh.dead():
            for child in dead:
                assert child.process is not None
                print(
                    f"tripmesh: {child.service.name} exited with code {child.process.returncode}"
                    f" (log: {child.log_path}); stopping the mesh",
                    file=sys.stderr,
                )
            mesh.stop()
            return 1
        time.sleep(0.2)
    print("tripmesh: draining every service ...", flush=True)
    mesh.stop()
    print("tripmesh: stopped", flush=True)
    return 0


def _report_failures(mesh: "Mesh", not_ready: "list[Child]", timeout: float) -> int:
    for child in mesh.dead():
        code = child.process.returncode if child.process else "?"
        tail = child.log_path.read_text(errors="replace").strip().splitlines()[-3:]
        print(
            f"tripmesh: {child.service.name} exited with code {code} during start"
            f" (log: {child.log_path})",
            file=sys.stderr,
        )
        for line in tail:
            print(f"  {line}", file=sys.stderr)
    if mesh.dead():
        return 1
    if not_ready:
        names = ", ".join(c.service.name for c in not_ready)
        print(f"tripmesh: not SERVING after {timeout:.0f} s: {names}", file=sys.stderr)
        return 1
    return 0


def _print_endpoints(mesh: "Mesh") -> None:
    operator = mesh.client_tls
    scheme = "https" if operator else "http"
    print("tripmesh is up" + (" (mTLS)" if operator else "") + ":")
    for child in mesh.children:
        kind = scheme if not child.service.proto_service else "grpc"
        print(f"  {child.service.name:<20} {kind} {mesh.host}:{child.port}   log {child.log_path}")
    gateway = next(c for c in mesh.children if not c.service.proto_service)
    orchestrator = next(c for c in mesh.children if c.service.name == "orchestrator")
    print("\ntry:")
    print(
        f"  curl{f' --cacert {operator.ca}' if operator else ''}"
        f" -X POST -H 'Content-Type: application/json'"
        f" {scheme}://{mesh.host}:{gateway.port}/v1/trips:plan -d "
        """'{"destination":"Lisbon","startDate":"2027-05-01","days":4,"travelers":2,"""
        """"budget":{"currencyCode":"EUR","units":2000},"interests":["food","history"]}'"""
    )
    print(f"  grpcurl {_grpcurl_flags(operator)} {mesh.host}:{orchestrator.port} list")
    gateway_url = f"{scheme}://{mesh.host}:{gateway.port}"
    print(f"  A2A agent card: {gateway_url}/.well-known/agent-card.json")
    offset = f" --port-offset {mesh.offset}" if mesh.offset else ""
    print(f"  MCP: {gateway_url}/mcp (Streamable HTTP), or `tripmesh mcp{offset}` (stdio)")
    if operator:
        print("\nthe command line as the operator (tripmesh plan --grpc, tripmesh status):")
        for variable, path in (
            ("TRIPMESH_TLS_CERT", operator.cert),
            ("TRIPMESH_TLS_KEY", operator.key),
            ("TRIPMESH_TLS_CA", operator.ca),
        ):
            print(f"  export {variable}={path}")
    print("\nCtrl-C drains and stops every service.", flush=True)


def cmd_mcp(args: argparse.Namespace) -> int:
    from gateway.mcp.stdio import serve_stdio  # the MCP SDK loads only for this command
    from gateway.settings import Settings
    from services.supervisor import endpoints_env

    settings = load_settings(Settings)
    if args.port_offset and not settings.endpoints:
        settings.endpoints = endpoints_env(args.host, args.port_offset)
    if settings.tls is None and (files := client_tls(args, settings)) is not None:
        settings.tls_cert, settings.tls_key, settings.tls_ca = files.cert, files.key, files.ca
    asyncio.run(serve_stdio(settings))
    return 0


def _grpcurl_flags(operator: TlsFiles | None) -> str:
    """grpcurl's flags for the mesh: plaintext, or the operator's certificate with mTLS
    (the servers' certificates name them by discovery name and 127.0.0.1)."""
    if operator is None:
        return "-plaintext"
    return f"-cacert {operator.ca} -cert {operator.cert} -key {operator.key}"


def client_tls(args: argparse.Namespace, settings: RuntimeSettings) -> TlsFiles | None:
    """TRIPMESH_TLS_* when set; else, with --tls, the operator's certificate of `up --tls`."""
    if settings.tls is not None or not args.tls:
        return settings.tls
    from services import certs

    return certs.files(certs_dir(settings), certs.OPERATOR)


# Trips go on without these: the mesh is degraded, not down (see gateway /readyz).
OPTIONAL = frozenset({"performance-monitor", "task-router", "tool-registry"})


def cmd_status(args: argparse.Namespace) -> int:
    """One line per service, then the mesh: SERVING, DEGRADED (exit 0) or DOWN (exit 1)."""
    from services import certs
    from services.supervisor import health_status, is_serving

    settings = load_settings(RuntimeSettings)
    files = client_tls(args, settings)
    down: list[str] = []
    for service in KNOWN_SERVICES.values():
        port = service.port + args.port_offset
        if service.proto_service:
            status = health_status(args.host, port, files=files, server=service.discovery_name)
            models = f"{service.discovery_name}.models"
            if (
                health_status(
                    args.host, port, service=models, files=files, server=service.discovery_name
                )
                == "NOT_SERVING"
            ):
                status += " (models: every remote provider unavailable, answering offline)"
        else:
            serving = is_serving(service, args.host, port, files=files)
            status = "SERVING" if serving else "UNREACHABLE"
        if not status.startswith("SERVING"):
            down.append(service.name)
        print(f"{service.name:<20} {args.host}:{port:<6} {status}")
    required = [name for name in down if name not in OPTIONAL]
    if len(down) == len(KNOWN_SERVICES) and files is None and certs.usable(certs_dir(settings)):
        print("tripmesh: nothing answers in plaintext; a mesh of `up --tls`? add --tls")
    if required:
        print(f"mesh: DOWN ({', '.join(required)} not serving)")
    elif down:
        print(f"mesh: DEGRADED, trips are served ({', '.join(down)} not serving)")
    else:
        print("mesh: SERVING")
    return 1 if required else 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="tripmesh", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run one service (what a container runs)")
    serve_cmd.add_argument("name", help=f"one of: {', '.join(KNOWN_SERVICES)}")
    serve_cmd.set_defaults(func=cmd_serve)
    for name, func, help_text in (
        ("up", cmd_up, "start every service and the gateway, until Ctrl-C"),
        ("status", cmd_status, "print each service's health"),
        ("mcp", cmd_mcp, "serve the mesh's tools to an MCP client over stdio"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument(
            "--port-offset", type=port_offset, default=0, help="added to every well-known port"
        )
        command.add_argument(
            "--tls",
            action="store_true",
            help="mTLS with the development certificates in TRIPMESH_DATA_DIR/certs"
            " (`up` generates them when missing or about to expire)",
        )
        command.set_defaults(func=func)
    certs_cmd = commands.add_parser(
        "certs", help="write a development CA and a certificate per service (mTLS)"
    )
    certs_cmd.add_argument("--dir", help="where to write them (default: TRIPMESH_DATA_DIR/certs)")
    certs_cmd.add_argument("--force", action="store_true", help="replace usable certificates")
    certs_cmd.set_defaults(func=cmd_certs)
    commands.choices["up"].add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for every service"
    )
    add_plan_parser(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        return fail(f"invalid setting {exc}")


if __name__ == "__main__":
    sys.exit(main())
