"""The agents through the official a2a-sdk client: the card from the gateway, a trip
planned from a sentence, streamed to completion (or answered whole by SendMessage) and
read back with its artifact, over HTTP+JSON (the gateway) and gRPC (the orchestrator);
missing fields asked back; a cancel mid-plan, over either binding, ends the task
cancelled and stops the planner's work; calls naming a task reach the replica holding it,
and replicas sharing Redis answer GetTask and ListTasks alike, also once that one is gone,
and ListTasks over HTTP+JSON through the gateway lists both replicas' tasks, filtered and
paged, whichever replica answers."""

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import anyio
import grpc
import httpx
import pytest
from a2a.client import A2ACardResolver, Client, ClientCallContext, ClientConfig, ClientFactory
from a2a.client.interceptors import AfterArgs, BeforeArgs, ClientCallInterceptor
from a2a.helpers.proto_helpers import new_data_part, new_text_part
from a2a.types import TaskNotFoundError, a2a_pb2, a2a_pb2_grpc
from google.protobuf import json_format

from gateway.auth import ApiKey
from services.runtime.caller import Caller
from tests.integration.mesh_tools.conftest import API_KEY, LISBON, ToolsMesh
from tests.support.processes import ServiceProcess
from tests.support.redis_state import shared_state_space

SENTENCE = "Plan 2 days in Lisbon from 1 May 2027 for 2 people, 1500 EUR, we love food"
HANDLED = "grpc_server_handled_total"
DRAFT_DELAY_MS = 8000  # the slow planner's DraftItinerary: long enough to cancel in


def gateway_url(gateway: ServiceProcess) -> str:
    return f"http://{gateway.address}"


class _AsKeyHolder(ClientCallInterceptor):
    """Calls straight to a replica over gRPC as the gateway makes them for API_KEY's holder
    (its tasks are that key's), through the SDK's own way of adding service parameters."""

    async def before(self, args: BeforeArgs) -> None:
        context = args.context or ClientCallContext()
        parameters = {**(context.service_parameters or {})}
        parameters.update(Caller(ApiKey.plain(API_KEY).name).metadata())
        args.context = context.model_copy(update={"service_parameters": parameters})

    async def after(self, args: AfterArgs) -> None:
        return None


@asynccontextmanager
async def a2a_client(
    card: a2a_pb2.AgentCard, binding: str, streaming: bool = True
) -> AsyncIterator[Client]:
    """The SDK's client, as API_KEY's holder over either binding (its tasks are that key's);
    `streaming=False` sends with SendMessage, not SendStreamingMessage."""
    async with httpx.AsyncClient(headers={"X-API-Key": API_KEY}, timeout=60) as http:
        config = ClientConfig(
            streaming=streaming,
            supported_protocol_bindings=[binding],
            httpx_client=http,
            grpc_channel_factory=grpc.aio.insecure_channel,
        )
        keyed = [_AsKeyHolder()] if binding == "GRPC" else []
        client = ClientFactory(config).create(card, interceptors=keyed)
        try:
            yield client
        finally:
            await client.close()


def user_message(*parts: a2a_pb2.Part, task_id: str = "") -> a2a_pb2.SendMessageRequest:
    message = a2a_pb2.Message(
        message_id=uuid.uuid4().hex, role=a2a_pb2.ROLE_USER, parts=parts, task_id=task_id
    )
    return a2a_pb2.SendMessageRequest(message=message)


async def stream(
    client: Client, request: a2a_pb2.SendMessageRequest
) -> list[a2a_pb2.StreamResponse]:
    return [event async for event in client.send_message(request)]


def states(events: list[a2a_pb2.StreamResponse]) -> list[str]:
    found = []
    for event in events:
        if event.HasField("task"):
            found.append(a2a_pb2.TaskState.Name(event.task.status.state))
        elif event.HasField("status_update"):
            found.append(a2a_pb2.TaskState.Name(event.status_update.status.state))
    return found


def stages(events: list[a2a_pb2.StreamResponse]) -> list[str]:
    return [
        e.status_update.status.message.metadata["stage"]
        for e in events
        if e.HasField("status_update") and "stage" in e.status_update.status.message.metadata
    ]


def task_id_of(events: list[a2a_pb2.StreamResponse]) -> str:
    return next(e.task.id for e in events if e.HasField("task"))


async def front_card(gateway: ServiceProcess) -> a2a_pb2.AgentCard:
    async with httpx.AsyncClient() as http:  # the card is public: no key
        return await A2ACardResolver(http, gateway_url(gateway)).get_agent_card()


async def test_the_card_names_both_interfaces_the_skill_and_the_key_scheme(
    gateway: ServiceProcess, tools_mesh: ToolsMesh
) -> None:
    card = await front_card(gateway)
    bindings = {i.protocol_binding: i.url for i in card.supported_interfaces}
    assert bindings == {
        "HTTP+JSON": gateway_url(gateway),
        "GRPC": tools_mesh.address("orchestrator"),
    }
    assert [skill.id for skill in card.skills] == ["plan-trip"]
    assert set(card.default_input_modes) == {"application/json", "text/plain"}
    assert card.security_schemes["apiKey"].api_key_security_scheme.name == "X-API-Key"
    async with httpx.AsyncClient() as http:
        planner = await A2ACardResolver(http, f"{gateway_url(gateway)}/planner").get_agent_card()
    assert [skill.id for skill in planner.skills] == ["draft-itinerary"]
    assert planner.supported_interfaces[0].tenant == "planner"


@pytest.mark.parametrize("binding", ["HTTP+JSON", "GRPC"])
async def test_a_sentence_plans_a_trip_streamed_to_completion(
    gateway: ServiceProcess, binding: str
) -> None:
    card = await front_card(gateway)
    async with a2a_client(card, binding) as client:
        events = await stream(client, user_message(new_text_part(SENTENCE)))
        task = await client.get_task(a2a_pb2.GetTaskRequest(id=task_id_of(events)))
        listed = await client.list_tasks(a2a_pb2.ListTasksRequest())
    assert states(events)[0] == "TASK_STATE_SUBMITTED"
    assert states(events)[-1] == "TASK_STATE_COMPLETED"
    assert stages(events)[:2] == ["PLAN_STAGE_VALIDATED", "PLAN_STAGE_ITINERARY_DRAFTED"]
    assert stages(events)[-1] == "PLAN_STAGE_COMPLETED"
    assert a2a_pb2.TaskState.Name(task.status.state) == "TASK_STATE_COMPLETED"
    (artifact,) = task.artifacts
    assert artifact.name == "trip"
    trip = json_format.MessageToDict(artifact.parts[0].data)
    assert trip["name"].startswith("trips/")
    assert trip["request"]["destination"] == "Lisbon"
    assert len(trip["itinerary"]["days"]) == 2
    assert trip["estimate"]["total"]["currencyCode"] == "EUR"
    assert task.id in {t.id for t in listed.tasks}


@pytest.mark.parametrize("binding", ["HTTP+JSON", "GRPC"])
async def test_send_message_answers_with_the_completed_task_and_its_trip(
    gateway: ServiceProcess, binding: str
) -> None:
    card = await front_card(gateway)
    async with a2a_client(card, binding, streaming=False) as client:
        (reply,) = await stream(client, user_message(new_text_part(SENTENCE)))
        task = await client.get_task(a2a_pb2.GetTaskRequest(id=reply.task.id))
    assert reply.HasField("task")
    assert a2a_pb2.TaskState.Name(reply.task.status.state) == "TASK_STATE_COMPLETED"
    (artifact,) = reply.task.artifacts
    assert artifact.name == "trip"
    trip = json_format.MessageToDict(artifact.parts[0].data)
    assert trip["request"]["destination"] == "Lisbon"
    assert trip["request"]["days"] == 2
    assert task.artifacts[0].artifact_id == artifact.artifact_id


async def test_missing_fields_are_asked_back_and_the_answer_completes_the_task(
    gateway: ServiceProcess,
) -> None:
    card = await front_card(gateway)
    async with a2a_client(card, "HTTP+JSON") as client:
        asked = await stream(client, user_message(new_text_part("Plan 2 days in Porto")))
        task_id = task_id_of(asked)
        question = asked[-1].status_update.status
        answer = new_text_part("from 3 June 2027, 2 people, 900 EUR")
        answered = await stream(client, user_message(answer, task_id=task_id))
    assert a2a_pb2.TaskState.Name(question.state) == "TASK_STATE_INPUT_REQUIRED"
    assert list(question.message.metadata["missingFields"]) == ["start_date", "travelers", "budget"]
    assert "start_date" in question.message.parts[0].text
    assert states(answered)[-1] == "TASK_STATE_COMPLETED"


async def test_a_planner_takes_a_data_part_through_its_tenant(gateway: ServiceProcess) -> None:
    async with httpx.AsyncClient() as http:
        card = await A2ACardResolver(http, f"{gateway_url(gateway)}/planner").get_agent_card()
    async with a2a_client(card, "HTTP+JSON") as client:
        events = await stream(client, user_message(new_data_part(LISBON)))
    assert states(events)[-1] == "TASK_STATE_COMPLETED"
    artifact = next(e.artifact_update.artifact for e in events if e.HasField("artifact_update"))
    assert artifact.name == "itinerary"
    assert len(json_format.MessageToDict(artifact.parts[0].data)["itinerary"]["days"]) == 2


def endpoints_with(mesh: ToolsMesh, replaced: dict[str, str], *added: str) -> str:
    """The mesh's TRIPMESH_ENDPOINTS with some services at other addresses, and more."""
    entries = [entry.split("=", 1) for entry in mesh.env["TRIPMESH_ENDPOINTS"].split(",")]
    kept = [f"{name}={replaced.get(name, address)}" for name, address in entries]
    return ",".join([*kept, *added])


def start_all(mesh: ToolsMesh, *processes: ServiceProcess) -> None:
    for process in processes:
        process.start(mesh.log_dir)
    for process in processes:
        process.wait_serving(60)


def stop_all(*processes: ServiceProcess) -> None:
    for process in processes:
        if process.process is not None:
            process.stop()


@dataclass
class SlowMesh:
    """A planner whose DraftItinerary takes DRAFT_DELAY_MS, an orchestrator using it and a
    gateway in front of that orchestrator."""

    planner: ServiceProcess
    orchestrator: ServiceProcess
    gateway: ServiceProcess


@pytest.fixture(scope="module")
def slow_mesh(tools_mesh: ToolsMesh) -> Iterator[SlowMesh]:
    planner = ServiceProcess(
        "planner",
        {
            **tools_mesh.env,
            "TRIPMESH_INSTANCE_ID": "slow-planner",
            "TRIPMESH_FAULT_DELAY_MS": str(DRAFT_DELAY_MS),
            "TRIPMESH_FAULT_DELAY_METHODS": "/tripmesh.v1.PlannerService/DraftItinerary",
        },
    )
    orchestrator = ServiceProcess("orchestrator", {})
    endpoints = endpoints_with(
        tools_mesh, {"planner": planner.address, "orchestrator": orchestrator.address}
    )
    orchestrator.env = {**tools_mesh.env, "TRIPMESH_ENDPOINTS": endpoints}
    gateway = ServiceProcess(
        "gateway", {**tools_mesh.env, "TRIPMESH_ENDPOINTS": endpoints, "TRIPMESH_API_KEYS": API_KEY}
    )
    try:
        start_all(tools_mesh, planner, orchestrator, gateway)
        yield SlowMesh(planner, orchestrator, gateway)
    finally:
        stop_all(gateway, orchestrator, planner)


def calls(metrics: str, counter: str, method: str, code: str = "") -> float:
    """A process's calls of `method` in a counter (of one final code, if given)."""
    total = 0.0
    for line in metrics.splitlines():
        ours = line.startswith(counter + "{") and f'grpc_method="{method}"' in line
        if ours and (not code or f'grpc_code="{code}"' in line):
            total += float(line.rsplit(" ", 1)[1])
    return total


def draft_calls(metrics: str, counter: str, code: str = "") -> float:
    """The planner's DraftItinerary calls in a counter (of one final code, if given)."""
    return calls(metrics, counter, "DraftItinerary", code)


async def planner_metrics(process: ServiceProcess) -> str:
    """The metrics of the planner (or of another process)."""
    async with httpx.AsyncClient() as http:
        return (await http.get(f"http://127.0.0.1:{process.metrics_port}/metrics")).text


async def draft_count(planner: ServiceProcess, counter: str, code: str = "") -> float:
    return draft_calls(await planner_metrics(planner), counter, code)


async def until_counted(
    planner: ServiceProcess, counter: str, above: float, code: str = "", timeout: float = 15.0
) -> None:
    """Returns once the planner's metrics count more DraftItinerary calls in `counter` than
    `above`."""
    with anyio.fail_after(timeout):
        # Another process's metrics: nothing to wait on but a look every 50 ms.
        while await draft_count(planner, counter, code) <= above:  # noqa: ASYNC110
            await anyio.sleep(0.05)


@pytest.mark.parametrize("binding", ["HTTP+JSON", "GRPC"])
async def test_cancel_mid_plan_ends_the_task_cancelled_and_stops_the_planner(
    slow_mesh: SlowMesh, binding: str
) -> None:
    planner = slow_mesh.planner
    started = await draft_count(planner, "grpc_server_started_total")
    cancelled_before = await draft_count(planner, HANDLED, "CANCELLED")
    card = await front_card(slow_mesh.gateway)
    events: list[a2a_pb2.StreamResponse] = []
    cancelled = False
    async with a2a_client(card, binding) as client:
        async for event in client.send_message(user_message(new_data_part(LISBON))):
            events.append(event)
            if not cancelled and stages(events) == ["PLAN_STAGE_VALIDATED"]:
                cancelled = True
                # Cancel once the planner has the draft in hand.
                await until_counted(planner, "grpc_server_started_total", started)
                await client.cancel_task(a2a_pb2.CancelTaskRequest(id=task_id_of(events)))
        task = await client.get_task(a2a_pb2.GetTaskRequest(id=task_id_of(events)))
    assert cancelled
    assert states(events)[-1] == "TASK_STATE_CANCELED"
    assert a2a_pb2.TaskState.Name(task.status.state) == "TASK_STATE_CANCELED"
    assert not task.artifacts
    # The cancel reached the planner: its DraftItinerary, held in the injected delay before
    # the planner's work, ends CANCELLED, and no draft was ever finished.
    await until_counted(
        planner, HANDLED, cancelled_before, "CANCELLED", timeout=DRAFT_DELAY_MS / 1000 + 10
    )
    assert not await draft_count(planner, HANDLED, "OK")


@pytest.mark.parametrize("binding", ["HTTP+JSON", "GRPC"])
async def test_an_unknown_task_is_task_not_found(gateway: ServiceProcess, binding: str) -> None:
    card = await front_card(gateway)
    async with a2a_client(card, binding) as client:
        with pytest.raises(TaskNotFoundError):
            await client.get_task(a2a_pb2.GetTaskRequest(id="no-such-task"))


async def test_the_key_scheme_the_card_declares_is_required_over_http(
    gateway: ServiceProcess,
) -> None:
    send = {"message": {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": SENTENCE}]}}
    async with httpx.AsyncClient(base_url=gateway_url(gateway)) as http:
        no_key = await http.post("/message:send", json=send)
        wrong_key = await http.get("/planner/tasks/t", headers={"X-API-Key": "wrong"})
        card = await http.get("/guide/.well-known/agent-card.json")
    assert no_key.status_code == 401
    assert no_key.json()["error"]["details"][0]["reason"] == "API_KEY_MISSING"
    assert wrong_key.status_code == 403
    assert card.status_code == 200  # the cards themselves are public
    assert card.json()["securityRequirements"] == [{"schemes": {"apiKey": {}}}]


OTHER_KEY = "mesh-tools-other-key"


@pytest.fixture(scope="module")
def two_keys_gateway(tools_mesh: ToolsMesh) -> Iterator[ServiceProcess]:
    """A gateway of its own that knows two API keys."""
    env = {**tools_mesh.env, "TRIPMESH_API_KEYS": f"{API_KEY},{OTHER_KEY}"}
    process = ServiceProcess("gateway", env).start(tools_mesh.log_dir)
    try:
        yield process.wait_serving()
    finally:
        process.stop()


async def test_one_keys_tasks_are_neither_read_nor_listed_nor_cancelled_with_another(
    two_keys_gateway: ServiceProcess,
) -> None:
    send = {"message": {"messageId": "m1", "role": "ROLE_USER", "parts": [{"text": SENTENCE}]}}
    own, other = {"X-API-Key": API_KEY}, {"X-API-Key": OTHER_KEY}
    async with httpx.AsyncClient(base_url=gateway_url(two_keys_gateway), timeout=60) as http:
        sent = await http.post("/message:send", json=send, headers=own)
        assert sent.status_code == 200, sent.text
        task_id = sent.json()["task"]["id"]
        by_owner = await http.get(f"/tasks/{task_id}", headers=own)
        by_other = await http.get(f"/tasks/{task_id}", headers=other)
        cancel_by_other = await http.post(f"/tasks/{task_id}:cancel", headers=other)
        listed_own = await http.get("/tasks", headers=own)
        listed_other = await http.get("/tasks", headers=other)
    assert by_owner.status_code == 200
    assert by_owner.json()["status"]["state"] == "TASK_STATE_COMPLETED"
    assert by_other.status_code == 404
    assert by_other.json()["error"]["details"][0]["reason"] == "TASK_NOT_FOUND"
    assert cancel_by_other.status_code == 404
    assert task_id in {task["id"] for task in listed_own.json()["tasks"]}
    assert task_id not in {task["id"] for task in listed_other.json().get("tasks", [])}


@pytest.fixture(scope="module")
def two_orchestrators(tools_mesh: ToolsMesh) -> Iterator[tuple[ServiceProcess, list[str]]]:
    """A gateway in front of two orchestrator replicas: the mesh's and a second one."""
    second = ServiceProcess(
        "orchestrator", {**tools_mesh.env, "TRIPMESH_INSTANCE_ID": "orchestrator-b"}
    )
    endpoints = endpoints_with(tools_mesh, {}, f"orchestrator={second.address}")
    gateway = ServiceProcess(
        "gateway", {**tools_mesh.env, "TRIPMESH_ENDPOINTS": endpoints, "TRIPMESH_API_KEYS": API_KEY}
    )
    try:
        start_all(tools_mesh, second, gateway)
        yield gateway, [tools_mesh.address("orchestrator"), second.address]
    finally:
        stop_all(gateway, second)


async def grpc_card(address: str) -> a2a_pb2.AgentCard:
    """The card an agent replica serves itself, naming its own gRPC interface."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub = a2a_pb2_grpc.A2AServiceStub(channel)  # type: ignore[no-untyped-call]
        card: a2a_pb2.AgentCard = await stub.GetExtendedAgentCard(
            a2a_pb2.GetExtendedAgentCardRequest(), timeout=5
        )
    return card


@pytest.mark.parametrize("replica", [0, 1], ids=["first", "second"])
async def test_calls_naming_a_task_reach_the_orchestrator_replica_holding_it(
    two_orchestrators: tuple[ServiceProcess, list[str]], replica: int
) -> None:
    gateway, addresses = two_orchestrators
    # Two tasks begin on one replica, straight over gRPC, and ask for input...
    async with a2a_client(await grpc_card(addresses[replica]), "GRPC") as direct:
        asked = [
            task_id_of(await stream(direct, user_message(new_text_part("Plan 2 days in Porto"))))
            for _ in range(2)
        ]
    # ...and go on through the gateway, whose balancer would pick either replica.
    async with a2a_client(await front_card(gateway), "HTTP+JSON") as client:
        for _ in range(6):
            task = await client.get_task(a2a_pb2.GetTaskRequest(id=asked[0]))
            assert a2a_pb2.TaskState.Name(task.status.state) == "TASK_STATE_INPUT_REQUIRED"
        answer = new_text_part("from 3 June 2027, 2 people, 900 EUR")
        answered = await stream(client, user_message(answer, task_id=asked[0]))
        cancelled = await client.cancel_task(a2a_pb2.CancelTaskRequest(id=asked[1]))
    assert states(answered)[-1] == "TASK_STATE_COMPLETED"
    assert a2a_pb2.TaskState.Name(cancelled.status.state) == "TASK_STATE_CANCELED"


@contextmanager
def orchestrators_sharing_tasks(mesh: ToolsMesh, name: str) -> Iterator[list[ServiceProcess]]:
    """Two orchestrator replicas sharing their state (their A2A tasks) in a Redis space of
    their own."""
    with shared_state_space() as space:
        replicas = [
            ServiceProcess(
                "orchestrator",
                {**mesh.env, **space.env, "TRIPMESH_INSTANCE_ID": f"orchestrator-{name}-{i}"},
            )
            for i in range(2)
        ]
        try:
            start_all(mesh, *replicas)
            yield replicas
        finally:
            stop_all(*replicas)


@pytest.fixture(scope="module")
def sharing_orchestrators(tools_mesh: ToolsMesh) -> Iterator[list[ServiceProcess]]:
    with orchestrators_sharing_tasks(tools_mesh, "shared") as replicas:
        yield replicas


async def test_a_task_planned_on_one_replica_is_listed_and_got_from_the_other_also_once_gone(
    sharing_orchestrators: list[ServiceProcess],
) -> None:
    first, second = sharing_orchestrators
    async with a2a_client(await grpc_card(first.address), "GRPC", streaming=False) as client:
        (reply,) = await stream(client, user_message(new_text_part(SENTENCE)))
    planned = reply.task
    async with a2a_client(await grpc_card(second.address), "GRPC") as other:
        got = await other.get_task(a2a_pb2.GetTaskRequest(id=planned.id))
        listed = await other.list_tasks(a2a_pb2.ListTasksRequest(include_artifacts=True))
        first.stop()
        after = await other.get_task(a2a_pb2.GetTaskRequest(id=planned.id))
    assert a2a_pb2.TaskState.Name(planned.status.state) == "TASK_STATE_COMPLETED"
    assert got == planned
    assert [t.id for t in listed.tasks] == [planned.id]
    assert listed.tasks[0].artifacts[0] == planned.artifacts[0]
    assert after == planned


@dataclass
class SharingBehindGateway:
    """Two orchestrator replicas sharing their tasks, and a gateway in front of both."""

    replicas: list[ServiceProcess]
    gateway: ServiceProcess


@pytest.fixture(scope="module")
def sharing_behind_gateway(tools_mesh: ToolsMesh) -> Iterator[SharingBehindGateway]:
    with orchestrators_sharing_tasks(tools_mesh, "listed") as replicas:
        first, second = replicas
        endpoints = endpoints_with(
            tools_mesh, {"orchestrator": first.address}, f"orchestrator={second.address}"
        )
        env = {**tools_mesh.env, "TRIPMESH_ENDPOINTS": endpoints, "TRIPMESH_API_KEYS": API_KEY}
        gateway = ServiceProcess("gateway", env)
        try:
            start_all(tools_mesh, gateway)
            yield SharingBehindGateway(replicas, gateway)
        finally:
            stop_all(gateway)


async def list_calls(replica: ServiceProcess) -> float:
    return calls(await planner_metrics(replica), HANDLED, "ListTasks", "OK")


async def test_list_tasks_over_http_through_the_gateway_lists_both_replicas_tasks_alike(
    sharing_behind_gateway: SharingBehindGateway,
) -> None:
    replicas = sharing_behind_gateway.replicas
    # One task is planned on each replica, the first's completed, the second's asking back.
    made = []
    for replica, text in zip(replicas, [SENTENCE, "Plan 2 days in Porto"], strict=True):
        async with a2a_client(await grpc_card(replica.address), "GRPC", streaming=False) as direct:
            (reply,) = await stream(direct, user_message(new_text_part(text)))
            made.append(reply.task)
    completed, asking = made
    assert a2a_pb2.TaskState.Name(completed.status.state) == "TASK_STATE_COMPLETED"
    assert a2a_pb2.TaskState.Name(asking.status.state) == "TASK_STATE_INPUT_REQUIRED"
    before = [await list_calls(replica) for replica in replicas]
    # Over HTTP+JSON through the gateway, whichever replica its balancer picks, until each
    # has answered at least once.
    async with a2a_client(await front_card(sharing_behind_gateway.gateway), "HTTP+JSON") as client:
        for _ in range(40):
            listed = await client.list_tasks(a2a_pb2.ListTasksRequest(include_artifacts=True))
            assert [t.id for t in listed.tasks] == [asking.id, completed.id]  # newest first
            assert listed.total_size == 2
            assert listed.tasks[1].artifacts[0] == completed.artifacts[0]
            asked = await client.list_tasks(
                a2a_pb2.ListTasksRequest(status=a2a_pb2.TASK_STATE_INPUT_REQUIRED)
            )
            assert [t.id for t in asked.tasks] == [asking.id]
            first_page = await client.list_tasks(a2a_pb2.ListTasksRequest(page_size=1))
            second_page = await client.list_tasks(
                a2a_pb2.ListTasksRequest(page_size=1, page_token=first_page.next_page_token)
            )
            assert [t.id for t in (*first_page.tasks, *second_page.tasks)] == [
                asking.id,
                completed.id,
            ]
            assert not second_page.next_page_token
            after = [await list_calls(replica) for replica in replicas]
            if all(a > b for a, b in zip(after, before, strict=True)):
                break
        else:
            pytest.fail(f"the gateway sent every ListTasks to one replica: {before} -> {after}")
