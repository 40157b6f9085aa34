"""A2A tasks shared by replicas in Redis (a key prefix of the test's own on the machine's
Redis): what one replica saves, another gets and lists, as the SDK's in-memory store would
filter, order and page it; one owner never sees another's tasks, nor one agent another's;
the bounds of the replica's own store hold there too, and every key expires; when Redis
does not answer, the replica holding a task still answers for it, the rest is UNAVAILABLE,
and what was saved meanwhile is shared once Redis is back. Saves are conditional: a save of
a task read before another replica saved it is refused and changes nothing, a cancel needs
no version but a task not yet ended, an ended task stays so; what an outage kept is dropped
when another replica saved the task meanwhile, and sharing it neither overtakes nor undoes
the task's newer save in its own replica; over gRPC, a task cancelled on another replica
stays cancelled when its holder is answered."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import grpc
import pytest
from a2a.server.cluster import ConcurrentTaskModificationError, TaskVersion
from a2a.server.context import ServerCallContext
from a2a.server.tasks import InMemoryTaskStore
from a2a.types import a2a_pb2_grpc
from a2a.types.a2a_pb2 import (
    ROLE_USER,
    TASK_STATE_CANCELED,
    TASK_STATE_COMPLETED,
    TASK_STATE_INPUT_REQUIRED,
    TASK_STATE_WORKING,
    CancelTaskRequest,
    GetTaskRequest,
    ListTasksRequest,
    Message,
    Part,
    SendMessageRequest,
    Task,
    TaskState,
)
from google.protobuf.timestamp_pb2 import Timestamp
from prometheus_client import REGISTRY

from services.a2a.owners import KeyHolder
from services.a2a.shared_tasks import SharedTaskStore
from services.a2a.task_store import MAX_TASK_BYTES, MAX_TASKS
from services.budget.server import create_server as create_budget
from services.planner.server import create_server as create_planner
from services.runtime.errors import Unavailable, error_info, status_from_rpc_error
from services.runtime.state.connection import SharedState, connect
from tests.support.inprocess import channel_to, running_server
from tests.support.ports import free_port
from tests.support.redis_state import StateSpace
from tests.unit.conftest import ManualClock

if TYPE_CHECKING:
    from redis.asyncio import Redis

T = TypeVar("T")
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


async def save(
    store: SharedTaskStore,
    made: Task,
    context: ServerCallContext = ANYONE,
    read_at: TaskVersion = TaskVersion.MISSING,
) -> TaskVersion:
    """Saves `made`, read at `read_at` (by default new), as the SDK's task manager does."""
    return await store.save(made, prev_version=read_at, context=context)


async def got(
    store: SharedTaskStore, task_id: str, context: ServerCallContext = ANYONE
) -> Task | None:
    """The task as GetTask answers it."""
    stored = await store.get(task_id, context)
    return None if stored is None else stored.task


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
    version = await save(first, saved, ANYONE)
    assert await got(second, "t1", ANYONE) == saved
    saved.status.state = TASK_STATE_COMPLETED  # the owner saves each change
    await save(first, saved, ANYONE, version)
    answered = await got(second, "t1", ANYONE)
    listed = await second.list(ListTasksRequest(), ANYONE)
    assert answered is not None
    assert answered.status.state == TASK_STATE_COMPLETED
    assert list(listed.tasks) == [saved]
    assert listed.total_size == 1
    assert await got(second, "t2", ANYONE) is None


async def test_one_owner_never_sees_anothers_tasks_nor_one_agent_anothers(
    states: list[SharedState], clock: ManualClock
) -> None:
    first, second = replicas(states, clock)
    await save(first, task("alices"), ALICE)
    await save(first, task("bobs"), BOB)
    assert await got(second, "alices", BOB) is None
    assert [t.id for t in (await second.list(ListTasksRequest(), BOB)).tasks] == ["bobs"]
    assert [t.id for t in (await second.list(ListTasksRequest(), ALICE)).tasks] == ["alices"]
    assert not (await second.list(ListTasksRequest(), ANYONE)).tasks
    planner = SharedTaskStore(states[1], "planner", ttl=TTL, clock=clock)
    assert await got(planner, "alices", ALICE) is None
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
        await save((first, second)[i % 2], made, ANYONE)
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
    await save(first, task("long", messages=30), ANYONE)
    kept = await got(second, "long", ANYONE)
    assert kept is not None
    assert [m.message_id for m in kept.history] == [f"long-{i}" for i in range(10, 30)]
    await save(first, task("wide", messages=10, text="x" * 4000), ANYONE)
    trimmed = await got(second, "wide", ANYONE)
    assert trimmed is not None
    assert [m.message_id for m in trimmed.history] == ["wide-6", "wide-7", "wide-8", "wide-9"]
    assert trimmed.ByteSize() <= 20_000
    assert await got(first, "wide", ANYONE) == trimmed  # both replicas answer alike
    huge = task("huge", messages=0)
    huge.metadata.update({"blob": "x" * 30_000})
    await save(first, huge, ANYONE)
    assert await got(second, "huge", ANYONE) is None  # too large to share...
    assert await got(first, "huge", ANYONE) == huge  # ...its replica still holds it


async def test_an_owners_oldest_tasks_are_forgotten_past_the_count_and_the_bytes(
    states: list[SharedState], clock: ManualClock, space: StateSpace
) -> None:
    first, second = replicas(states, clock, max_tasks=3)
    for i in range(5):
        clock.now += 1
        await save(first, task(f"t{i}"), ANYONE)
    listed = await second.list(ListTasksRequest(), ANYONE)
    assert sorted(t.id for t in listed.tasks) == ["t2", "t3", "t4"]
    assert await got(second, "t0", ANYONE) is None
    await save(second, task("t2"), ALICE)  # another owner's tasks count apart
    assert len((await first.list(ListTasksRequest(), ANYONE)).tasks) == 3

    small = SharedTaskStore(states[0], "budget", ttl=TTL, clock=clock, max_bytes=35_000)
    for i in range(5):
        clock.now += 1
        await save(small, task(f"b{i}", text="x" * 4000, messages=2), ANYONE)
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
    await save(first, task("old"), ANYONE)
    with space.client() as client:
        names = client.keys(f"{space.prefix}*")
        assert len(names) == 4  # the task, the owner's index, its save times and its bytes
        assert all(0 < client.ttl(name) <= TTL for name in names)
    clock.now += TTL + 1
    assert not (await second.list(ListTasksRequest(), ANYONE)).tasks
    await save(second, task("new"), ANYONE)  # forgets what is past its TTL
    assert [t.id for t in (await first.list(ListTasksRequest(), ANYONE)).tasks] == ["new"]
    assert await got(second, "old", ANYONE) is None


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
        version = await save(holder, task("t1", state=TASK_STATE_WORKING), ANYONE)  # goes on
        await save(holder, task("t1"), ANYONE, version)
        held = await got(holder, "t1", ANYONE)
        assert held is not None
        assert held.status.state == TASK_STATE_COMPLETED
        holder.expect("t3")  # an id just made here: new, whatever Redis holds
        assert await got(holder, "t3", ANYONE) is None
        with pytest.raises(Unavailable) as unknown:
            await got(holder, "t2", ANYONE)
        with pytest.raises(Unavailable) as unlisted:
            await holder.list(ListTasksRequest(), ANYONE)
        for refused in (unknown.value, unlisted.value):
            assert refused.reason == "STATE_UNAVAILABLE"
            assert refused.retry_after == 5
        assert await got(other, "t1", ANYONE) is None

        await down.aclose()
        down.client = connect(space.url, 2.0)  # Redis is back...
        clock.now += 6  # ...and the rest after the failure is over
        assert [t.id for t in (await holder.list(ListTasksRequest(), ANYONE)).tasks] == ["t1"]
        shared = await got(other, "t1", ANYONE)
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


def stale_saves(when: str) -> float:
    return REGISTRY.get_sample_value("tripmesh_a2a_stale_task_saves_total", {"when": when}) or 0.0


async def test_a_save_of_a_task_read_before_another_replicas_save_is_refused_and_changes_nothing(
    states: list[SharedState], clock: ManualClock
) -> None:
    first, second = replicas(states, clock)
    read_at = await save(first, task("t1", state=TASK_STATE_WORKING))
    read = await second.get("t1", ANYONE)  # the second replica reads the task...
    assert read is not None
    assert read.version == read_at
    staged = task("t1", state=TASK_STATE_WORKING, text="stage 2")
    newer = await save(first, staged, read_at=read_at)  # ...the first saves it anew...
    assert newer.is_after(read_at)
    stale = task("t1", state=TASK_STATE_INPUT_REQUIRED, text="an older change")
    refused = stale_saves("save")
    with pytest.raises(ConcurrentTaskModificationError):  # ...and the second's save is refused
        await save(second, stale, read_at=read.version)
    with pytest.raises(ConcurrentTaskModificationError):  # as is a new task of a taken id
        await save(second, stale)
    assert stale_saves("save") == refused + 2
    for store in (first, second):  # the newer save is what both replicas answer and list
        answered = await store.get("t1", ANYONE)
        assert answered is not None
        assert (answered.task, answered.version) == (staged, newer)
        listed = await store.list(ListTasksRequest(), ANYONE)
        assert [t.history[0].parts[0].text for t in listed.tasks] == ["stage 2"]
    done = task("t1", state=TASK_STATE_COMPLETED)  # once read anew, the second's save is taken
    await save(second, done, read_at=newer)
    assert await got(first, "t1") == done


async def test_a_cancel_needs_no_version_but_a_task_not_yet_ended_and_nothing_changes_it_after(
    states: list[SharedState], clock: ManualClock
) -> None:
    running, other = replicas(states, clock)
    started = await save(running, task("t1", state=TASK_STATE_WORKING))
    staged = await save(
        running, task("t1", state=TASK_STATE_WORKING, text="stage 2"), read_at=started
    )
    cancelled = task("t1", state=TASK_STATE_CANCELED)
    await save(other, cancelled, read_at=started)  # another replica cancels what it read
    with pytest.raises(ConcurrentTaskModificationError):  # the running replica's next save
        await save(running, task("t1", state=TASK_STATE_COMPLETED), read_at=staged)
    read = await running.get("t1", ANYONE)  # read anew, it has ended: no save changes it
    assert read is not None
    assert read.task == cancelled
    with pytest.raises(ConcurrentTaskModificationError):
        await save(running, task("t1", state=TASK_STATE_COMPLETED), read_at=read.version)
    assert await got(other, "t1") == cancelled
    await save(running, task("t2", state=TASK_STATE_COMPLETED))
    with pytest.raises(ConcurrentTaskModificationError):  # an ended task is not cancelled
        await save(other, task("t2", state=TASK_STATE_CANCELED))
    ended = await got(other, "t2")
    assert ended is not None
    assert ended.status.state == TASK_STATE_COMPLETED


class Outage(SharedState):
    """A replica's connection to the test's Redis, which the test stops and starts, and
    whose next call it can hold until it lets it go."""

    def __init__(self, space: StateSpace, clock: ManualClock) -> None:
        super().__init__(connect(space.url, 2.0), prefix=space.prefix, rest=5, clock=clock)
        self._url = space.url
        self._now = clock
        self._gate: asyncio.Event | None = None
        self.holding = asyncio.Event()

    async def stop(self) -> None:
        await self.client.aclose()
        self.client = connect(f"redis://127.0.0.1:{free_port()}/0", 0.5)

    async def start(self) -> None:
        await self.client.aclose()
        self.client = connect(self._url, 2.0)
        self._now.now += 6  # the rest after the failure is over

    def hold_next(self) -> asyncio.Event:
        """Holds the next call until the event returned is set."""
        self._gate = asyncio.Event()
        return self._gate

    async def run(self, user: str, operation: Callable[["Redis"], Awaitable[T]]) -> T:
        gate, self._gate = self._gate, None
        if gate is not None:
            self.holding.set()
            await gate.wait()
        return await super().run(user, operation)


@dataclass
class OutageReplicas:
    """Two replicas' stores: the holder's on a connection the test stops and starts."""

    holder: SharedTaskStore
    other: SharedTaskStore
    connection: Outage

    async def keep_a_save_through_an_outage(self) -> tuple[TaskVersion, TaskVersion]:
        """Task t1 saved while Redis answers, then Redis stopped and t1 saved anew (kept in the
        holder's memory): the versions of both."""
        read_at = await save(self.holder, task("t1", state=TASK_STATE_WORKING))
        await self.connection.stop()
        meanwhile = task("t1", state=TASK_STATE_WORKING, text="a stage done meanwhile")
        return read_at, await save(self.holder, meanwhile, read_at=read_at)


@pytest.fixture
async def outage(space: StateSpace, clock: ManualClock) -> AsyncIterator[OutageReplicas]:
    connection = Outage(space, clock)
    other = SharedState(connect(space.url, 2.0), prefix=space.prefix, rest=5, clock=clock)
    holder, other_store = replicas([connection, other], clock)
    yield OutageReplicas(holder, other_store, connection)
    await connection.aclose()
    await other.aclose()


async def test_saves_kept_through_an_outage_never_replace_a_save_made_meanwhile_elsewhere(
    outage: OutageReplicas,
) -> None:
    holder, other = outage.holder, outage.other
    read_at, kept = await outage.keep_a_save_through_an_outage()  # the task goes on here...
    with pytest.raises(ConcurrentTaskModificationError):  # (a save must follow the newest)
        await save(holder, task("t1", state=TASK_STATE_WORKING), read_at=read_at)
    newer = task("t1", state=TASK_STATE_INPUT_REQUIRED, text="asked elsewhere")
    await save(other, newer, read_at=read_at)  # ...while another replica saves it anew
    await outage.connection.start()
    dropped = stale_saves("after_outage")
    # Redis is back: the holder's first store call tries to share what it kept, and drops it
    assert [t.id for t in (await holder.list(ListTasksRequest(), ANYONE)).tasks] == ["t1"]
    assert stale_saves("after_outage") == dropped + 1
    assert await got(other, "t1") == newer
    assert await got(holder, "t1") == newer
    with pytest.raises(ConcurrentTaskModificationError):  # the holder's writer learns it next
        await save(holder, task("t1", state=TASK_STATE_COMPLETED), read_at=kept)


async def test_sharing_what_an_outage_kept_waits_for_nor_undoes_a_newer_save_of_the_task(
    outage: OutageReplicas,
) -> None:
    holder, connection = outage.holder, outage.connection
    _, kept = await outage.keep_a_save_through_an_outage()
    await connection.start()
    dropped = stale_saves("after_outage")
    gate = connection.hold_next()
    # The holder's next store call shares the kept save, whose write to Redis is held...
    sharing = asyncio.create_task(holder.list(ListTasksRequest(), ANYONE))
    await connection.holding.wait()
    done = task("t1", state=TASK_STATE_COMPLETED)
    # ...while the task's newer save goes as far as it can...
    saving = asyncio.create_task(save(holder, done, read_at=kept))
    await asyncio.wait({saving}, timeout=0.5)
    gate.set()  # ...and then the held write lands
    await asyncio.gather(sharing, saving)
    assert await got(outage.other, "t1") == done  # every replica reads the newer save
    await connection.stop()
    assert await got(holder, "t1") == done  # and its holder keeps it through the next outage
    assert stale_saves("after_outage") == dropped


def user_says(text: str, task_id: str = "") -> SendMessageRequest:
    parts = [Part(text=text)]
    return SendMessageRequest(
        message=Message(message_id=uuid.uuid4().hex, role=ROLE_USER, parts=parts, task_id=task_id)
    )


async def test_over_grpc_a_task_cancelled_on_another_replica_stays_cancelled_when_answered(
    space: StateSpace,
) -> None:
    shared = {"state_url": space.url, "state_prefix": space.prefix}
    async with (
        running_server(create_planner, **shared) as (_, holder_port),
        running_server(create_planner, **shared) as (_, other_port),
        channel_to(holder_port) as to_holder,
        channel_to(other_port) as to_other,
    ):
        holder = a2a_pb2_grpc.A2AServiceStub(to_holder)  # type: ignore[no-untyped-call]
        other = a2a_pb2_grpc.A2AServiceStub(to_other)  # type: ignore[no-untyped-call]
        asked = (await holder.SendMessage(user_says("Plan 2 days in Porto"))).task
        cancelled = await other.CancelTask(CancelTaskRequest(id=asked.id))
        answer = user_says("from 3 June 2027, 2 people, 900 EUR", task_id=asked.id)
        answered = (await holder.SendMessage(answer)).task
        read = await other.GetTask(GetTaskRequest(id=asked.id))
    assert asked.status.state == TASK_STATE_INPUT_REQUIRED
    assert cancelled.status.state == TASK_STATE_CANCELED
    # the replica holding the task does not plan it after all: its saves are refused
    assert answered.status.state == TASK_STATE_CANCELED
    assert not answered.artifacts
    assert read.status.state == TASK_STATE_CANCELED
