"""Heartbeats stopped: the provider is gone within the TTL; registry restarted: providers
are back within a heartbeat or two."""

import signal
import time

from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2

from tests.integration.mesh_tools.conftest import (
    HEARTBEAT,
    TTL,
    ToolsMesh,
    all_provided,
    eventually,
    providers_of,
)


def guide_providers(mesh: ToolsMesh) -> list[str]:
    return providers_of(mesh).get("tools/guide.season", [])


def test_a_silent_provider_is_dropped_within_the_ttl_and_returns(tools_mesh: ToolsMesh) -> None:
    guide = tools_mesh.members["guide"].process
    assert guide is not None
    guide.send_signal(signal.SIGSTOP)  # alive, but no heartbeat leaves it
    try:
        _, gone_after = eventually(lambda: not guide_providers(tools_mesh), timeout=TTL + 3)
        tool = tools_mesh.registry().GetTool(registry_pb2.GetToolRequest(name="tools/guide.season"))
        assert not tool.available  # still listed, as unavailable
    finally:
        guide.send_signal(signal.SIGCONT)
    assert TTL - HEARTBEAT - 0.5 <= gone_after <= TTL + 0.5
    _, back_after = eventually(lambda: guide_providers(tools_mesh), timeout=5 * HEARTBEAT + 2)
    assert back_after <= 2 * HEARTBEAT + 1  # its next heartbeat learns it was forgotten


def test_registry_restart_providers_register_again(tools_mesh: ToolsMesh) -> None:
    tools_mesh.kill("tool-registry")
    tools_mesh.start("tool-registry").wait_serving()
    began = time.monotonic()
    eventually(lambda: all_provided(tools_mesh), timeout=15)
    # Within a heartbeat or two, plus the client channel's reconnect backoff (about a second).
    assert time.monotonic() - began <= 2 * HEARTBEAT + 2.0
