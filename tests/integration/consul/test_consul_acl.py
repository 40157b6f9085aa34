"""A Consul with ACLs: a wrong or missing CONSUL_HTTP_TOKEN is a clear, typed error."""

import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from registry.base import Registration
from registry.consul import ConsulDiscovery, ConsulTokenError
from services.runtime import errors
from tests.integration.consul.conftest import (
    ACL_MASTER_TOKEN,
    HealthServer,
    Recorder,
    config_for,
    ports,
)
from tests.support.consul.agent import ConsulAgent
from tests.support.processes import ROOT, base_env

pytestmark = pytest.mark.consul

Servers = Callable[[], Awaitable[HealthServer]]


async def test_wrong_token_fails_at_start_naming_the_variable(acl_agent: ConsulAgent) -> None:
    discovery = ConsulDiscovery(config_for(acl_agent, token="not-a-real-token"))
    try:
        with pytest.raises(ConsulTokenError) as caught:
            await discovery.start()
    finally:
        await discovery.close()
    error = caught.value
    assert isinstance(errors.from_discovery_error(error), errors.PermissionDenied)
    assert "CONSUL_HTTP_TOKEN" in str(error)
    assert "ACL not found" in str(error)
    assert "\n" not in str(error)
    assert error.reason == "CONSUL_TOKEN_REJECTED"
    assert "not-a-real-token" not in str(error)  # never echo a secret


async def test_missing_token_fails_at_register_naming_the_variable(acl_agent: ConsulAgent) -> None:
    discovery = ConsulDiscovery(config_for(acl_agent))
    try:
        await discovery.start()  # anonymous might be allowed: only registering tells
        with pytest.raises(ConsulTokenError, match=r"CONSUL_HTTP_TOKEN \(not set\).*denied"):
            await discovery.register(Registration("budget", "budget-acl", "127.0.0.1", 1))
    finally:
        await discovery.close()


async def test_right_token_registers_and_resolves(
    acl_agent: ConsulAgent, health_servers: Servers
) -> None:
    server = await health_servers()
    discovery = ConsulDiscovery(config_for(acl_agent, token=ACL_MASTER_TOKEN))
    try:
        await discovery.start()
        registration = server.registration("budget")
        await discovery.register(registration)
        response = acl_agent.get("/v1/agent/services", token=ACL_MASTER_TOKEN).json()
        assert response[registration.instance_id]["Service"] == "tripmesh-budget"
        recorder = Recorder()  # the watch reads with the token too
        discovery.watch("budget", recorder)
        await recorder.until(lambda eps: ports(eps) == {server.port}, within=4)
    finally:
        await discovery.close()


def test_a_service_with_a_wrong_token_exits_non_zero_with_one_line(
    acl_agent: ConsulAgent, tmp_path: Path
) -> None:
    env = base_env(
        tmp_path,
        CONSUL_HTTP_ADDR=acl_agent.http_addr,
        CONSUL_HTTP_TOKEN="not-a-real-token",
        TRIPMESH_PORT="0",
        TRIPMESH_METRICS_PORT="0",
    )
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "serve", "budget"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "CONSUL_HTTP_TOKEN" in line
    assert "not-a-real-token" not in line
    assert "Traceback" not in result.stdout
