"""The tool catalogue in the shared state (the machine's Redis, a prefix of the test's own):
replicas see one catalogue, conflicts are atomic, and an outage keeps reads going."""

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from services.runtime.errors import FailedPrecondition, NotFound, Unavailable
from services.runtime.state.connection import SharedState, connect
from services.tool_registry.shared_catalog import SharedCatalog
from tests.support.ports import free_port
from tests.support.redis_state import StateSpace
from tests.unit.tools.test_catalog import provider, tool


class Wall:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def replicas(space: StateSpace) -> AsyncIterator[Callable[[Wall], SharedCatalog]]:
    states: list[SharedState] = []

    def replica(wall: Wall) -> SharedCatalog:
        state = SharedState(connect(space.url, 1.0), prefix=space.prefix, rest=5)
        states.append(state)
        return SharedCatalog(state, ttl=15, clock=wall)

    yield replica
    for state in states:
        await state.aclose()


async def test_a_tool_registered_on_one_replica_is_found_on_the_other(
    replicas: Callable[[Wall], SharedCatalog],
) -> None:
    wall = Wall()
    one, two = replicas(wall), replicas(wall)
    await one.register(tool("a.b"), provider("i1"))
    await two.register(tool("a.b"), provider("i2"))
    view = await two.get("tools/a.b")
    assert [p.instance_id for p in view.providers] == ["i1", "i2"]
    assert view.providers[0].heartbeat_time == wall.now
    views, token = await one.list_tools(tag="t", provider="tripmesh-budget")
    assert [v.definition.name for v in views] == ["tools/a.b"]
    assert token == ""
    with pytest.raises(NotFound):
        await one.get("tools/c.d")


async def test_the_schema_conflict_check_is_atomic_across_replicas(
    replicas: Callable[[Wall], SharedCatalog],
) -> None:
    wall = Wall()
    catalogs = [replicas(wall) for _ in range(4)]
    schemas = [tool("a.b", required=[f"x{i}"]) for i in range(4)]
    results = await asyncio.gather(
        *(
            c.register(s, provider(f"i{i}"))
            for i, (c, s) in enumerate(zip(catalogs, schemas, strict=True))
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, FailedPrecondition) for r in results if isinstance(r, Exception))
    view = await catalogs[0].register(tool("a.b", version="2.0.0"), provider("i9"))
    assert view.definition.version == "2.0.0"  # a new version replaces the contract


async def test_providers_expire_after_the_ttl_and_heartbeats_renew_them(
    replicas: Callable[[Wall], SharedCatalog],
) -> None:
    wall = Wall()
    one, two = replicas(wall), replicas(wall)
    await one.register(tool("a.b"), provider("i1"))
    await one.register(tool("c.d"), provider("i2"))
    wall.now += 10
    assert await two.heartbeat("i1", ["tools/a.b", "tools/e.f"]) == ["tools/e.f"]
    wall.now += 10  # i1 renewed 10 s ago, i2 registered 20 s ago
    assert (await one.get("tools/a.b")).available
    assert not (await one.get("tools/c.d")).available
    assert await two.heartbeat("i2", ["tools/c.d"]) == ["tools/c.d"]  # it must re-register
    await two.deregister("tools/a.b", "i1")
    assert not (await one.get("tools/a.b")).available
    with pytest.raises(NotFound):
        await one.deregister("tools/x.y", "i1")


async def test_with_the_state_gone_reads_serve_the_last_catalogue_and_writes_are_refused(
    space: StateSpace,
) -> None:
    wall = Wall()
    state = SharedState(connect(space.url, 1.0), prefix=space.prefix, rest=5)
    catalog = SharedCatalog(state, ttl=15, clock=wall)
    await catalog.register(tool("a.b"), provider("i1"))
    await catalog.list_tools()
    await state.aclose()
    state.client = connect(f"redis://127.0.0.1:{free_port()}/0", 0.2)  # nobody listens
    assert (await catalog.get("tools/a.b")).available
    with pytest.raises(Unavailable) as refused:
        await catalog.heartbeat("i1", ["tools/a.b"])
    assert refused.value.reason == "STATE_UNAVAILABLE"
    assert refused.value.retry_after == 5
    await state.aclose()
