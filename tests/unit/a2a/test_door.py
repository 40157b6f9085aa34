"""A2A requests pass the door of an agent's server like its own: an over-long text part is
INVALID_ARGUMENT with a BadRequest naming its path, before the SDK's handler sees it, on
the unary and the streaming method alike; a sentence of ordinary length goes in."""

import uuid
from collections.abc import AsyncIterator

import grpc
import pytest
from a2a.types import a2a_pb2, a2a_pb2_grpc
from google.rpc import error_details_pb2

from services.budget.server import create_server as create_budget
from services.runtime.errors import error_info, status_from_rpc_error
from tests.support.inprocess import channel_to, running_server


@pytest.fixture
async def a2a() -> AsyncIterator[a2a_pb2_grpc.A2AServiceStub]:
    async with running_server(create_budget) as (_, port), channel_to(port) as channel:
        yield a2a_pb2_grpc.A2AServiceStub(channel)  # type: ignore[no-untyped-call]


def _sending(text: str) -> a2a_pb2.SendMessageRequest:
    part = a2a_pb2.Part(text=text)
    message = a2a_pb2.Message(message_id=uuid.uuid4().hex, role=a2a_pb2.ROLE_USER, parts=[part])
    return a2a_pb2.SendMessageRequest(message=message)


async def _stream(
    a2a: a2a_pb2_grpc.A2AServiceStub, request: a2a_pb2.SendMessageRequest
) -> list[a2a_pb2.StreamResponse]:
    return [event async for event in a2a.SendStreamingMessage(request)]


def _bad_fields(error: grpc.aio.AioRpcError) -> list[str]:
    fields = []
    for detail in status_from_rpc_error(error).details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
    return fields


@pytest.mark.parametrize("streaming", [False, True], ids=["SendMessage", "SendStreamingMessage"])
async def test_an_over_long_text_part_is_refused_at_the_door_naming_its_path(
    a2a: a2a_pb2_grpc.A2AServiceStub, streaming: bool
) -> None:
    request = _sending("Plan 3 days in Lisbon. " + "x" * 5000)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await (_stream(a2a, request) if streaming else a2a.SendMessage(request))
    error = refused.value
    assert error.code() is grpc.StatusCode.INVALID_ARGUMENT
    info = error_info(status_from_rpc_error(error))
    assert info is not None
    assert info.reason == "FIELD_OUT_OF_BOUNDS"
    assert _bad_fields(error) == ["message.parts[0].text"]
    assert "xxxxxxxxxx" not in (error.details() or "")


async def test_a_sentence_goes_in_and_is_asked_what_it_lacks(
    a2a: a2a_pb2_grpc.A2AServiceStub,
) -> None:
    reply = await a2a.SendMessage(_sending("Plan 3 days in Lisbon from 1 May for 2 people"))
    assert reply.task.status.state == a2a_pb2.TASK_STATE_INPUT_REQUIRED


async def test_a_method_the_agents_do_not_support_is_checked_first(
    a2a: a2a_pb2_grpc.A2AServiceStub,
) -> None:
    config = a2a_pb2.TaskPushNotificationConfig(task_id="t", url="https://x/" + "u" * 3000)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await a2a.CreateTaskPushNotificationConfig(config)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert _bad_fields(refused.value) == ["url"]
    config.url = "https://example.com/hook"
    with pytest.raises(grpc.aio.AioRpcError) as unsupported:
        await a2a.CreateTaskPushNotificationConfig(config)
    assert unsupported.value.code() is grpc.StatusCode.FAILED_PRECONDITION  # the SDK: no push
