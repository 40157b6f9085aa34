"""A task runs a skill (services.a2a.skill): submitted → (input-required) → working with
the plan's stages → completed with the result as the artifact, or failed; cancel cancels the work.

The a2a-sdk runs `execute` as an asyncio task and cancels that task on CancelTask, so
the skill's await (the workflow, the agents' gRPC calls) is cancelled with it.
"""

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from a2a.helpers.proto_helpers import new_data_part, new_task, new_text_part
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from a2a.types import a2a_pb2
from google.protobuf import json_format
from google.protobuf.message import Message

from services.a2a.model_reading import TextReader, offline_reader
from services.a2a.reading import MissingInput, read_request
from services.a2a.skill import TripSkill
from services.runtime.errors import InvalidArgument, TripmeshError

logger = logging.getLogger(__name__)
JSON = "application/json"


def today_utc() -> date:
    return datetime.now(UTC).date()


class TripTaskExecutor(AgentExecutor):
    def __init__(
        self,
        skill: TripSkill,
        reader: TextReader = offline_reader,
        today: Callable[[], date] = today_utc,
    ) -> None:
        self._skill = skill
        self._reader = reader  # sentences: the model chain where the agent has one
        self._today = today

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        assert context.task_id is not None
        assert context.context_id is not None
        updater = TaskUpdater(event_queue, context.task_id, context.context_id)
        if context.current_task is None:  # the SDK wants the Task before any update of it
            history = [context.message] if context.message is not None else []
            submitted = new_task(
                context.task_id, context.context_id, a2a_pb2.TASK_STATE_SUBMITTED, history=history
            )
            await event_queue.enqueue_event(submitted)
        try:
            request = await read_request(
                _messages(context),
                self._skill.request_type,
                self._skill.trip_field,
                self._today(),
                self._reader,
            )
        except MissingInput as missing:
            await _ask(updater, missing.fields, _asking(missing.fields))
            return
        except InvalidArgument as error:
            await _ask(updater, [error.field or "request"], error.message)
            return
        await self._run(updater, request)

    async def _run(self, updater: TaskUpdater, request: Message) -> None:
        async def progress(line: str, stage: str) -> None:
            message = _agent_text(updater, line)
            if stage:
                message.metadata.update({"stage": stage})
            await updater.start_work(message)

        await progress("working on it", "")
        try:
            result = await self._skill.run(request, progress)
        except InvalidArgument as error:
            await _ask(updater, [error.field or "request"], error.message)
            return
        except TripmeshError as error:
            await updater.failed(_agent_text(updater, f"{error.code.name}: {error.message}"))
            return
        data = json_format.MessageToDict(result, always_print_fields_with_no_presence=True)
        await updater.add_artifact(
            [new_data_part(data, media_type=JSON)], name=self._skill.artifact_name
        )
        await updater.complete()

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        assert context.task_id is not None
        assert context.context_id is not None
        await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()


def _messages(context: RequestContext) -> list[a2a_pb2.Message]:
    """Every user message of the task so far, the new one last."""
    history = list(context.current_task.history) if context.current_task else []
    seen = {m.message_id for m in history}
    if context.message is not None and context.message.message_id not in seen:
        history.append(context.message)
    return history


def _asking(fields: list[str]) -> str:
    return (
        f'To plan this I still need: {", ".join(fields)}. For example: "3 days in Lisbon from'
        ' 1 May 2027 for 2 people, 1500 EUR", or the request as JSON in a data part.'
    )


async def _ask(updater: TaskUpdater, fields: list[str], text: str) -> None:
    message = _agent_text(updater, text)
    message.metadata.update({"missingFields": fields})
    await updater.requires_input(message)


def _agent_text(updater: TaskUpdater, text: str) -> a2a_pb2.Message:
    return updater.new_agent_message([new_text_part(text)])
