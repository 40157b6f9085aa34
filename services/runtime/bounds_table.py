"""The bound of every field of every request the mesh serves, keyed by "message.field".

These are ceilings that protect the servers (memory, arithmetic, trailers), checked at
the door of every server, internal hops included. What a value means (a known
destination, a date ahead, 1 to 30 days) is checked by the services themselves, with
their own reasons, after the door. README.md shows this table (a test keeps the two
equal), and tests/unit/runtime/test_bounds.py fails when a request field has no entry.
"""

from services.runtime.bounds import WELL_KNOWN_RANGES, Bound

NAME = 128  # resource names ("trips/…", "tools/…"), ids, instance ids
SHORT = 64  # codes, categories, time zones, services
TITLE = 200
TEXT = 2000
PAGE_TOKEN = 512
MONEY_UNITS = 10**15  # far beyond any trip, far below int64 sums
DAY_SECONDS = 86_400
WEEK_SECONDS = 7 * DAY_SECONDS
# Timestamps from 0001-01-01 to 9999-12-31, the range google.protobuf.Timestamp allows.
TIMESTAMP = WELL_KNOWN_RANGES["google.protobuf.Timestamp"]
MAX_RECORDS = 1000  # execution records in one RecordExecutions batch
MAX_TOKENS = 100_000_000  # tokens of one model call
# A2A (lf.a2a.v1.A2AService, which the orchestrator and the agents serve)
A2A_ID = 256  # ids a client may choose (message ids); the agents' task and context ids are UUIDs
URL = 2048
MEDIA_TYPE = 256  # "application/json", with parameters
A2A_TEXT = 4000  # a text part: a traveller's request, in a few sentences
RAW_BYTES = 64 * 1024  # a file sent inline; the agents read text and data parts only
A2A_PAGE_SIZE = Bound(min=0, max=1000)
HISTORY_LENGTH = Bound(min=0, max=1000)  # messages of a task's history to return
# A data part: a skill's request as JSON (an EstimateBudgetRequest of a 30-day itinerary of
# 10 activities a day is about 4,000 values, 8 levels deep, counting the Value itself).
A2A_DATA = Bound(max_depth=8, max_items=10_000, max_len=TEXT)
A2A_METADATA = Bound(max_depth=8, max_items=200, max_len=TEXT)  # extensions' key-value pairs

BOUNDS: dict[str, Bound] = {
    # google.type.Money, wherever it appears
    "google.type.Money.currency_code": Bound(max_len=8),
    "google.type.Money.units": Bound(min=-MONEY_UNITS, max=MONEY_UNITS),
    "google.type.Money.nanos": Bound(min=-999_999_999, max=999_999_999),
    # the trip request (OrchestratorService, and inside every agent's request)
    "tripmesh.v1.PlanTripRequest.destination": Bound(max_len=TITLE),
    "tripmesh.v1.PlanTripRequest.start_date": Bound(max_len=32),
    "tripmesh.v1.PlanTripRequest.days": Bound(min=0, max=366),
    "tripmesh.v1.PlanTripRequest.travelers": Bound(min=0, max=1000),
    "tripmesh.v1.PlanTripRequest.interests": Bound(max_items=50, max_len=100),
    "tripmesh.v1.PlanTripRequest.request_id": Bound(max_len=256),
    "tripmesh.v1.PlanTripRequest.nights": Bound(min=0, max=366),
    "tripmesh.v1.GetTripRequest.name": Bound(max_len=NAME),
    "tripmesh.v1.DeleteTripRequest.name": Bound(max_len=NAME),
    "tripmesh.v1.ListTripsRequest.page_size": Bound(min=0, max=1000),
    "tripmesh.v1.ListTripsRequest.page_token": Bound(max_len=PAGE_TOKEN),
    # itineraries, places and estimates that agents pass each other
    "tripmesh.v1.Itinerary.days": Bound(max_items=366),
    "tripmesh.v1.Itinerary.travel_style": Bound(max_len=SHORT),
    "tripmesh.v1.ItineraryDay.date": Bound(max_len=32),
    "tripmesh.v1.ItineraryDay.activities": Bound(max_items=50),
    "tripmesh.v1.ItineraryDay.summary": Bound(max_len=500),
    "tripmesh.v1.Activity.title": Bound(max_len=TITLE),
    "tripmesh.v1.Activity.category": Bound(max_len=SHORT),
    "tripmesh.v1.Activity.start_time": Bound(max_len=16),
    "tripmesh.v1.Activity.duration": Bound(min=0, max=DAY_SECONDS),
    "tripmesh.v1.Activity.description": Bound(max_len=TEXT),
    "tripmesh.v1.Place.name": Bound(max_len=TITLE),
    "tripmesh.v1.Place.country": Bound(max_len=TITLE),
    "tripmesh.v1.Place.country_code": Bound(max_len=8),
    "tripmesh.v1.Place.latitude": Bound(min=-90, max=90),
    "tripmesh.v1.Place.longitude": Bound(min=-180, max=180),
    "google.type.LatLng.latitude": Bound(min=-90, max=90),
    "google.type.LatLng.longitude": Bound(min=-180, max=180),
    "tripmesh.v1.Place.time_zone": Bound(max_len=SHORT),
    "tripmesh.v1.Place.currency_code": Bound(max_len=8),
    "tripmesh.v1.Place.languages": Bound(max_items=20, max_len=35),
    "tripmesh.v1.Place.population": Bound(min=0, max=10**10),
    "tripmesh.v1.ReviseItineraryRequest.cut_categories": Bound(max_items=50, max_len=SHORT),
    "tripmesh.v1.BudgetEstimate.line_items": Bound(max_items=200),
    "tripmesh.v1.BudgetEstimate.savings": Bound(max_items=50, max_len=500),
    "tripmesh.v1.BudgetEstimate.exchange_rate_date": Bound(max_len=32),
    "tripmesh.v1.LineItem.category": Bound(max_len=SHORT),
    "tripmesh.v1.LineItem.description": Bound(max_len=500),
    # tools: registry, router, the agents' ToolService
    "tripmesh.v1.RouteTaskRequest.name": Bound(max_len=NAME),
    "tripmesh.v1.RouteTaskRequest.arguments": Bound(max_depth=8, max_items=1000, max_len=TEXT),
    "tripmesh.v1.RoutingHints.preferred_instance_id": Bound(max_len=NAME),
    "tripmesh.v1.RoutingHints.excluded_instance_ids": Bound(max_items=100, max_len=NAME),
    "tripmesh.v1.InvokeToolRequest.name": Bound(max_len=NAME),
    "tripmesh.v1.InvokeToolRequest.arguments": Bound(max_depth=8, max_items=1000, max_len=TEXT),
    "tripmesh.v1.Tool.name": Bound(max_len=NAME),
    "tripmesh.v1.Tool.description": Bound(max_len=TEXT),
    "tripmesh.v1.Tool.input_schema": Bound(max_depth=16, max_items=2000, max_len=TEXT),
    "tripmesh.v1.Tool.output_schema": Bound(max_depth=16, max_items=2000, max_len=TEXT),
    "tripmesh.v1.Tool.version": Bound(max_len=SHORT),
    "tripmesh.v1.Tool.tags": Bound(max_items=20, max_len=SHORT),
    "tripmesh.v1.Tool.providers": Bound(max_items=100),
    "tripmesh.v1.Tool.create_time": TIMESTAMP,
    "tripmesh.v1.ToolProvider.service": Bound(max_len=SHORT),
    "tripmesh.v1.ToolProvider.instance_id": Bound(max_len=NAME),
    "tripmesh.v1.ToolProvider.endpoint": Bound(max_len=256),
    "tripmesh.v1.ToolProvider.heartbeat_time": TIMESTAMP,
    "tripmesh.v1.DeregisterToolRequest.name": Bound(max_len=NAME),
    "tripmesh.v1.DeregisterToolRequest.instance_id": Bound(max_len=NAME),
    "tripmesh.v1.GetToolRequest.name": Bound(max_len=NAME),
    "tripmesh.v1.ListToolsRequest.page_size": Bound(min=0, max=1000),
    "tripmesh.v1.ListToolsRequest.page_token": Bound(max_len=PAGE_TOKEN),
    "tripmesh.v1.ListToolsRequest.tag": Bound(max_len=SHORT),
    "tripmesh.v1.ListToolsRequest.provider": Bound(max_len=NAME),
    "tripmesh.v1.HeartbeatRequest.instance_id": Bound(max_len=NAME),
    "tripmesh.v1.HeartbeatRequest.tool_names": Bound(max_items=200, max_len=NAME),
    # the performance monitor
    "tripmesh.v1.RecordExecutionsRequest.records": Bound(
        max_items=MAX_RECORDS, items_checked_by_service=True
    ),
    "tripmesh.v1.RecordExecutionsRequest.dropped_count": Bound(min=0, max=10**12),
    "tripmesh.v1.ExecutionRecord.service": Bound(max_len=SHORT),
    "tripmesh.v1.ExecutionRecord.method": Bound(max_len=256),
    "tripmesh.v1.ExecutionRecord.tool": Bound(max_len=NAME),
    "tripmesh.v1.ExecutionRecord.model": Bound(max_len=NAME),
    "tripmesh.v1.ExecutionRecord.instance_id": Bound(max_len=NAME),
    "tripmesh.v1.ExecutionRecord.start_time": TIMESTAMP,
    "tripmesh.v1.ExecutionRecord.duration": Bound(min=0, max=WEEK_SECONDS),
    "tripmesh.v1.ExecutionRecord.code": Bound(max_len=32),
    "tripmesh.v1.ExecutionRecord.input_tokens": Bound(min=0, max=MAX_TOKENS),
    "tripmesh.v1.ExecutionRecord.output_tokens": Bound(min=0, max=MAX_TOKENS),
    "tripmesh.v1.ExecutionRecord.cost_usd": Bound(min=0, max=10_000),
    "tripmesh.v1.ExecutionRecord.trace_id": Bound(max_len=64),
    "tripmesh.v1.GetStatsRequest.service": Bound(max_len=SHORT),
    "tripmesh.v1.ListExecutionsRequest.trace_id": Bound(max_len=64),
    # A2A: the request of every method and the messages in them (the door checks them
    # all, push notification configs too, which the agents then refuse: not supported)
    "lf.a2a.v1.SendMessageRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.SendMessageRequest.metadata": A2A_METADATA,
    "lf.a2a.v1.Message.message_id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.Message.context_id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.Message.task_id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.Message.parts": Bound(max_items=10),
    "lf.a2a.v1.Message.metadata": A2A_METADATA,
    "lf.a2a.v1.Message.extensions": Bound(max_items=20, max_len=URL),
    "lf.a2a.v1.Message.reference_task_ids": Bound(max_items=20, max_len=A2A_ID),
    "lf.a2a.v1.Part.text": Bound(max_len=A2A_TEXT),
    "lf.a2a.v1.Part.raw": Bound(max_bytes=RAW_BYTES),
    "lf.a2a.v1.Part.url": Bound(max_len=URL),
    "lf.a2a.v1.Part.data": A2A_DATA,
    "lf.a2a.v1.Part.metadata": A2A_METADATA,
    "lf.a2a.v1.Part.filename": Bound(max_len=256),
    "lf.a2a.v1.Part.media_type": Bound(max_len=MEDIA_TYPE),
    "lf.a2a.v1.SendMessageConfiguration.accepted_output_modes": Bound(
        max_items=20, max_len=MEDIA_TYPE
    ),
    "lf.a2a.v1.SendMessageConfiguration.history_length": HISTORY_LENGTH,
    "lf.a2a.v1.TaskPushNotificationConfig.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.TaskPushNotificationConfig.id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.TaskPushNotificationConfig.task_id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.TaskPushNotificationConfig.url": Bound(max_len=URL),
    "lf.a2a.v1.TaskPushNotificationConfig.token": Bound(max_len=1024),
    "lf.a2a.v1.AuthenticationInfo.scheme": Bound(max_len=SHORT),
    "lf.a2a.v1.AuthenticationInfo.credentials": Bound(max_len=8192),
    "lf.a2a.v1.GetTaskRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.GetTaskRequest.id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.GetTaskRequest.history_length": HISTORY_LENGTH,
    "lf.a2a.v1.ListTasksRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.ListTasksRequest.context_id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.ListTasksRequest.page_size": A2A_PAGE_SIZE,
    "lf.a2a.v1.ListTasksRequest.page_token": Bound(max_len=PAGE_TOKEN),
    "lf.a2a.v1.ListTasksRequest.history_length": HISTORY_LENGTH,
    "lf.a2a.v1.ListTasksRequest.status_timestamp_after": TIMESTAMP,
    "lf.a2a.v1.CancelTaskRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.CancelTaskRequest.id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.CancelTaskRequest.metadata": A2A_METADATA,
    "lf.a2a.v1.SubscribeToTaskRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.SubscribeToTaskRequest.id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.GetTaskPushNotificationConfigRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.GetTaskPushNotificationConfigRequest.task_id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.GetTaskPushNotificationConfigRequest.id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.ListTaskPushNotificationConfigsRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.ListTaskPushNotificationConfigsRequest.task_id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.ListTaskPushNotificationConfigsRequest.page_size": A2A_PAGE_SIZE,
    "lf.a2a.v1.ListTaskPushNotificationConfigsRequest.page_token": Bound(max_len=PAGE_TOKEN),
    "lf.a2a.v1.GetExtendedAgentCardRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.DeleteTaskPushNotificationConfigRequest.tenant": Bound(max_len=NAME),
    "lf.a2a.v1.DeleteTaskPushNotificationConfigRequest.task_id": Bound(max_len=A2A_ID),
    "lf.a2a.v1.DeleteTaskPushNotificationConfigRequest.id": Bound(max_len=A2A_ID),
}
