"""A2A tasks shared by replicas in Redis (a key prefix of the test's own on the machine's
Redis): what one replica saves, another gets and lists, as the SDK's in-memory store would
filter, order and page it; one owner never sees another's tasks, nor one agent another's;
the bounds of the replica's own store hold there too, and every key expires; when Redis
does not answer, the replica holding a task still answers for it, the rest is UNAVAILABLE,
and what was saved meanwhile is shared once Redis is back."""

import uuid

import grpc
import pytest
from a2a.server.context import ServerCallContext
from a2a.server.tasks import InMemoryTaskStore
from a2a.types import a2a_pb2_grpc
from a2a.types.a2a_pb2 import (
    ROLE_USER,
    TASK_STATE_COMPLETED,
    TASK_STATE_INPUT_REQUIRED,
    TASK_STATE_WORKING,
    GetTaskRequest,
    ListTasksRequest,
    Message,
    Part,
    SendMessageRequest,
    Task,
    TaskState,
)
from google.protobuf.timestamp_pb2 import Timestamp

from services.a2a.owners import KeyHolder
from services.a2a.shared_tasks import SharedTaskStore
from services.a2a.task_store import MAX_TASK_BYTES, MAX_TASKS
from services.budget.server import create_server as create_budget
from services.runtime.errors import Unavailable, error_info, status_from_rpc_error
from services.runtime.state.connection import SharedState, connect
from tests.support.inprocess import channel_to, running_server
from tests.support.ports import free_port
from tests.support.redis_state import StateSpace
from tests.unit.conftest import ManualClock

TTL = 3600


ANYONE = ServerCallContext()  # the SDK's unauthenticated user, as over plain gRPC
ALICE = ServerCallContext(user=KeyHolder("alice"))
BOB = ServerCallContext(user=KeyHolder("bob"))


@pytest.fixture
def clock() -> ManualClock:
    """Wall-clock seconds: tasks are stamped with the store's clock."""
    return ManualClock(1_800_000_000.0)


def replicas(
    states: list[SharedState],
    clock: ManualClock,
    max_tasks: int = MAX_TASKS,
    max_task_bytes: int = MAX_TASK_BYTES,
) -> list[SharedTaskStore]:
    """The orchestrator's store in each of two replicas (each with its own memory)."""
    return [
        SharedTaskStore(
            state,
            "orchestrator",
            ttl=TTL,
            clock=clock,
            max_tasks=max_tasks,
            max_task_bytes=max_task_bytes,
        )
        for state in states
    ]


def task(
    task_id: str,
    context_id: str = "c",
    state: TaskState = TASK_STATE_COMPLETED,
    seconds: int | None = 100,
    messages: int = 1,
    text: str = "plan 3 days in Lisbon",
) -> Task:
    made = Task(id=task_id, context_id=context_id)
    made.status.state = state
    if seconds is not None:
        made.status.timestamp.CopyFrom(Timestamp(seconds=seconds))
    for i in range(messages):
        made.history.append(Message(message_id=f"{task_id}-{i}", parts=[Part(text=text)]))
    return made


async def test_a_task_saved_by_one_replica_is_got_and_listed_by_the_other(
    states: list[SharedState], clock: ManualClock
) -> None:
    first, second = replicas(states, clock)
    saved = task("t1", state=TASK_STATE_WORKING)
    await first.save(saved, ANYONE)
    assert await second.get("t1", ANYONE) == saved
    saved.status.state = TASK_STATE_COMPLETED  # the owner saves each change
    await first.save(saved, ANYONE)
    got = await second.get("t1", ANYONE)
    listed = await second.list(ListTasksRequest(), ANYONE)
    assert got is not None
    assert got.status.state == TASK_STATE_COMPLETED
    assert list(listed.tasks) == [saved]
    assert listed.total_size == 1
    assert await second.get("t2", ANYONE) is None


async def test_one_owner_never_sees_anothers_tasks_nor_one_agent_anothers(
    states: list[SharedState], clock: ManualClock
) -> None:
    first, second = replicas(states, clock)
    await first.save(task("alices"), ALICE)
    await first.save(task("bobs"), BOB)
    assert await second.get("alices", BOB) is None
    assert [t.id for t in (await second.list(ListTasksRequest(), BOB)).tasks] == ["bobs"]
    assert [t.id for t in (await second.list(ListTasksRequest(), ALICE)).tasks] == ["alices"]
    assert not (await second.list(ListTasksRequest(), ANYONE)).tasks
    planner = SharedTaskStore(states[1], "planner", ttl=TTL, clock=clock)
    assert await planner.get("alices", ALICE) is None
    assert not (await planner.list(ListTasksRequest(), ALICE)).tasks


async def test_filters_order_and_pages_are_those_of_the_sdks_own_store(
    states: list[SharedState], clock: ManualClock
) -> None:
    first, second = replicas(states, clock)
    reference = InMemoryTaskStore()
    tasks = [
        task("a", "trip-1", TASK_STATE_COMPLETED, 300),
        task("b", "trip-1", TASK_STATE_WORKING, 100),
        task("c", "trip-2", TASK_STATE_COMPLETED, 200),
        task("d", "trip-2", TASK_STATE_INPUT_REQUIRED, None),
        task("e", "trip-1", TASK_STATE_COMPLETED, 200),
        task("f", "trip-3", TASK_STATE_COMPLETED, None),
        task("g", "trip-1", TASK_STATE_WORKING, 400),
    ]
    for i, made in enumerate(tasks):
        await (first, second)[i % 2].save(made, ANYONE)
        await reference.save(made, ANYONE)
    after = Timestamp(seconds=200)
    asked = [
        ListTasksRequest(),
        ListTasksRequest(context_id="trip-1"),
        ListTasksRequest(status=TASK_STATE_COMPLETED),
        ListTasksRequest(status_timestamp_after=after),
        ListTasksRequest(context_id="trip-1", status=TASK_STATE_WORKING),
        ListTasksRequest(page_size=2),
        ListTasksRequest(page_size=3, status=TASK_STATE_COMPLETED),
    ]
    for request in asked:
        for store in (first, second):
            pages, expected = await every_page(store, request), await every_page(reference, request)
            assert pages == expected, request
    assert [t.id for t in (await second.list(ListTasksRequest(), ANYONE)).tasks] == list("gaecbfd")


async def every_page(
    store: InMemoryTaskStore | SharedTaskStore, request: ListTasksRequest
) -> list[tuple[list[Task], int, int, str]]:
    """Every page of a listing: its tasks, total size, page size and next page's token."""
    pages = []
    asking = ListTasksRequest()
    asking.CopyFrom(request)
    while True:
        page = await store.list(asking, ANYONE)
        pages.append((list(page.tasks), page.total_size, page.page_size, page.next_page_token))
        if not page.next_page_token:
            return pages
        asking.page_token = page.next_page_token


async def test_a_task_keeps_its_newest_messages_and_its_size_in_bounds(
    states: list[SharedState], clock: ManualClock
) -> None:
    first, second = replicas(states, clock, max_task_bytes=20_000)
    await first.save(task("long", messages=30), ANYONE)
    kept = await second.get("long", ANYONE)
    assert kept is not None
    assert [m.message_id for m in kept.history] == [f"long-{i}" for i in range(10, 30)]
    await first.save(task("wide", messages=10, text="x" * 4000), ANYONE)
    trimmed = await second.get("wide", ANYONE)
    assert trimmed is not None
    assert [m.message_id for m in trimmed.history] == ["wide-6", "wide-7", "wide-8", "wide-9"]
    assert trimmed.ByteSize() <= 20_000
    assert await first.get("wide", ANYONE) == trimmed  # both replicas answer alike
    huge = task("huge", messages=0)
    huge.metadata.update({"blob": "x" * 30_000})
    await first.save(huge, ANYONE)
    assert await second.get("huge", ANYONE) is None  # too large to share...
    assert await first.get("huge", ANYONE) == huge  # ...its replica still holds it


async def test_an_owners_oldest_tasks_are_forgotten_past_the_count_and_the_bytes(
    states: list[SharedState], clock: ManualClock, space: StateSpace
) -> None:
    first, second = replicas(states, clock, max_tasks=3)
    for i in range(5):
        clock.now += 1
        await first.save(task(f"t{i}"), ANYONE)
    listed = await second.list(ListTasksRequest(), ANYONE)
    assert sorted(t.id for t in listed.tasks) == ["t2", "t3", "t4"]
    assert await second.get("t0", ANYONE) is None
    await second.save(task("t2"), ALICE)  # another owner's tasks count apart
    assert len((await first.list(ListTasksRequest(), ANYONE)).tasks) == 3

    small = SharedTaskStore(states[0], "budget", ttl=TTL, clock=clock, max_bytes=35_000)
    for i in range(5):
        clock.now += 1
        await small.save(task(f"b{i}", text="x" * 4000, messages=2), ANYONE)
    assert [t.id for t in (await small.list(ListTasksRequest(), ANYONE)).tasks] == [
        "b4",
        "b3",
        "b2",
    ]
    with space.client() as client:  # what the index counts is what the tasks hold
        tasks = client.keys(f"{space.prefix}a2a:budget:*:task:*")
        held = sum(len(client.get(name) or "") for name in tasks)
        (counted,) = client.keys(f"{space.prefix}a2a:budget:*:bytes")
        assert int(client.get(counted) or 0) == held


async def test_every_key_expires_and_a_task_past_its_ttl_is_gone(
    states: list[SharedState], clock: ManualClock, space: StateSpace
) -> None:
    first, second = replicas(states, clock)
    await first.save(task("old"), ANYONE)
    with space.client() as client:
        names = client.keys(f"{space.prefix}*")
        assert len(names) == 4  # the task, the owner's index, its save times and its bytes
        assert all(0 < client.ttl(name) <= TTL for name in names)
    clock.now += TTL + 1
    assert not (await second.list(ListTasksRequest(), ANYONE)).tasks
    await second.save(task("new"), ANYONE)  # forgets what is past its TTL
    assert [t.id for t in (await first.list(ListTasksRequest(), ANYONE)).tasks] == ["new"]
    assert await second.get("old", ANYONE) is None


async def test_without_redis_the_holder_answers_the_rest_is_unavailable_until_it_is_back(
    space: StateSpace, clock: ManualClock
) -> None:
    down = SharedState(
        connect(f"redis://127.0.0.1:{free_port()}/0", 0.5), prefix=space.prefix, rest=5, clock=clock
    )
    up = SharedState(connect(space.url, 2.0), prefix=space.prefix, rest=5, clock=clock)
    holder = SharedTaskStore(down, "orchestrator", ttl=TTL, clock=clock)
    other = SharedTaskStore(up, "orchestrator", ttl=TTL, clock=clock)
    try:
        await holder.save(task("t1", state=TASK_STATE_WORKING), ANYONE)  # the task goes on
        await holder.save(task("t1"), ANYONE)
        held = await holder.get("t1", ANYONE)
        assert held is not None
        assert held.status.state == TASK_STATE_COMPLETED
        holder.expect("t3")  # an id just made here: new, whatever Redis holds
        assert await holder.get("t3", ANYONE) is None
        with pytest.raises(Unavailable) as unknown:
            await holder.get("t2", ANYONE)
        with pytest.raises(Unavailable) as unlisted:
            await holder.list(ListTasksRequest(), ANYONE)
        for refused in (unknown.value, unlisted.value):
            assert refused.reason == "STATE_UNAVAILABLE"
            assert refused.retry_after == 5
        assert await other.get("t1", ANYONE) is None

        await down.aclose()
        down.client = connect(space.url, 2.0)  # Redis is back...
        clock.now += 6  # ...and the rest after the failure is over
        assert [t.id for t in (await holder.list(ListTasksRequest(), ANYONE)).tasks] == ["t1"]
        shared = await other.get("t1", ANYONE)
        assert shared is not None
        assert shared.status.state == TASK_STATE_COMPLETED
    finally:
        await down.aclose()
        await up.aclose()


async def test_over_grpc_an_outage_is_unavailable_and_the_agent_answers_for_its_own_tasks() -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    text = Part(text="Plan 3 days in Lisbon from 1 May for 2 people")
    message = Message(message_id=uuid.uuid4().hex, role=ROLE_USER, parts=[text])
    async with (
        running_server(create_budget, state_url=dead, state_timeout=0.5) as (_, port),
        channel_to(port) as channel,
    ):
        a2a = a2a_pb2_grpc.A2AServiceStub(channel)  # type: ignore[no-untyped-call]
        reply = await a2a.SendMessage(SendMessageRequest(message=message))
        held = await a2a.GetTask(GetTaskRequest(id=reply.task.id))
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await a2a.ListTasks(ListTasksRequest())
    assert held.status.state == TASK_STATE_INPUT_REQUIRED
    assert refused.value.code() is grpc.StatusCode.UNAVAILABLE
    info = error_info(status_from_rpc_error(refused.value))
    assert info is not None
    assert info.reason == "STATE_UNAVAILABLE"
