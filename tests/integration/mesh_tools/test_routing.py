"""Two budget instances behind the router: spread, a slow one loses share, a killed one
costs no failed call and is ejected, and once back it receives calls again."""

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tripmesh.v1 import task_router_service_pb2 as router_pb2

from tests.integration.mesh_tools.conftest import ToolsMesh, all_provided, eventually

CONVERT = {"amount": 10, "from": "EUR", "to": "USD"}


def burst(mesh: ToolsMesh, calls: int, concurrency: int = 6) -> list[router_pb2.RouteTaskResponse]:
    """`calls` conversions, `concurrency` at a time, as several agents would send them."""
    router = mesh.router()
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda _: router.route("currency.convert", CONVERT), range(calls)))


def shares(replies: list[router_pb2.RouteTaskResponse]) -> Counter[str]:
    return Counter(r.provider_instance_id for r in replies)


def ejected(mesh: ToolsMesh, instance: str) -> bool:
    pattern = rf'^tripmesh_router_ejected\{{[^}}]*instance="{instance}"[^}}]*\}} 1\.0$'
    return re.search(pattern, mesh.metrics("task-router"), re.MULTILINE) is not None


def test_calls_spread_over_both_instances(tools_mesh: ToolsMesh) -> None:
    served = shares(burst(tools_mesh, 60))
    assert served["budget-a"] >= 12, served
    assert served["budget-b"] >= 12, served


def test_a_slow_instance_loses_its_share(tools_mesh: ToolsMesh) -> None:
    tools_mesh.restart("budget-b", TRIPMESH_FAULT_DELAY_MS="150")
    try:
        eventually(lambda: all_provided(tools_mesh), timeout=15)
        burst(tools_mesh, 12)  # the router learns
        served = shares(burst(tools_mesh, 60))
        assert served["budget-b"] <= 9, served  # at most 15 %, against about half when equal
        assert served["budget-a"] >= 51, served
    finally:
        tools_mesh.restart("budget-b")
        eventually(lambda: all_provided(tools_mesh), timeout=15)


def serves_both(mesh: ToolsMesh) -> bool:
    served = shares(burst(mesh, 12))
    return served["budget-a"] > 0 and served["budget-b"] > 0


def test_a_killed_instance_fails_no_call_is_ejected_and_comes_back(tools_mesh: ToolsMesh) -> None:
    eventually(lambda: serves_both(tools_mesh), timeout=20, interval=0.2)  # both warm and in use
    tools_mesh.kill("budget-b")
    try:
        replies: list[router_pb2.RouteTaskResponse] = []

        def until_ejected() -> bool:
            # budget-b is chosen whenever it looks better than a loaded budget-a; each
            # time fails over to budget-a, until five in a row eject it.
            replies.extend(burst(tools_mesh, 30))  # raises on any failed call
            return ejected(tools_mesh, "budget-b")

        eventually(until_ejected, timeout=5, interval=0)  # well within its TTL
        assert set(shares(replies)) == {"budget-a"}
        assert any(r.attempts == 2 for r in replies)
        assert all(r.attempts == 1 for r in burst(tools_mesh, 12))
    finally:
        tools_mesh.start("budget-b").wait_serving()
    eventually(lambda: all_provided(tools_mesh), timeout=15)
    eventually(lambda: serves_both(tools_mesh), timeout=20, interval=0.2)
    assert not ejected(tools_mesh, "budget-b")
