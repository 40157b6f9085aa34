"""Prometheus series of trips: how many were planned or failed, how long they took, how many
ended over budget, how many revision rounds they needed."""

import asyncio

from prometheus_client import Counter, Histogram
from tripmesh.v1.trip_pb2 import Trip

from services.runtime.errors import InvalidArgument

PLANNED, REJECTED, FAILED, CANCELLED = "planned", "rejected", "failed", "cancelled"

TRIPS = Counter(
    "tripmesh_trips_total",
    "Trip requests by outcome: planned, rejected (a bad request), failed, cancelled.",
    ["outcome"],
)
for _outcome in (PLANNED, REJECTED, FAILED, CANCELLED):
    TRIPS.labels(_outcome)  # every outcome is a series from the start, at 0
DURATION = Histogram(
    "tripmesh_trip_duration_seconds",
    "Time to plan a trip, from the validated request to the stored trip.",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300),
)
OVER_BUDGET = Counter(
    "tripmesh_trips_over_budget_total", "Planned trips whose estimate is over their budget."
)
REVISIONS = Counter(
    "tripmesh_trip_revisions_total", "Revision rounds made to bring trips within budget."
)


def trip_planned(trip: Trip, seconds: float) -> None:
    TRIPS.labels(PLANNED).inc()
    DURATION.observe(seconds)
    REVISIONS.inc(trip.revisions)
    if trip.HasField("estimate") and not trip.estimate.within_budget:
        OVER_BUDGET.inc()


def trip_ended_by(error: BaseException) -> None:
    """Counts a trip request that ended with `error` instead of a trip."""
    if isinstance(error, InvalidArgument):
        outcome = REJECTED
    elif isinstance(error, asyncio.CancelledError | GeneratorExit):
        outcome = CANCELLED
    else:
        outcome = FAILED
    TRIPS.labels(outcome).inc()
