"""RouteTask's logic: validation first, failover on UNAVAILABLE only, ejection, reports."""

from dataclasses import replace

import grpc
import pytest

from services.runtime.errors import InvalidArgument, NotFound, Unavailable
from services.runtime.reporting import Kind
from services.task_router.router import Hints
from services.task_router.routes import Candidate
from services.tools.structs import to_dict, to_struct
from tests.unit.router.fakes import PROVIDERS, harness, rpc_error

ARGS = to_struct({"amount": 10})
A, B = (p.endpoint for p in PROVIDERS)


async def test_invalid_arguments_fail_before_any_provider_is_called() -> None:
    h = harness()
    with pytest.raises(InvalidArgument) as raised:
        await h.router.route("tools/currency.convert", to_struct({"amount": -5}))
    assert raised.value.metadata["path"] == "$.amount"
    assert raised.value.field == "arguments.amount"
    assert h.net.calls == []
    with pytest.raises(InvalidArgument):
        await h.router.route("currency.convert", ARGS)


async def test_unavailable_fails_over_once_to_another_instance() -> None:
    h = harness()
    h.net.behaviour[A] = lambda: grpc.StatusCode.UNAVAILABLE
    results = [await h.router.route("tools/currency.convert", ARGS) for _ in range(6)]
    assert all(r.provider.endpoint == B for r in results)
    assert any(r.attempts == 2 for r in results)
    assert to_dict(results[0].result) == {"by": B}


async def test_both_unavailable_gives_up_after_two_attempts() -> None:
    h = harness()
    h.net.behaviour[A] = h.net.behaviour[B] = lambda: grpc.StatusCode.UNAVAILABLE
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await h.router.route("tools/currency.convert", ARGS)
    assert raised.value.code() is grpc.StatusCode.UNAVAILABLE
    assert len(h.net.calls) == 2


@pytest.mark.parametrize(
    "code",
    [grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.INTERNAL],
)
async def test_other_failures_are_never_retried(code: grpc.StatusCode) -> None:
    h = harness()
    h.net.behaviour[A] = h.net.behaviour[B] = lambda: code
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await h.router.route("tools/currency.convert", ARGS)
    assert raised.value.code() is code
    assert len(h.net.calls) == 1


async def test_five_consecutive_failures_eject_and_the_instance_returns_later() -> None:
    h = harness()
    h.net.behaviour[A] = lambda: grpc.StatusCode.UNAVAILABLE  # failing fast: it looks quick
    h.net.delays[B] = 0.003
    for _ in range(30):  # 6 s, within the first ejection
        await h.router.route("tools/currency.convert", ARGS)
        h.clock.now += 0.2  # the failure's penalty fades: A gets tried again now and then
    assert h.net.calls.count(A) == 5  # ejected at the fifth, never called again
    assert h.router.stats["b0"].ejected(h.clock.now)
    h.net.behaviour[A] = lambda: grpc.StatusCode.OK
    h.clock.now += 11
    h.net.calls.clear()
    for _ in range(20):
        await h.router.route("tools/currency.convert", ARGS)
    assert A in h.net.calls
    assert A in h.net.resets  # a fresh channel after the ejection


async def test_request_errors_do_not_count_against_the_instance() -> None:
    h = harness()
    h.net.behaviour[A] = lambda: grpc.StatusCode.INVALID_ARGUMENT
    h.net.behaviour[B] = lambda: grpc.StatusCode.INVALID_ARGUMENT
    for _ in range(12):
        with pytest.raises(grpc.aio.AioRpcError):
            await h.router.route("tools/currency.convert", ARGS)
    assert not any(s.ejected(h.clock.now) for s in h.router.stats.values())


async def test_when_every_instance_is_ejected_they_are_tried_anyway() -> None:
    h = harness()
    h.net.behaviour[A] = h.net.behaviour[B] = lambda: grpc.StatusCode.INTERNAL
    for _ in range(12):
        with pytest.raises(grpc.aio.AioRpcError):
            await h.router.route("tools/currency.convert", ARGS)
    assert all(s.ejected(h.clock.now) for s in h.router.stats.values())
    h.net.behaviour.clear()
    result = await h.router.route("tools/currency.convert", ARGS)
    assert result.attempts == 1


async def test_only_providers_that_discovery_lists_are_candidates() -> None:
    h = harness(healthy=(PROVIDERS[1],))
    for _ in range(5):
        assert (await h.router.route("tools/currency.convert", ARGS)).provider.endpoint == B
    none = harness(healthy=())
    with pytest.raises(Unavailable) as raised:
        await none.router.route("tools/currency.convert", ARGS)
    assert raised.value.reason == "NO_HEALTHY_PROVIDER"


async def test_hints_prefer_and_exclude_instances() -> None:
    h = harness()
    preferred = Hints(preferred_instance_id="b1")
    assert (
        await h.router.route("tools/currency.convert", ARGS, preferred)
    ).provider.instance_id == "b1"
    excluded = Hints(excluded_instance_ids=frozenset({"b1"}))
    for _ in range(4):
        assert (
            await h.router.route("tools/currency.convert", ARGS, excluded)
        ).provider.instance_id == "b0"


async def test_round_robin_when_intelligent_routing_is_off() -> None:
    h = harness(intelligent=False)
    picks = [
        (await h.router.route("tools/currency.convert", ARGS)).provider.instance_id
        for _ in range(4)
    ]
    assert picks == ["b0", "b1", "b0", "b1"]
    h.net.behaviour[A] = lambda: grpc.StatusCode.UNAVAILABLE
    for _ in range(16):
        assert (await h.router.route("tools/currency.convert", ARGS)).provider.endpoint == B
    assert h.net.calls.count(A) > 5  # no ejection: A keeps its turn


async def test_every_provider_call_is_reported_as_a_tool_execution() -> None:
    h = harness()
    h.net.behaviour[A] = lambda: grpc.StatusCode.UNAVAILABLE
    results = [await h.router.route("tools/currency.convert", ARGS) for _ in range(4)]
    attempts = sum(r.attempts for r in results)
    assert len(h.reports) == attempts
    assert {r.kind for r in h.reports} == {Kind.EXECUTION_KIND_TOOL}
    assert {r.tool for r in h.reports} == {"tools/currency.convert"}
    assert {r.code for r in h.reports} == {"OK", "UNAVAILABLE"}
    assert {r.instance_id for r in h.reports} == {"b0", "b1"}


async def test_unknown_tools_are_not_found() -> None:
    h = harness()

    async def missing(name: str) -> object:
        raise NotFound(f"no tool {name}", reason="TOOL_NOT_FOUND")

    h.directory.lookup = missing  # type: ignore[method-assign, assignment]
    with pytest.raises(NotFound):
        await h.router.route("tools/nope.nope", ARGS)


def test_rpc_error_helper() -> None:
    assert rpc_error(grpc.StatusCode.UNAVAILABLE).code() is grpc.StatusCode.UNAVAILABLE
    assert Candidate("s", "i", "e").endpoint == "e"


async def test_a_lone_unavailable_provider_gives_its_own_status() -> None:
    h = harness(providers=PROVIDERS[:1])
    h.net.behaviour[A] = lambda: grpc.StatusCode.UNAVAILABLE
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await h.router.route("tools/currency.convert", ARGS)
    assert raised.value.code() is grpc.StatusCode.UNAVAILABLE
    assert h.net.calls == [A]


async def test_an_instance_that_leaves_takes_its_statistics_and_channel_with_it() -> None:
    h = harness()
    for _ in range(4):
        await h.router.route("tools/currency.convert", ARGS)
    assert set(h.router.stats) == {"b0", "b1"}
    h.directory.route = replace(h.directory.route, providers=PROVIDERS[:1])  # b1 deregistered
    await h.router.route("tools/currency.convert", ARGS)
    assert set(h.router.stats) == {"b0"}
    assert h.net.resets == [B]
