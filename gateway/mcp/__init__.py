"""The mesh's tools as an MCP server (Model Context Protocol, the official `mcp` SDK).

`tools/list` comes from the tool registry, `tools/call` goes through the task
router (so routing, statistics and failures are the mesh's own), and
`plan_trip` is the orchestrator. Served over Streamable HTTP at /mcp on the
gateway (gateway.mcp.http) and over stdio by `tripmesh mcp` (gateway.mcp.stdio).
"""

PATH = "/mcp"  # where the gateway serves it
