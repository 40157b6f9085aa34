"""Consul going away and coming back: cached endpoints serve, registrations come back."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import pytest

from registry.consul import ConsulDiscovery
from tests.integration.consul.conftest import HealthServer, Recorder, config_for, ports
from tests.support.consul.agent import ConsulAgent

pytestmark = pytest.mark.consul

Servers = Callable[[], Awaitable[HealthServer]]
UNREACHABLE = "is unreachable"


def _outage_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.WARNING and UNREACHABLE in r.message]


async def test_consul_stopped_keeps_cached_endpoints_and_restores_the_registration(
    own_agent: ConsulAgent, health_servers: Servers, caplog: pytest.LogCaptureFixture
) -> None:
    own_agent.start()
    server = await health_servers()
    discovery = ConsulDiscovery(config_for(own_agent))
    await discovery.start()
    recorder = Recorder()
    try:
        discovery.watch("planner", recorder)
        registration = server.registration("planner")
        await discovery.register(registration)
        await recorder.until(lambda eps: ports(eps) == {server.port}, within=4)
        before_outage = len(recorder.calls)

        own_agent.stop()  # a dev agent forgets everything: like a replaced Consul pod
        await asyncio.sleep(2)
        assert ports(discovery.endpoints("planner")) == {server.port}
        started = time.monotonic()
        assert ports(await discovery.resolve("planner")) == {server.port}
        assert time.monotonic() - started < 0.05  # from the cache
        assert len(_outage_warnings(caplog)) == 1  # one warning per outage, not per retry

        own_agent.start()
        await _until_registered(own_agent, registration.instance_id, within=5)
        await _until_passing_in(own_agent, "tripmesh-planner", within=4)
        await asyncio.sleep(0.5)  # the watch has read it by now
        assert ports(discovery.endpoints("planner")) == {server.port}
        # The cache never emptied: an empty answer from a recovering Consul was held back.
        assert recorder.calls[before_outage:] == []
    finally:
        await discovery.close()


async def test_unreachable_at_start_warns_once_then_registers_when_consul_answers(
    own_agent: ConsulAgent, health_servers: Servers, caplog: pytest.LogCaptureFixture
) -> None:
    server = await health_servers()
    discovery = ConsulDiscovery(config_for(own_agent))  # its port has no agent yet
    try:
        await discovery.start()  # no exception: the service starts anyway
        registration = server.registration("guide")
        await discovery.register(registration)  # deferred, not failed
        assert await discovery.resolve("guide") == []
        await asyncio.sleep(1)
        assert len(_outage_warnings(caplog)) == 1

        own_agent.start()
        await _until_registered(own_agent, registration.instance_id, within=3)
        recorder = Recorder()
        discovery.watch("guide", recorder)
        await recorder.until(lambda eps: ports(eps) == {server.port}, within=4)
    finally:
        await discovery.close()


async def _until_registered(agent: ConsulAgent, instance_id: str, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        response = await asyncio.to_thread(agent.get, f"/v1/agent/service/{instance_id}")
        if response.status_code == 200:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{instance_id} not registered again within {within}s")


async def _until_passing_in(agent: ConsulAgent, name: str, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        response = await asyncio.to_thread(agent.get, f"/v1/health/service/{name}?passing=1")
        if response.status_code == 200 and response.json():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{name} not passing within {within}s")
