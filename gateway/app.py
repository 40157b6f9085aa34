"""The gateway's ASGI application: everything built once from the settings and descriptors.

Pure ASGI layers, outermost first: CORS → observe (request id, route, metrics, logs,
span, execution records, errors) → guard (keys, rate limit) → overload (adaptive limit) →
dispatch (fixed endpoints or the transcoding endpoint). Channels are opened in the lifespan
startup.
"""

import asyncio
import json
import logging
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.a2a_routes import a2a_routes
from gateway.agent_cards import AgentCards
from gateway.audit import AuditLog, audit_log_path
from gateway.auth import ApiKeys
from gateway.cors import origins, with_cors
from gateway.dispatch import Dispatcher, FixedEndpoint, MountedApp
from gateway.endpoint import CallPolicy, RpcEndpoint
from gateway.guard import GuardMiddleware
from gateway.health import Readiness, healthz
from gateway.keys import PATH as KEYS_PATH
from gateway.keys import KeysEndpoint
from gateway.mcp import PATH as MCP_PATH
from gateway.mesh import MeshView
from gateway.observe import ObserveMiddleware
from gateway.openapi import openapi_document
from gateway.overload import OverloadMiddleware
from gateway.pages import Pages
from gateway.propagation import forwardable
from gateway.ratelimit import build_admission
from gateway.responses import JSON, Receive, Scope, Send, send_response
from gateway.router import Router
from gateway.rules import Route, load_routes
from gateway.settings import Settings
from gateway.upstream import Upstreams
from registry import Discovery, Endpoint, Registration, known_service
from registry.factory import create_discovery
from services.runtime import tls_reload
from services.runtime.admission import exported
from services.runtime.channels import ChannelPool
from services.runtime.metrics import EXPORTED
from services.runtime.overload import Admission, LimitOptions
from services.runtime.reporting import ExecutionReporter
from services.runtime.server import discovery_options, package_version
from services.runtime.state.connection import SharedState
from services.runtime.state.spend import SharedLedger

if TYPE_CHECKING:
    from gateway.mcp.http import McpEndpoint

SERVICE = known_service("gateway")
logger = logging.getLogger(__name__)


class Gateway:
    """The ASGI app; `keys` tells the server whether to bind beyond loopback."""

    def __init__(self, settings: Settings, routes: list[Route] | None = None) -> None:
        self.settings = settings
        api = routes if routes is not None else load_routes()
        # A2A is described by its own spec and the agent cards, not by /openapi.json.
        self.routes = [*api, *a2a_routes()]
        self.keys = ApiKeys.from_settings(settings.api_keys, settings.api_key_file)
        self.endpoint = RpcEndpoint(self.routes, _policy(settings))
        self.readiness = Readiness(settings.gateway_readyz_timeout)
        # mTLS: its certificate, for HTTPS (gateway.server) and as a client of the mesh
        self.certificates = tls_reload.watch_if(settings.tls)
        self.mesh = MeshView(
            settings.gateway_readyz_timeout,
            self._own_entry,
            self.certificates,
        )
        self.address = ""  # host:port, once the server has bound
        self.document = _document(api, self.keys.enabled)
        self.cards = AgentCards(self.keys.enabled, mtls=settings.tls is not None)
        self.state = SharedState.from_settings(settings)
        keys_endpoint = KeysEndpoint(
            SharedLedger(self.state) if self.state is not None else None, settings.rate_limit
        )
        mounts: dict[str, MountedApp] = {
            MCP_PATH: self._mcp_request,
            **self.cards.mounts(),
            KEYS_PATH: keys_endpoint,
        }
        self.dispatcher = Dispatcher(
            Router(self.routes), self.endpoint, self._fixed(), mounts, Pages()
        )
        self.overload = OverloadMiddleware(
            self.dispatcher,
            exported(Admission(_edge_limit(settings))) if settings.overload_control else None,
        )
        guarded = GuardMiddleware(
            self.overload,
            self.keys,
            build_admission(settings.rate_limit, settings.rate_limit_burst, self.state),
            {rpm: build_admission(rpm, 0, self.state) for rpm in self.keys.rates},
        )
        methods = sorted({r.http_method for r in self.routes})
        path = audit_log_path(Path(settings.data_dir), settings.audit_log)
        self.audit = AuditLog(path, self.keys.enabled) if path is not None else None
        # Each API request as an execution of the gateway (TRIPMESH_ENABLE_PERFORMANCE_MONITORING),
        # sent to the monitor in batches once the channels are open: a trip's waterfall starts
        # with the gateway's request.
        self.reporter = ExecutionReporter.from_settings(SERVICE.discovery_name, settings)
        self.reporter.instance_id = settings.instance_id
        observed = ObserveMiddleware(guarded, self.dispatcher.resolve, self.audit, self.reporter)
        # Outermost, so that errors answered by observe (401, 403, 404, 429, ...) carry the
        # CORS headers too: a page can read the error and its Retry-After.
        self._http = with_cors(observed, origins(settings.cors_origins), methods)
        self._discovery: Discovery | None = None
        self._pool: ChannelPool | None = None
        self._registration: Registration | None = None
        self._mcp: asyncio.Task[None] | None = None  # serves /mcp once it is first asked
        self._mcp_ready: asyncio.Future[McpEndpoint] | None = None
        self._mcp_stop = asyncio.Event()

    def _fixed(self) -> dict[str, FixedEndpoint]:
        openapi = json.dumps(self.document, separators=(",", ":")).encode()
        return {
            "/healthz": healthz,
            "/readyz": self.readiness.readyz,
            "/v1/mesh": self.mesh.endpoint,
            "/metrics": _metrics,
            "/openapi.json": partial(_static, body=openapi, content_type=JSON),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def startup(self) -> None:
        """Starts discovery and opens a channel per upstream service."""
        settings = self.settings
        self._discovery = create_discovery(discovery_options(settings))
        await self._discovery.start()
        self._pool = ChannelPool(
            self._discovery,
            default_deadline=max(settings.gateway_max_deadline, settings.default_deadline),
            margin=0.0,  # the gateway is the first hop: the client's timeout passes on whole
            max_message_bytes=settings.max_message_bytes,
            certificates=self.certificates,  # its own certificate, as a client
            resilience=settings.resilience(),
        )
        self.reporter.connect(self._pool)
        await self.reporter.start()
        upstreams = Upstreams(self._pool, {r.rpc.upstream for r in self.routes})
        self.endpoint.upstreams = upstreams
        self.cards.upstreams = upstreams
        self.mesh.discovery = self._discovery
        self.readiness.upstreams = upstreams
        logger.info("routing %d HTTP routes to %s", len(self.routes), ", ".join(upstreams.services))

    async def _mcp_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._pool is None:
            raise RuntimeError("the gateway has not started")
        if self._mcp is None or self._mcp_ready is None:
            self._mcp_ready = asyncio.get_running_loop().create_future()
            self._mcp = asyncio.create_task(self._serve_mcp(self._pool, self._mcp_ready))
        endpoint = await asyncio.shield(self._mcp_ready)
        await endpoint(scope, receive, send)

    async def _serve_mcp(self, pool: ChannelPool, ready: "asyncio.Future[McpEndpoint]") -> None:
        """/mcp from its first request until shutdown, in a task of its own (the SDK's session
        manager is a task group, left in the task that entered it).

        Started on demand: the MCP SDK is some 25 MB of memory, and the watch of the tool
        registry a call every couple of seconds, that a gateway no MCP client uses is spared.
        """
        from gateway.mcp.build import tools_server
        from gateway.mcp.http import McpEndpoint

        settings = self.settings
        try:
            tools = tools_server(pool, settings)
            endpoint = McpEndpoint(tools, origins(settings.cors_origins), settings.max_body_bytes)
            async with endpoint.running():
                ready.set_result(endpoint)
                await self._mcp_stop.wait()
        except Exception as exc:
            logger.exception("MCP endpoint failed")
            if not ready.done():
                ready.set_exception(exc)
            self._mcp = None  # the next request tries again

    async def register(self, host: str, port: int) -> None:
        """Announces the gateway to discovery (Consul checks it on /readyz)."""
        self.address = Endpoint(host, port).address
        self.reporter.instance_id = self.settings.instance_id or self.address
        if self._discovery is None:
            return
        self._registration = Registration(
            name=SERVICE.discovery_name,
            instance_id=self.settings.instance_id or self.address,
            host=host,
            port=port,
            tags=("http", "v1"),
            meta={"version": package_version()},
        )
        await self._discovery.register(self._registration)

    async def drain(self) -> None:
        """First step of SIGTERM: /readyz turns 503 and the gateway leaves discovery."""
        self.readiness.draining = True
        if self._discovery is not None and self._registration is not None:
            try:
                await self._discovery.deregister(self._registration)
            except Exception:
                logger.warning("deregistration failed", exc_info=True)

    def _own_entry(self) -> dict[str, Any]:
        status = "NOT_SERVING" if self.readiness.draining else "SERVING"
        instance = {"address": self.address, "instanceId": "this gateway", "status": status}
        return {
            "name": SERVICE.name,
            "discoveryName": SERVICE.discovery_name,
            "status": status,
            "instances": [instance],
        }

    async def shutdown(self) -> None:
        if self._mcp is not None:  # MCP sessions end before their channels close
            self._mcp_stop.set()
            await asyncio.gather(self._mcp, return_exceptions=True)
            self._mcp, self._mcp_stop = None, asyncio.Event()
        await self.mesh.close()
        if self.audit is not None:
            self.audit.close()
        await self.reporter.stop()  # what is buffered goes out, once, before the channels close
        if self._pool is not None:
            await self._pool.close()
        if self._discovery is not None:
            await self._discovery.close()
        if self.state is not None:
            await self.state.aclose()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    logger.exception("gateway failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(settings: Settings, routes: list[Route] | None = None) -> Gateway:
    """The gateway for `settings`, serving `routes` (default: every annotated RPC)."""
    return Gateway(settings, routes)


def _policy(settings: Settings) -> CallPolicy:
    return CallPolicy(
        unary_deadline=settings.gateway_deadline,
        stream_deadline=settings.gateway_stream_deadline,
        max_deadline=settings.gateway_max_deadline,
        max_body_bytes=settings.max_body_bytes,
        forward_headers=forwardable(settings.gateway_forward_headers),
    )


def _edge_limit(settings: Settings) -> LimitOptions:
    """The services' limit options, with the edge's own minimum and wait for a slot (none by
    default: a client beyond the limit hears 503 and Retry-After at once, and retries
    elsewhere or later, rather than queueing at the door)."""
    # GradientLimit starts at the minimum when that is higher, and keeps within the maximum.
    return replace(
        settings.limit_options(),
        min_limit=settings.gateway_overload_min_limit,
        max_wait=settings.gateway_overload_max_wait,
    )


def _document(routes: list[Route], api_keys: bool) -> dict[str, Any]:
    return openapi_document(routes, version=package_version(), api_keys=api_keys)


async def _static(send: Send, *, body: bytes, content_type: bytes) -> None:
    await send_response(send, 200, body, content_type)


async def _metrics(send: Send) -> None:
    await send_response(send, 200, generate_latest(EXPORTED), CONTENT_TYPE_LATEST.encode())
