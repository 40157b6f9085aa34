"""Task ids name the agent replica holding the task, and every A2A request that names a
task leads to that replica's address."""

from a2a.types import a2a_pb2

from services.a2a.task_ids import (
    ReplicaTaskIds,
    new_task_id,
    replica_holding,
    replica_tag,
    tag_of_task,
    task_id_of,
)

A, B = "10.0.0.5:50051", "10.0.0.6:50051"
GATEWAY_VIEW = [f"ipv4:{A}", f"ipv4:{B}"]  # as the gateway's discovery names them


def test_a_task_id_carries_the_tag_of_its_replica_address() -> None:
    task_id = new_task_id(B)
    assert tag_of_task(task_id) == replica_tag(B) == replica_tag(f"ipv4:{B}")
    assert replica_tag(A) != replica_tag(B)
    assert replica_tag("ipv6:[::1]:50051") == replica_tag("[::1]:50051")  # as the card has it
    assert new_task_id(B) != task_id
    generator = ReplicaTaskIds(A)
    assert tag_of_task(generator.generate(None)) == replica_tag(A)  # type: ignore[arg-type]


def test_ids_without_a_tag_name_no_replica() -> None:
    for task_id in ("", "no-such-task", "3f1c2a7e-5b0d-4c1e-9f7a-0d2b8c4e6a11", "x.NOTHEX00000"):
        assert tag_of_task(task_id) == ""


def test_every_request_naming_a_task_leads_to_its_replica() -> None:
    task_id = new_task_id(B)
    naming = [
        a2a_pb2.SendMessageRequest(message=a2a_pb2.Message(task_id=task_id)),
        a2a_pb2.GetTaskRequest(id=task_id),
        a2a_pb2.CancelTaskRequest(id=task_id),
        a2a_pb2.SubscribeToTaskRequest(id=task_id),
        a2a_pb2.TaskPushNotificationConfig(id="config", task_id=task_id),
        a2a_pb2.GetTaskPushNotificationConfigRequest(task_id=task_id, id="config"),
        a2a_pb2.ListTaskPushNotificationConfigsRequest(task_id=task_id),
        a2a_pb2.DeleteTaskPushNotificationConfigRequest(task_id=task_id, id="config"),
    ]
    for request in naming:
        assert task_id_of(request) == task_id
        assert replica_holding(request, GATEWAY_VIEW) == f"ipv4:{B}"


def test_a_new_task_a_list_and_a_vanished_replica_go_to_any() -> None:
    assert (
        replica_holding(a2a_pb2.SendMessageRequest(message=a2a_pb2.Message()), GATEWAY_VIEW) == ""
    )
    assert replica_holding(a2a_pb2.ListTasksRequest(), GATEWAY_VIEW) == ""
    gone = a2a_pb2.GetTaskRequest(id=new_task_id("10.0.0.7:50051"))
    assert replica_holding(gone, GATEWAY_VIEW) == ""
