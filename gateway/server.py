"""Runs the gateway on uvicorn (asyncio, httptools) for `tripmesh serve gateway`.

Without API keys the gateway is open to anyone who can reach it, so it binds
loopback only, whatever TRIPMESH_HOST says.
"""

import asyncio
import ipaddress
import logging
import signal
import socket
import sys
from types import FrameType

import uvicorn

from gateway.app import SERVICE, Gateway, create_app
from gateway.auth import KeyFileError
from gateway.settings import Settings
from gateway.wire import GatewayProtocol
from services.runtime.logs import configure_logging
from services.runtime.server import announced_host
from services.runtime.tls_reload import reload_https
from services.runtime.tracing import configure_tracing

LOOPBACK = "127.0.0.1"
logger = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_host(settings: Settings, keys_enabled: bool) -> str:
    """TRIPMESH_HOST, or loopback (with a warning) when there are no keys to guard it."""
    if keys_enabled:
        return settings.host
    if not is_loopback(settings.host):
        logger.warning(
            "no API keys (TRIPMESH_API_KEYS / TRIPMESH_API_KEY_FILE): refusing to bind %s,"
            " binding %s only",
            settings.host,
            LOOPBACK,
        )
        return LOOPBACK
    logger.warning("no API keys: the gateway is open to local clients only (%s)", settings.host)
    return settings.host


def uvicorn_config(settings: Settings, app: Gateway) -> uvicorn.Config:
    port = settings.port if settings.port is not None else SERVICE.port
    # With mTLS on, the gateway serves HTTPS with its own certificate; it asks callers for
    # none (outside callers prove themselves with API keys) and presents it upstream.
    files = settings.tls
    return uvicorn.Config(
        app,
        host=bind_host(settings, app.keys.enabled),
        port=port,
        # asyncio's own loop: with uvloop, grpc.aio's upstream calls answered later at low
        # concurrency (ListTrips at concurrency 1: p50 8.8 ms against 6.5 ms, paired runs on
        # one mesh) for no CPU saved that the benchmark could see.
        loop="asyncio",
        http=GatewayProtocol,  # httptools, head and body in one send
        log_config=None,
        access_log=False,  # gateway.access logs every request as JSON, with its request id
        timeout_graceful_shutdown=int(settings.grace_period) or None,
        lifespan="on",
        server_header=False,
        ssl_certfile=str(files.cert) if files else None,
        ssl_keyfile=str(files.key) if files else None,
    )


def run(settings: Settings) -> int:
    """Serves until SIGTERM or SIGINT; uvicorn drains open requests before it exits."""
    configure_logging(SERVICE.discovery_name, settings.log_level)
    configure_tracing(
        SERVICE.discovery_name, settings.tracing, settings.otel_exporter_otlp_endpoint
    )
    try:
        app = create_app(settings)
    except KeyFileError as exc:
        print(f"tripmesh: invalid setting {exc}", file=sys.stderr)
        return 2
    server = DrainingServer(uvicorn_config(settings, app), app, settings.drain_delay)
    _ignore_stop_signals_after_drain()
    server.run()  # on the loop the config names
    return 0 if server.started else 1


class DrainingServer(uvicorn.Server):
    """uvicorn that registers the gateway once it listens and, on SIGTERM, leaves
    discovery (and turns /readyz 503) before it stops accepting requests."""

    def __init__(self, config: uvicorn.Config, app: Gateway, drain_delay: float) -> None:
        super().__init__(config)
        self._gateway = app
        self._drain_delay = drain_delay
        self._draining: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        if self.config.ssl is not None and self._gateway.certificates is not None:
            # renewed certificate files: served from the next handshake on, without a restart
            reload_https(self.config.ssl, self._gateway.certificates)
        await super().startup(sockets)
        if self.started and self.servers:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            await self._gateway.register(announced_host(str(host)), int(port))

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._draining is not None or not self.started:
            super().handle_exit(sig, frame)
            return
        self._draining = asyncio.get_running_loop().create_task(self._drain(sig, frame))

    async def _drain(self, sig: int, frame: FrameType | None) -> None:
        await self._gateway.drain()
        await asyncio.sleep(self._drain_delay)
        super().handle_exit(sig, frame)


def _ignore_stop_signals_after_drain() -> None:
    """uvicorn handles SIGTERM and SIGINT while it serves, then raises the signal again once
    drained; with these handlers in place that is a no-op, and the gateway exits 0 as every
    other service does."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
