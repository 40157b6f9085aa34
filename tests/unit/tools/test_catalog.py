"""The tool registry's catalogue: registration, conflicts, TTL, heartbeats, listings."""

from dataclasses import dataclass, field

import pytest

from services.runtime.errors import FailedPrecondition, InvalidArgument, NotFound
from services.tool_registry.catalog import Clock, ProviderInfo, ToolCatalog
from services.tool_registry.entries import ToolDefinition

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}}


@dataclass
class FakeTime:
    now: float = 1000.0
    clock: Clock = field(init=False)

    def __post_init__(self) -> None:
        self.clock = Clock(monotonic=lambda: self.now, wall=lambda: self.now)


def tool(
    name: str, version: str = "1.0.0", tags: tuple[str, ...] = ("t",), **schema: object
) -> ToolDefinition:
    return ToolDefinition(f"tools/{name}", "d", {**SCHEMA, **schema}, SCHEMA, version, tags)


def provider(instance: str, service: str = "tripmesh-budget") -> ProviderInfo:
    return ProviderInfo(service, instance, f"127.0.0.1:{1000 + len(instance)}")


def test_register_adds_providers_and_get_lists_them() -> None:
    catalog = ToolCatalog(ttl=15)
    catalog.register(tool("a.b"), provider("i1"))
    view = catalog.register(tool("a.b"), provider("i2"))
    assert [p.instance_id for p in view.providers] == ["i1", "i2"]
    assert catalog.get("tools/a.b").available


def test_same_version_with_another_schema_is_refused_a_new_version_replaces() -> None:
    catalog = ToolCatalog(ttl=15)
    catalog.register(tool("a.b"), provider("i1"))
    with pytest.raises(FailedPrecondition) as refused:
        catalog.register(tool("a.b", required=["n"]), provider("i2"))
    assert refused.value.reason == "SCHEMA_CONFLICT"
    view = catalog.register(tool("a.b", "2.0.0", required=["n"]), provider("i2"))
    assert view.definition.version == "2.0.0"


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        (ToolDefinition("tools/a.b", "", {"type": "nope"}, SCHEMA, "1"), "tool.input_schema"),
        (ToolDefinition("tools/a.b", "", SCHEMA, {}, "1"), "tool.output_schema"),
        (ToolDefinition("tools/A", "", SCHEMA, SCHEMA, "1"), "tool.name"),
        (ToolDefinition("tools/a.b", "", SCHEMA, SCHEMA, ""), "tool.version"),
    ],
)
def test_invalid_registrations(definition: ToolDefinition, field: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        ToolCatalog(ttl=15).register(definition, provider("i1"))
    assert refused.value.field == field


def test_providers_without_heartbeat_drop_after_the_ttl_and_the_tool_stays_unavailable() -> None:
    time = FakeTime()
    catalog = ToolCatalog(ttl=15, clock=time.clock)
    catalog.register(tool("a.b"), provider("i1"))
    catalog.register(tool("a.b"), provider("i2"))
    time.now += 10
    assert catalog.heartbeat("i1", ["tools/a.b"]) == []
    time.now += 10  # i2 silent for 20 s, i1 for 10 s
    assert [p.instance_id for p in catalog.get("tools/a.b").providers] == ["i1"]
    time.now += 20
    view = catalog.get("tools/a.b")
    assert not view.available
    assert view.providers == ()
    assert [v.definition.name for v in catalog.list_tools()[0]] == ["tools/a.b"]


def test_heartbeat_reports_what_the_registry_does_not_know() -> None:
    catalog = ToolCatalog(ttl=15)
    catalog.register(tool("a.b"), provider("i1"))
    assert catalog.heartbeat("i1", ["tools/a.b", "tools/c.d"]) == ["tools/c.d"]
    assert ToolCatalog(ttl=15).heartbeat("i1", ["tools/a.b"]) == ["tools/a.b"]  # restarted
    with pytest.raises(InvalidArgument):
        catalog.heartbeat("", [])


def test_deregister_is_idempotent_for_providers_not_for_tools() -> None:
    catalog = ToolCatalog(ttl=15)
    catalog.register(tool("a.b"), provider("i1"))
    catalog.deregister("tools/a.b", "i1")
    catalog.deregister("tools/a.b", "i1")
    assert not catalog.get("tools/a.b").available
    with pytest.raises(NotFound):
        catalog.deregister("tools/x.y", "i1")
    with pytest.raises(NotFound):
        catalog.get("tools/x.y")


def test_list_filters_by_tag_and_provider_and_pages() -> None:
    catalog = ToolCatalog(ttl=15)
    for index in range(5):
        catalog.register(
            tool(f"t.n{index}", tags=("even",) if index % 2 == 0 else ("odd",)), provider("b1")
        )
    catalog.register(tool("g.x", tags=("odd",)), provider("g1", "tripmesh-guide"))
    names, token = [], ""
    while True:
        page, token = catalog.list_tools(page_size=2, page_token=token)
        names += [v.definition.name for v in page]
        if not token:
            break
    assert names == ["tools/g.x", *[f"tools/t.n{i}" for i in range(5)]]
    assert [v.definition.name for v in catalog.list_tools(tag="even")[0]] == [
        "tools/t.n0",
        "tools/t.n2",
        "tools/t.n4",
    ]
    guide, _ = catalog.list_tools(provider="tripmesh-guide")
    assert [v.definition.name for v in guide] == ["tools/g.x"]
    _, token = catalog.list_tools(page_size=1, tag="odd")
    with pytest.raises(InvalidArgument):
        catalog.list_tools(page_token=token)  # other filters
    with pytest.raises(InvalidArgument):
        catalog.list_tools(page_token="garbage!")
    with pytest.raises(InvalidArgument):
        catalog.list_tools(page_size=-1)
