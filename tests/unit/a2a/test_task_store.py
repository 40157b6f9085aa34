"""The A2A task store stays within its bounds: tasks, bytes, and each task's history and size."""

from a2a.server.context import ServerCallContext
from a2a.types.a2a_pb2 import Message, Part, Task

from services.a2a.task_store import BoundedTaskStore

CONTEXT = ServerCallContext()


def task(task_id: str, messages: int = 1, text: str = "plan 3 days in Lisbon") -> Task:
    made = Task(id=task_id, context_id="c")
    for i in range(messages):
        made.history.append(Message(message_id=f"{task_id}-{i}", parts=[Part(text=text)]))
    return made


async def test_the_oldest_tasks_are_forgotten_past_the_count() -> None:
    store = BoundedTaskStore(max_tasks=3)
    for i in range(5):
        await store.save(task(f"t{i}"), CONTEXT)
    kept = [i for i in range(5) if await store.get(f"t{i}", CONTEXT) is not None]
    assert kept == [2, 3, 4]


async def test_the_oldest_tasks_are_forgotten_past_the_bytes() -> None:
    store = BoundedTaskStore(max_bytes=10_000)
    for i in range(5):
        await store.save(task(f"t{i}", text="x" * 4000), CONTEXT)
    assert await store.get("t4", CONTEXT) is not None
    assert await store.get("t0", CONTEXT) is None
    await store.save(task("t4", text="short"), CONTEXT)  # a resave counts its new size
    await store.save(task("t5", text="x" * 4000), CONTEXT)
    assert await store.get("t3", CONTEXT) is not None


async def test_a_task_keeps_its_newest_messages() -> None:
    store = BoundedTaskStore(max_history=3)
    await store.save(task("t", messages=10), CONTEXT)
    kept = await store.get("t", CONTEXT)
    assert kept is not None
    assert [m.message_id for m in kept.history] == ["t-7", "t-8", "t-9"]


async def test_a_deleted_task_frees_its_room() -> None:
    store = BoundedTaskStore(max_tasks=2)
    await store.save(task("a"), CONTEXT)
    await store.save(task("b"), CONTEXT)
    await store.delete("a", CONTEXT)
    await store.save(task("c"), CONTEXT)
    assert await store.get("b", CONTEXT) is not None


async def test_a_task_keeps_fewer_messages_where_that_keeps_it_within_its_size() -> None:
    store = BoundedTaskStore(max_task_bytes=10_000)
    await store.save(task("t", messages=5, text="x" * 4000), CONTEXT)
    kept = await store.get("t", CONTEXT)
    assert kept is not None
    assert [m.message_id for m in kept.history] == ["t-3", "t-4"]
