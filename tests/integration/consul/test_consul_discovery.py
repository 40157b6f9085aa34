"""ConsulDiscovery against a real dev agent: register, check, watch, deregister."""

import time
from collections.abc import Awaitable, Callable

import pytest

from registry.base import Endpoint
from registry.consul import ConsulDiscovery
from tests.integration.consul.conftest import HealthServer, Recorder, ports
from tests.support.consul.agent import ConsulAgent

pytestmark = pytest.mark.consul

Servers = Callable[[], Awaitable[HealthServer]]


async def test_registration_carries_name_tags_meta_and_grpc_check(
    discovery: ConsulDiscovery, consul_agent: ConsulAgent, health_servers: Servers
) -> None:
    server = await health_servers()
    registration = server.registration(
        "planner",
        instance_id=f"tripmesh-planner-test-{server.port}",
        tags=("tool:draft_itinerary", "grpc"),
        meta={"version": "0.1.0", "proto_services": "tripmesh.v1.PlannerService"},
    )
    await discovery.register(registration)

    service = consul_agent.get(f"/v1/agent/service/{registration.instance_id}").json()
    assert service["Service"] == "tripmesh-planner"
    assert service["Address"] == "127.0.0.1"
    assert service["Port"] == server.port
    assert service["Tags"] == ["grpc", "v1", "tool:draft_itinerary"]
    assert service["Meta"] == dict(registration.meta)
    check = consul_agent.get("/v1/agent/checks").json()[f"service:{registration.instance_id}"]
    assert check["Type"] == "grpc"

    found = await _until_passing(discovery, "planner", server.port, within=4)
    assert found.instance_id == registration.instance_id
    await discovery.deregister(registration)


async def test_watch_sees_a_new_instance_soon_after_it_passes(
    discovery: ConsulDiscovery, health_servers: Servers, service_name: str
) -> None:
    first, second = await health_servers(), await health_servers()
    recorder = Recorder()
    discovery.watch(service_name, recorder)
    await discovery.register(first.registration(service_name))
    await recorder.until(lambda eps: ports(eps) == {first.port}, within=4)

    registered_at = time.monotonic()
    await discovery.register(second.registration(service_name))
    seen_at = await recorder.until(lambda eps: ports(eps) == {first.port, second.port}, within=4)
    # A 1 s check interval, then the blocking query returns at once.
    assert seen_at - registered_at < 3.0


async def test_a_killed_instance_leaves_the_passing_set_within_3s(
    discovery: ConsulDiscovery, health_servers: Servers, service_name: str
) -> None:
    stays, dies = await health_servers(), await health_servers()
    recorder = Recorder()
    discovery.watch(service_name, recorder)
    for server in (stays, dies):
        await discovery.register(server.registration(service_name))
    await recorder.until(lambda eps: ports(eps) == {stays.port, dies.port}, within=5)

    await dies.stop()
    killed_at = time.monotonic()
    gone_at = await recorder.until(lambda eps: ports(eps) == {stays.port}, within=4)
    assert gone_at - killed_at < 3.0
    assert ports(discovery.endpoints(service_name)) == {stays.port}


async def test_deregister_removes_the_instance_at_once(
    discovery: ConsulDiscovery, health_servers: Servers, service_name: str
) -> None:
    server = await health_servers()
    registration = server.registration(service_name)
    recorder = Recorder()
    discovery.watch(service_name, recorder)
    await discovery.register(registration)
    await recorder.until(lambda eps: ports(eps) == {server.port}, within=4)

    started = time.monotonic()
    await discovery.deregister(registration)
    gone_at = await recorder.until(lambda eps: not eps, within=2)
    assert gone_at - started < 1.0  # deregistration, not the check, removed it


async def test_endpoints_never_wait_and_resolve_waits_only_briefly(
    discovery: ConsulDiscovery, service_name: str
) -> None:
    started = time.monotonic()
    assert discovery.endpoints(service_name) == []  # starts the watch, returns the empty cache
    assert time.monotonic() - started < 0.05
    assert await discovery.resolve(service_name) == []  # Consul answered: nobody
    assert time.monotonic() - started < 1.5


async def test_unsubscribed_listener_hears_nothing_more(
    discovery: ConsulDiscovery, health_servers: Servers, service_name: str
) -> None:
    server = await health_servers()
    recorder = Recorder()
    unsubscribe = discovery.watch(service_name, recorder)
    await recorder.until(lambda eps: eps == [], within=2)
    unsubscribe()
    await discovery.register(server.registration(service_name))
    await _until_passing(discovery, service_name, server.port, within=4)
    assert all(not eps for _, eps in recorder.calls)


async def _until_passing(
    discovery: ConsulDiscovery, name: str, port: int, within: float
) -> Endpoint:
    recorder = Recorder()
    unsubscribe = discovery.watch(name, recorder)
    try:
        await recorder.until(lambda eps: port in ports(eps), within=within)
    finally:
        unsubscribe()
    return next(e for e in recorder.last if e.port == port)
