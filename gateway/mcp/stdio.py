"""`tripmesh mcp`: the same MCP server over stdio, for desktop clients that start it.

stdout carries the protocol, so logs go to stderr. The mesh is found as every
service finds it (TRIPMESH_ENDPOINTS, Consul, or the well-known local ports).
"""

import sys

from mcp.server.stdio import stdio_server

from gateway.mcp.build import tools_server
from gateway.mcp.server import watching
from gateway.settings import Settings
from registry.factory import create_discovery
from services.runtime import tls_reload
from services.runtime.channels import ChannelPool
from services.runtime.logs import configure_logging
from services.runtime.server import discovery_options

SERVICE_NAME = "tripmesh-mcp"


async def serve_stdio(settings: Settings) -> None:
    """Serves one client on stdin/stdout until it closes them."""
    configure_logging(SERVICE_NAME, settings.log_level, stream=sys.stderr)
    discovery = create_discovery(discovery_options(settings))
    await discovery.start()
    pool = ChannelPool(
        discovery,
        default_deadline=settings.gateway_deadline,
        max_message_bytes=settings.max_message_bytes,
        certificates=tls_reload.watch_if(settings.tls),
    )
    tools = tools_server(pool, settings)
    try:
        async with watching(tools), stdio_server() as (read, write):
            await tools.server.run(read, write, tools.server.create_initialization_options())
    finally:
        await pool.close()
        await discovery.close()
