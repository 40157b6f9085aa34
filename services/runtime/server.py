"""The server factory every service uses: a grpc.aio server with health,
reflection, interceptors, metrics and discovery, and a graceful drain."""

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Generic, TypeVar

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from registry import Discovery, Endpoint, KnownService, Registration
from registry.factory import DiscoveryOptions, create_discovery
from services.runtime import tls_reload
from services.runtime.admission import exported
from services.runtime.channels import ChannelPool
from services.runtime.memory import settle_after_start
from services.runtime.metrics import serve_metrics
from services.runtime.otel_metrics import configure_otel_metrics
from services.runtime.overload import Admission
from services.runtime.pipeline import FaultDelay, ServerPipeline
from services.runtime.readiness import Probe, Readiness
from services.runtime.reflection import DocumentedPool
from services.runtime.reporting import ExecutionReporter
from services.runtime.settings import RuntimeSettings, ServerSettings
from services.runtime.state.connection import SharedState
from services.runtime.tracing import configure_tracing, server_interceptor

logger = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]
# Covariant: a helper that needs only the LLM settings takes ServiceContext[LLMServerSettings]
# and accepts the context of any service whose settings include them.
SettingsT = TypeVar("SettingsT", bound=ServerSettings, covariant=True)
S = TypeVar("S", bound=ServerSettings)


@dataclass
class ServiceContext(Generic[SettingsT]):
    """What a service's `install` gets: its settings and the shared clients.

    Services add their servicers to the server and may add start and stop hooks
    (background tasks, stores), registration tags (the tools they offer) and metadata
    (their A2A skills).
    """

    service: KnownService
    settings: SettingsT  # type: ignore[misc]  # read-only by convention; see SettingsT
    instance_id: str
    discovery: Discovery
    channels: ChannelPool
    health: health.aio.HealthServicer
    proto_services: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # more Consul service metadata
    on_start: list[Hook] = field(default_factory=list)
    on_drain: list[Hook] = field(default_factory=list)  # after NOT_SERVING, before stopping
    on_stop: list[Hook] = field(default_factory=list)
    port: int = 0
    reporter: ExecutionReporter = field(default_factory=ExecutionReporter.disabled)
    state: SharedState | None = None  # TRIPMESH_STATE_URL: what replicas share
    # What the service cannot serve without, by name: readiness follows their probes.
    hard_dependencies: dict[str, Probe] = field(default_factory=dict)


Install = Callable[[grpc.aio.Server, ServiceContext[S]], Awaitable[None]]


def package_version() -> str:
    try:
        return version("tripmesh")
    except PackageNotFoundError:
        return "0.0.0"


class ServiceServer:
    """A running service: start, serve, drain."""

    def __init__(self, server: grpc.aio.Server, context: ServiceContext[ServerSettings]) -> None:
        self.server = server
        self.context = context
        self._registration: Registration | None = None
        self.serving = False  # the overall health, for the plain-HTTP /readyz of the metrics port
        self._readiness: asyncio.Task[None] | None = None

    @property
    def health_names(self) -> list[str]:
        """ "" and every name the service answers health checks for."""
        return ["", self.context.service.discovery_name, *self.context.proto_services]

    async def start(self) -> None:
        """Starts serving, marks health SERVING and registers with discovery.

        If any step fails (Consul refusing the token, a store that cannot open),
        everything started so far is stopped before the error goes up, so that the
        process can exit with one line instead of hanging on background work.
        """
        try:
            await self._start()
        except BaseException:
            await self._abandon()
            raise

    async def _start(self) -> None:
        ctx = self.context
        await ctx.discovery.start()
        await self.server.start()
        for hook in ctx.on_start:
            await hook()
        settle_after_start()  # what the warm-up hooks loaded, freed and keep
        await self._set_serving(True)
        if ctx.hard_dependencies:
            readiness = Readiness(
                ctx.hard_dependencies,
                self._set_serving,
                interval=ctx.settings.readiness_interval,
            )
            self._readiness = asyncio.create_task(readiness.run(), name="readiness")
        self._registration = Registration(
            name=ctx.service.discovery_name,
            instance_id=ctx.instance_id,
            host=announced_host(ctx.settings.host),
            port=ctx.port,
            tags=("grpc", "v1", *ctx.tags),
            meta={
                **ctx.meta,
                "version": package_version(),
                "proto_services": ",".join(ctx.proto_services),
            },
        )
        await ctx.discovery.register(self._registration)
        logger.info("serving %s on %s:%d", ctx.service.discovery_name, ctx.settings.host, ctx.port)

    async def _set_serving(self, serving: bool) -> None:
        status = health_pb2.HealthCheckResponse
        for name in self.health_names:
            await self.context.health.set(name, status.SERVING if serving else status.NOT_SERVING)
        self.serving = serving

    async def _stop_readiness(self) -> None:
        if self._readiness is not None:
            self._readiness.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._readiness

    async def _abandon(self) -> None:
        ctx = self.context
        await self._stop_readiness()
        await self.server.stop(0)
        await _run_hooks(reversed(ctx.on_stop), "stop")
        await ctx.channels.close()
        await ctx.discovery.close()
        if ctx.state is not None:
            await ctx.state.aclose()

    async def drain(self) -> None:
        """NOT_SERVING, deregister, let in-flight calls finish within the grace period, stop."""
        ctx = self.context
        logger.info("draining %s", ctx.service.discovery_name)
        await self._stop_readiness()
        self.serving = False
        await ctx.health.enter_graceful_shutdown()
        if self._registration is not None:
            try:
                await ctx.discovery.deregister(self._registration)
            except Exception:
                logger.warning("deregistration failed", exc_info=True)
        await _run_hooks(ctx.on_drain, "drain")
        if ctx.settings.drain_delay:
            await asyncio.sleep(ctx.settings.drain_delay)
        await self.server.stop(ctx.settings.grace_period)
        await _run_hooks(reversed(ctx.on_stop), "stop")
        await ctx.channels.close()
        await ctx.discovery.close()
        if ctx.state is not None:
            await ctx.state.aclose()
        logger.info("stopped %s", ctx.service.discovery_name)


async def _run_hooks(hooks: Iterable[Hook], stage: str) -> None:
    """Runs every hook; one that fails is logged and does not stop the others."""
    for hook in hooks:
        try:
            await hook()
        except Exception:
            logger.warning("%s hook failed", stage, exc_info=True)


def announced_host(host: str) -> str:
    """The address to give discovery: the bound one, or this host's when bound to all."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def discovery_options(settings: RuntimeSettings) -> DiscoveryOptions:
    return DiscoveryOptions(
        kind=settings.discovery_kind,
        endpoints=settings.endpoints,
        consul_address=settings.consul_http_addr,
        consul_token=settings.consul_http_token,
        consul_ca_file=settings.consul_cacert,
        check_interval=settings.consul_check_interval,
        check_timeout=settings.consul_check_timeout,
        tls_checks=settings.tls is not None,
        verify_checks=settings.consul_verify_checks,
    )


def _interceptors(
    service: KnownService, settings: ServerSettings, reporter: ExecutionReporter
) -> list[grpc.aio.ServerInterceptor]:
    """The server's one interceptor: overload control, tracing, metrics, reports, request
    context, fault delay, errors, the caller check and the door (see pipeline.py)."""
    fault_delay = None
    if settings.fault_delay_ms:
        prefixes = tuple(p.strip() for p in settings.fault_delay_methods.split(",") if p.strip())
        fault_delay = FaultDelay(settings.fault_delay_ms / 1000, prefixes)
    pipeline = ServerPipeline(
        service.discovery_name,
        tracing=server_interceptor(),
        admission=(
            exported(Admission(settings.limit_options())) if settings.overload_control else None
        ),
        reporter=reporter,
        fault_delay=fault_delay,
        authorize=settings.tls is not None,
    )
    return [pipeline]


async def build_server(
    service: KnownService, settings: S, install: Install[S]
) -> tuple[ServiceServer, int]:
    """Builds a service's server, bound but not started; returns it and its port.

    `settings.port` 0 binds a free port (tests); None binds the service's well-known port.
    """
    certificates = tls_reload.watch_if(settings.tls)  # the server's and its clients'
    discovery = create_discovery(discovery_options(settings))
    channels = ChannelPool(
        discovery,
        default_deadline=settings.default_deadline,
        margin=settings.deadline_margin,
        max_message_bytes=settings.max_message_bytes,
        certificates=certificates,
        resilience=settings.resilience(),
    )
    reporter = ExecutionReporter.from_settings(service.discovery_name, settings)
    server = grpc.aio.server(
        interceptors=_interceptors(service, settings, reporter),
        options=[
            ("grpc.max_receive_message_length", settings.max_message_bytes),
            ("grpc.max_send_message_length", settings.max_message_bytes),
            ("grpc.so_reuseport", 0),
        ],
        maximum_concurrent_rpcs=settings.max_concurrent_rpcs,
    )
    port = settings.port if settings.port is not None else service.port
    try:
        bound = _add_port(server, _bind_address(settings.host, port), certificates)
    except RuntimeError:  # grpc's way of saying the address is taken or invalid
        bound = 0
    if bound == 0:
        raise OSError(f"cannot bind {settings.host}:{port} (TRIPMESH_HOST, TRIPMESH_PORT)")
    context = ServiceContext(
        service=service,
        settings=settings,
        # host:port names the instance in metrics, records and discovery: stable across
        # restarts and readable, where a random id would grow a new series per process
        instance_id=settings.instance_id or Endpoint(announced_host(settings.host), bound).address,
        discovery=discovery,
        channels=channels,
        health=health.aio.HealthServicer(),
        reporter=reporter,
        state=SharedState.from_settings(settings),
    )
    reporter.attach(context)
    # grpc's health servicer answers SERVING for "" from the start; not before warm-up.
    await context.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(context.health, server)
    await install(server, context)
    if service.proto_service and service.proto_service not in context.proto_services:
        context.proto_services.insert(0, service.proto_service)
    reflection.enable_server_reflection(
        [*context.proto_services, health.SERVICE_NAME, reflection.SERVICE_NAME],
        server,
        pool=DocumentedPool(),  # type: ignore[arg-type]  # duck-typed: the calls reflection makes
    )
    context.port = bound
    return ServiceServer(server, context), bound


def _add_port(
    server: grpc.aio.Server, address: str, certificates: tls_reload.CertificateWatch | None
) -> int:
    """Binds `address`: mTLS only when TLS is configured (no plaintext port beside it), with
    the current certificate of the files for each new connection."""
    if certificates is None:
        return server.add_insecure_port(address)
    return server.add_secure_port(address, tls_reload.server_credentials(certificates))


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def serve(service: KnownService, settings: S, install: Install[S]) -> int:
    """Runs a service until SIGTERM or SIGINT, then drains it; returns the exit code."""
    configure_tracing(
        service.discovery_name, settings.tracing, settings.otel_exporter_otlp_endpoint
    )
    configure_otel_metrics(
        service.discovery_name, settings.tracing, settings.otel_exporter_otlp_endpoint
    )
    server, _port = await build_server(service, settings, install)
    metrics_port = (
        settings.metrics_port if settings.metrics_port is not None else service.metrics_port
    )
    serve_metrics(settings.host, metrics_port, ready=lambda: server.serving)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    await stop.wait()
    await server.drain()
    return 0
