"""Fault scenarios (`make chaos`): prints a table of figures, asserts nothing.

Real processes on a free port offset: every service once, plus a second planner
and a second budget, offline model. Load is direct gRPC PlanTrip to the
orchestrator (10 at once unless said):

1. ceiling: closed loop at concurrency 16, the throughput and p99 the rest compares with;
2. overload: open loop at 2 x the ceiling's rate for 30 s: admitted p50/p99, goodput,
   refused (RESOURCE_EXHAUSTED) and how fast, and the seconds until concurrency-1
   latency is back to baseline;
3. frozen planner: one of the two SIGSTOPped for 30 s: success rate, p50/p99 against
   the same load before;
4. killed budget: one of the two SIGKILLed under load: failures;
5. failing backend: an orchestrator whose two planners answer UNAVAILABLE to every
   call: attempts per call, from the orchestrator's tripmesh_client_attempts_total;
6. soak: closed loop at concurrency 8 for --minutes (default 5): RSS and open files
   of every process at the start and the end.

Usage: python bench/chaos.py [--minutes 5] [--seconds 30] [--only overload,frozen,...]
       [--env TRIPMESH_X=Y ...] [--client-cpu N]

--env goes to every process of the mesh. --client-cpu N runs this load client alone on CPU N
and the mesh on the others (`taskset`), as if the load came from another machine: on a small
machine the client's own work (about 0.3 ms of CPU per call, refused or not) otherwise comes
out of the mesh's share.
"""

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx
from gateway_bench import plan_request
from meshes import HOST, base_env, cpu_seconds, free_offset, rss_mb
from prometheus_client.parser import text_string_to_metric_families
from tripmesh.v1 import orchestrator_service_pb2_grpc

from registry import KNOWN_SERVICES
from services.runtime import errors
from services.supervisor import START_ORDER, endpoints_env, is_serving

SECOND_REPLICA = 200  # port shift of the second planner and budget
DEADLINE = 10.0


@dataclass
class Proc:
    name: str
    port: int
    metrics_port: int
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return int(self.process.pid)


@dataclass
class Fleet:
    offset: int
    data_dir: Path
    cpus: str | None = None  # taskset's list of the CPUs the mesh runs on; None: any
    procs: dict[str, Proc] = field(default_factory=dict)

    def start(self, key: str, name: str, shift: int, env: dict[str, str]) -> Proc:
        service = KNOWN_SERVICES[name]
        port, metrics = (
            service.port + self.offset + shift,
            service.metrics_port + self.offset + shift,
        )
        log = (self.data_dir / f"{key}.log").open("wb")
        child_env = {**env, "TRIPMESH_PORT": str(port), "TRIPMESH_METRICS_PORT": str(metrics)}
        pinned = ["taskset", "-c", self.cpus] if self.cpus else []
        process = subprocess.Popen(
            [*pinned, sys.executable, "-m", "services.cli", "serve", name],
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.procs[key] = Proc(name, port, metrics, process)
        return self.procs[key]

    def wait_serving(self, keys: list[str] | None = None, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        pending = {k: p for k, p in self.procs.items() if keys is None or k in keys}
        while pending and time.monotonic() < deadline:
            for key, proc in list(pending.items()):
                if is_serving(KNOWN_SERVICES[proc.name], HOST, proc.port, timeout=0.5):
                    del pending[key]
            time.sleep(0.3)
        if pending:
            raise RuntimeError(f"not SERVING: {', '.join(pending)}")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.process.poll() is None:
                proc.process.send_signal(signal.SIGCONT)
                proc.process.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.process.wait(30)
            except subprocess.TimeoutExpired:
                proc.process.kill()
                proc.process.wait()


def start_mesh(
    data_dir: Path, extra_env: dict[str, str] | None = None, cpus: str | None = None
) -> Fleet:
    fleet = Fleet(free_offset(), data_dir, cpus)
    table = endpoints_env(HOST, fleet.offset)
    for name in ("planner", "budget"):
        table += f",{name}={HOST}:{KNOWN_SERVICES[name].port + fleet.offset + SECOND_REPLICA}"
    env = {**base_env(data_dir), "TRIPMESH_ENDPOINTS": table, **(extra_env or {})}
    for name in START_ORDER:
        fleet.start(name, name, 0, env)
    for name in ("planner", "budget"):
        fleet.start(f"{name}-2", name, SECOND_REPLICA, env)
    try:
        fleet.wait_serving()
    except RuntimeError:
        fleet.stop()  # none left running behind a mesh that never came up
        raise
    return fleet


@dataclass
class Outcomes:
    latencies: list[float] = field(default_factory=list)  # of successes
    refused: list[float] = field(default_factory=list)  # latency of RESOURCE_EXHAUSTED
    failures: dict[str, int] = field(default_factory=dict)
    wall: float = 0.0

    @property
    def total(self) -> int:
        return len(self.latencies) + len(self.refused) + sum(self.failures.values())

    def p(self, q: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]

    def success_rate(self) -> float:
        return len(self.latencies) / self.total if self.total else float("nan")


class Client:
    def __init__(self, port: int) -> None:
        self.channel = grpc.aio.insecure_channel(f"{HOST}:{port}")
        self.stub = orchestrator_service_pb2_grpc.OrchestratorServiceStub(self.channel)
        self.request = plan_request()

    async def one(self, outcomes: Outcomes) -> None:
        started = time.perf_counter()
        try:
            await self.stub.PlanTrip(self.request, timeout=DEADLINE)
        except grpc.aio.AioRpcError as exc:
            took = time.perf_counter() - started
            if exc.code() is grpc.StatusCode.RESOURCE_EXHAUSTED:
                outcomes.refused.append(took)
            else:
                key = failure_name(exc)
                outcomes.failures[key] = outcomes.failures.get(key, 0) + 1
            return
        outcomes.latencies.append(time.perf_counter() - started)

    async def closed(self, concurrency: int, seconds: float) -> Outcomes:
        outcomes = Outcomes()
        stop = time.monotonic() + seconds

        async def worker() -> None:
            while time.monotonic() < stop:
                await self.one(outcomes)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        outcomes.wall = time.perf_counter() - started
        return outcomes

    async def open(self, rate: float, seconds: float) -> Outcomes:
        outcomes = Outcomes()
        tasks = []
        started = time.perf_counter()
        for i in range(int(rate * seconds)):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.one(outcomes)))
        await asyncio.gather(*tasks)
        outcomes.wall = time.perf_counter() - started
        return outcomes

    async def close(self) -> None:
        await self.channel.close()


def failure_name(error: grpc.aio.AioRpcError) -> str:
    """ "UNAVAILABLE NO_HEALTHY_INSTANCE": the code and the ErrorInfo reason, when there is one."""
    info = errors.error_info(errors.status_from_rpc_error(error))
    return f"{error.code().name} {info.reason}" if info else error.code().name


def row(scenario: str, figures: str) -> None:
    print(f"| {scenario} | {figures} |", flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def sample_limit(proc: Proc) -> list[str]:
    """limit/in progress/queued of `proc`'s overload control, each second until cancelled."""
    samples: list[str] = []
    try:
        while True:
            await asyncio.sleep(1)
            values = [
                await asyncio.to_thread(counter, proc, f"tripmesh_overload_{name}")
                for name in ("limit", "in_progress", "queued")
            ]
            samples.append("/".join(f"{v:.0f}" for v in values))
    except asyncio.CancelledError:
        return samples


def agent_calls(fleet: Fleet) -> dict[str, float]:
    """RPCs started so far on every replica of each agent."""
    procs = live(fleet)
    return {
        agent: sum(
            counter(proc, "grpc_server_started_total")
            for key, proc in procs.items()
            if key.split("-")[0] == agent
        )
        for agent in ("planner", "budget", "guide")
    }


def calls_per_trip(before: dict[str, float], after: dict[str, float], trips: int) -> str:
    return ", ".join(f"{k} {(after[k] - before[k]) / max(trips, 1):.2f}" for k in before)


async def overload(client: Client, fleet: Fleet, seconds: float) -> None:
    calls = agent_calls(fleet)
    cpu = CpuMeter(fleet)
    ceiling = await client.closed(16, 10)
    ceiling_cpu, ceiling_busy = cpu.per_trip(len(ceiling.latencies)), cpu.busy(ceiling.wall)
    ceiling_calls = calls_per_trip(calls, calls := agent_calls(fleet), len(ceiling.latencies))
    rate = len(ceiling.latencies) / ceiling.wall
    row(
        "ceiling (closed loop, 16 at once, 10 s)",
        f"{rate:.1f} trips/s, p50 {ms(ceiling.p(50))}, p99 {ms(ceiling.p(99))},"
        f" failures {sum(ceiling.failures.values())}",
    )
    baseline = statistics.median((await client.closed(1, 3)).latencies)
    calls, cpu = agent_calls(fleet), CpuMeter(fleet)
    sampling = asyncio.create_task(sample_limit(fleet.procs["orchestrator"]))
    burst = await client.open(2 * rate, seconds)
    sampling.cancel()
    limits = await asyncio.gather(sampling, return_exceptions=True)
    burst_cpu, burst_busy = cpu.per_trip(len(burst.latencies)), cpu.busy(burst.wall)
    burst_calls = calls_per_trip(calls, agent_calls(fleet), len(burst.latencies))
    ended = time.monotonic()
    recovered = await _back_to_baseline(client, baseline)
    row(
        f"overload: open loop at 2 x = {2 * rate:.0f}/s for {seconds:.0f} s",
        f"admitted {len(burst.latencies)} (goodput {len(burst.latencies) / burst.wall:.1f}/s ="
        f" {len(burst.latencies) / burst.wall / rate:.0%} of ceiling), p50 {ms(burst.p(50))},"
        f" p99 {ms(burst.p(99))} ({burst.p(99) / ceiling.p(99):.1f} x ceiling p99);"
        f" refused {len(burst.refused)} (p50 {ms(burst.p(50, burst.refused))},"
        f" p99 {ms(burst.p(99, burst.refused))}); other failures {burst.failures or 0};"
        f" back to baseline {ms(baseline)} in {recovered - ended:.1f} s",
    )
    row(
        "  CPU per admitted trip, ceiling -> overload",
        f"all processes {sum(ceiling_cpu.values()):.2f} -> {sum(burst_cpu.values()):.2f} ms"
        f" (orchestrator {ceiling_cpu['orchestrator']:.2f} -> {burst_cpu['orchestrator']:.2f},"
        f" this load client {ceiling_cpu['client']:.2f} -> {burst_cpu['client']:.2f}):"
        f" what refusing costs; CPUs busy {ceiling_busy:.0%} -> {burst_busy:.0%}",
    )
    row("  the orchestrator's limit in the overload, each second", str(limits[0]))
    row(
        "  agent RPCs per admitted trip, ceiling -> overload",
        f"{ceiling_calls} -> {burst_calls}; CPU ms: "
        + ", ".join(f"{k} {ceiling_cpu[k]:.2f} -> {burst_cpu[k]:.2f}" for k in sorted(burst_cpu)),
    )


class CpuMeter:
    """CPU time of every process of the fleet and of this client, from now."""

    def __init__(self, fleet: Fleet) -> None:
        self._pids = {name: proc.process.pid for name, proc in fleet.procs.items()}
        self._pids["client"] = os.getpid()
        self._start = {name: cpu_seconds(pid) for name, pid in self._pids.items()}

    def busy(self, wall: float) -> float:
        """The share of the machine's CPUs these processes used over `wall` seconds."""
        spent = sum(cpu_seconds(pid) - self._start[name] for name, pid in self._pids.items())
        return spent / (wall * (os.cpu_count() or 1))

    def per_trip(self, trips: int) -> dict[str, float]:
        """Milliseconds of CPU per trip of each process since the meter started."""
        return {
            name: (cpu_seconds(pid) - self._start[name]) * 1000 / max(trips, 1)
            for name, pid in self._pids.items()
        }


async def _back_to_baseline(client: Client, baseline: float) -> float:
    """When five trips in a row at concurrency 1 had their median within 1.5 x baseline."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        probe = await client.closed(1, 0.5)
        if probe.latencies and statistics.median(probe.latencies[-5:]) <= 1.5 * baseline:
            return time.monotonic()
    return float("nan")


async def frozen_planner(client: Client, fleet: Fleet, seconds: float) -> None:
    before = await client.closed(10, 10)
    frozen = fleet.procs["planner-2"]
    os.kill(frozen.pid, signal.SIGSTOP)
    try:
        during = await client.closed(10, seconds)
    finally:
        os.kill(frozen.pid, signal.SIGCONT)
    ejections = counter(fleet.procs["orchestrator"], "tripmesh_client_ejections_total")
    row(
        f"frozen planner (SIGSTOP {seconds:.0f} s, 10 at once)",
        f"{during.success_rate():.2%} of {during.total} succeeded, failures"
        f" {during.failures or 0}; p50 {ms(during.p(50))}, p99 {ms(during.p(99))}"
        f" (before: {ms(before.p(50))}, {ms(before.p(99))}); ejections so far {ejections:.0f}",
    )


async def killed_budget(client: Client, fleet: Fleet) -> None:
    killed = fleet.procs["budget-2"]

    async def kill_later() -> None:
        await asyncio.sleep(2)
        os.kill(killed.pid, signal.SIGKILL)

    load, _ = await asyncio.gather(client.closed(10, 8), kill_later())
    orchestrator = fleet.procs["orchestrator"]
    retries = counter(orchestrator, "tripmesh_client_attempts_total", kind="retry")
    hedges = counter(orchestrator, "tripmesh_client_attempts_total", kind="hedge")
    row(
        "killed budget (SIGKILL under load, 10 at once, 8 s)",
        f"{load.success_rate():.2%} of {load.total} succeeded, failures {load.failures or 0};"
        f" orchestrator retries so far {retries:.0f}, hedges {hedges:.0f}",
    )


async def failing_backend(fleet: Fleet, data_dir: Path) -> None:
    """An orchestrator of its own whose two planners fail every call at the transport."""
    ports = [fleet.offset + 40_000 + i for i in range(2)]
    script = str(Path(__file__).with_name("failing.py"))
    failing = [await asyncio.create_subprocess_exec(sys.executable, script, str(p)) for p in ports]
    others = [e for e in endpoints_env(HOST, fleet.offset).split(",") if "planner=" not in e]
    table = ",".join([*others, *(f"planner={HOST}:{p}" for p in ports)])
    env = {**base_env(data_dir), "TRIPMESH_ENDPOINTS": table}
    orchestrator = fleet.start("orchestrator-f", "orchestrator", 300, env)
    try:
        fleet.wait_serving(["orchestrator-f"])
        client = Client(orchestrator.port)
        load = await client.closed(10, 10)
        await client.close()
        attempts = counter(
            orchestrator, "tripmesh_client_attempts_total", service="tripmesh-planner"
        )
        calls = counter(
            orchestrator, "tripmesh_client_attempts_total", service="tripmesh-planner", kind="first"
        )
        row(
            "planners failing every call (UNAVAILABLE, 10 s)",
            f"{load.total} trips, {calls:.0f} planner calls, {attempts / calls:.3f} attempts"
            f" per call (budget: 1.1, plus a reserve of 10); trips failed {load.failures}",
        )
    finally:
        for process in failing:
            process.terminate()
            await process.wait()


async def soak(client: Client, fleet: Fleet, minutes: float) -> None:
    start = {key: (rss_mb(p.pid), open_files(p.pid)) for key, p in live(fleet).items()}
    load = await client.closed(8, minutes * 60)
    end = {key: (rss_mb(p.pid), open_files(p.pid)) for key, p in live(fleet).items()}
    row(
        f"soak ({minutes:g} min, 8 at once)",
        f"{len(load.latencies)} trips, failures {load.failures or 0}, p50 {ms(load.p(50))},"
        f" p99 {ms(load.p(99))}",
    )
    for key in sorted(end):
        (rss0, fds0), (rss1, fds1) = start.get(key, (float("nan"), 0)), end[key]
        row(f"  soak: {key}", f"RSS {rss0:.1f} -> {rss1:.1f} MB, open files {fds0} -> {fds1}")


def live(fleet: Fleet) -> dict[str, Proc]:
    return {k: p for k, p in fleet.procs.items() if p.process.poll() is None}


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def counter(proc: Proc, name: str, **labels: str) -> float:
    text = httpx.get(f"http://{HOST}:{proc.metrics_port}/metrics", timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


SCENARIOS = ("overload", "frozen", "killed", "failing", "soak")


async def main(
    minutes: float,
    seconds: float,
    only: tuple[str, ...],
    extra_env: dict[str, str],
    client_cpu: int | None,
) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"tripmesh chaos: {os.cpu_count()} CPUs, load average {load}\n")
    if extra_env:
        print("settings: " + ", ".join(f"{k}={v}" for k, v in extra_env.items()) + "\n")
    mesh_cpus = None
    if client_cpu is not None:
        others = sorted(os.sched_getaffinity(0) - {client_cpu})
        mesh_cpus = ",".join(map(str, others))
        os.sched_setaffinity(0, {client_cpu})  # before any channel: its threads inherit it
        print(f"this load client on CPU {client_cpu}, the mesh on CPU(s) {mesh_cpus}\n")
    with tempfile.TemporaryDirectory(prefix="tripmesh-chaos-") as temp:
        fleet = start_mesh(Path(temp), extra_env, mesh_cpus)
        client = Client(fleet.procs["orchestrator"].port)
        print(f"mesh on port offset {fleet.offset}: two planners, two budgets\n")
        print("| scenario | figures |\n|---|---|")
        try:
            await client.closed(4, 5)  # warms every replica
            scenarios: dict[str, Callable[[], Awaitable[None]]] = {
                "overload": lambda: overload(client, fleet, seconds),
                "frozen": lambda: frozen_planner(client, fleet, seconds),
                "killed": lambda: killed_budget(client, fleet),
                "failing": lambda: failing_backend(fleet, Path(temp)),
                "soak": lambda: soak(client, fleet, minutes),
            }
            for name in only:
                await scenarios[name]()
        finally:
            await client.close()
            fleet.stop()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load}")


def _scenarios(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown scenario(s) {unknown}; known: {SCENARIOS}")
    return names


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the soak")
    parser.add_argument("--seconds", type=float, default=30.0, help="overload and freeze length")
    parser.add_argument(
        "--only", type=_scenarios, default=SCENARIOS, help="comma-separated scenarios, in order"
    )
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for every process (repeatable)"
    )
    parser.add_argument(
        "--client-cpu", type=int, help="run the load client alone on this CPU, the mesh on the rest"
    )
    arguments = parser.parse_args()
    env = dict(item.split("=", 1) for item in arguments.env)
    asyncio.run(
        main(arguments.minutes, arguments.seconds, arguments.only, env, arguments.client_cpu)
    )
