"""Real processes for the orchestrator's end-to-end tests, started together.

- `main`: planner, budget, guide and an orchestrator using them;
- `no_guide`: an orchestrator with a guide of its own, which a test kills;
- `no_planner`: an orchestrator whose planner address has nothing listening;
- `slow`: budget and guide with TRIPMESH_FAULT_DELAY_MS=300, the main planner.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests.support.ports import free_port
from tests.support.processes import ServiceProcess, base_env

FAULT_DELAY_MS = 300


@dataclass
class Processes:
    planner: ServiceProcess
    orchestrator: ServiceProcess
    no_guide_guide: ServiceProcess
    no_guide: ServiceProcess
    no_planner: ServiceProcess
    slow: ServiceProcess
    all: list[ServiceProcess]


def _endpoints(**addresses: str) -> str:
    return ",".join(f"{name}={address}" for name, address in addresses.items())


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Processes]:
    root = tmp_path_factory.mktemp("orchestrator-e2e")

    def service(name: str, data: str, **extra: str) -> ServiceProcess:
        return ServiceProcess(name, base_env(root / data, **extra))

    planner, budget, guide = (service(n, "agents") for n in ("planner", "budget", "guide"))
    slow_budget = service("budget", "slow", TRIPMESH_FAULT_DELAY_MS=str(FAULT_DELAY_MS))
    slow_guide = service("guide", "slow", TRIPMESH_FAULT_DELAY_MS=str(FAULT_DELAY_MS))
    own_guide = service("guide", "no-guide")

    def orchestrator(data: str, planner_at: str, budget_at: str, guide_at: str) -> ServiceProcess:
        endpoints = _endpoints(planner=planner_at, budget=budget_at, guide=guide_at)
        return service("orchestrator", data, TRIPMESH_ENDPOINTS=endpoints)

    main = orchestrator("main", planner.address, budget.address, guide.address)
    no_guide = orchestrator("no-guide", planner.address, budget.address, own_guide.address)
    no_planner = orchestrator(
        "no-planner", f"127.0.0.1:{free_port()}", budget.address, guide.address
    )
    slow = orchestrator("slow", planner.address, slow_budget.address, slow_guide.address)
    everything = [planner, budget, guide, slow_budget, slow_guide, own_guide]
    everything += [main, no_guide, no_planner, slow]
    log_dir = root / "logs"
    log_dir.mkdir()
    try:
        for process in everything:
            process.start(log_dir)
        with ThreadPoolExecutor(len(everything)) as pool:
            list(pool.map(lambda p: p.wait_serving(60), everything))
        yield Processes(planner, main, own_guide, no_guide, no_planner, slow, everything)
    finally:
        for process in everything:
            if process.process is not None:
                process.stop()
