"""The trip workflow: guardrails, draft, price and advise in parallel, fit the budget, store.

One implementation serves both RPCs: `run` yields a PlanEvent at each step
(StreamPlanTrip maps them), and `plan` returns the trip (PlanTrip). For `run`,
the work runs in a task of its own that reports events through a queue, so that
the guide's answer is reported the moment it arrives, whatever the budget path
is doing; closing the event stream (a client that went away) cancels that task,
and with it every outgoing call. `plan` runs the same steps in its caller's task
and reports nothing; cancelling the call cancels them.
"""

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field

from tripmesh.v1.orchestrator_service_pb2 import PlanStage
from tripmesh.v1.planner_service_pb2 import ReviseItineraryRequest
from tripmesh.v1.trip_pb2 import Pace, PlanTripRequest, Trip

from services.orchestrator.agents import (
    BudgetClient,
    GuideClient,
    PlannerClient,
    failure_code,
    is_deadline_exceeded,
)
from services.orchestrator.idempotency import Idempotency
from services.orchestrator.metrics import trip_ended_by, trip_planned
from services.orchestrator.names import new_trip_id, trip_name
from services.orchestrator.settings import OrchestratorSettings
from services.orchestrator.store import TripStore
from services.orchestrator.timing import TripClock
from services.orchestrator.trips import (
    add_usage,
    add_warnings,
    amount,
    cut_categories,
    describe_estimate,
    progress,
)
from services.runtime.errors import AlreadyExists
from services.runtime.reporting import current_trace_id

logger = logging.getLogger(__name__)

# Input guardrails: warnings for a valid request, InvalidArgument naming a bad field.
Validator = Callable[[PlanTripRequest], list[str]]

# A revision round (planner, then budget) is started only when this many times
# the duration of the first draft and estimate is left on the clock.
ROUND_TIME_FACTOR = 1.5


@dataclass(frozen=True)
class PlanEvent:
    """A finished step: its stage, a line for people, and the trip as far as it is known."""

    stage: PlanStage
    message: str
    trip: Trip


# A step's line for people, or what makes it (called only when someone watches the events).
Message = str | Callable[[], str]
Emit = Callable[[PlanStage, Message], None]


def _unwatched(stage: PlanStage, message: Message) -> None:
    """The events of a trip nobody watches (PlanTrip)."""


def _nothing() -> None:
    pass


@dataclass
class _Run:
    """The state of one trip request while it is planned."""

    request: PlanTripRequest
    trip: Trip
    clock: TripClock
    round_seconds: float = 0.0
    fresh_id: bool = False  # the request came without a request_id: one was made up
    started: float = field(default_factory=time.monotonic)


class TripWorkflow:
    """Plans trips with the three agents and keeps them in the store."""

    def __init__(
        self,
        planner: PlannerClient,
        budget: BudgetClient,
        guide: GuideClient,
        store: TripStore,
        settings: OrchestratorSettings,
        validate: Validator,
    ) -> None:
        self._planner = planner
        self._budget = budget
        self._guide = guide
        self._settings = settings
        self._validate = validate
        # A claim outlives the longest trip by a little, so that it only expires when
        # its owner died.
        lease = settings.trip_deadline + 5.0
        self._idempotency = Idempotency(store, settings.idempotency_window, lease)

    async def plan(self, request: PlanTripRequest) -> Trip:
        """Plans a trip and returns it, complete and stored.

        The same steps as `run`, in the caller's own task and without events: no task,
        queue or progress message per step on a trip's path, which PlanTrip would only
        have thrown away (all but the last trip, which is `run`'s trip itself).
        """
        try:
            run = self._start(request)
            await self._work(run, _unwatched, _nothing)
        except BaseException as error:
            trip_ended_by(error)
            raise
        return run.trip

    async def run(self, request: PlanTripRequest) -> AsyncGenerator[PlanEvent, None]:
        """Plans a trip, yielding an event at each step and the complete trip last.

        Raises the typed error of a bad request, or the AioRpcError of a
        planner or budget call that failed.
        """
        try:
            async for event in self._run(request):
                yield event
        except BaseException as error:
            trip_ended_by(error)
            raise

    def _start(self, request: PlanTripRequest) -> _Run:
        """The checked request, and the trip about to be planned for it."""
        clock = TripClock.for_request(self._settings.trip_deadline, self._settings.answer_reserve)
        warnings = self._validate(request)
        run = _Run(_normalized(request), Trip(name=trip_name(new_trip_id())), clock)
        run.fresh_id = not request.request_id
        run.trip.request.CopyFrom(run.request)
        add_warnings(run.trip, warnings)
        return run

    async def _run(self, request: PlanTripRequest) -> AsyncGenerator[PlanEvent, None]:
        run = self._start(request)
        events: asyncio.Queue[PlanEvent | None] = asyncio.Queue()

        def emit(stage: PlanStage, message: Message) -> None:
            text = message if isinstance(message, str) else message()
            events.put_nowait(PlanEvent(stage, text, progress(run.trip, stage)))

        emit(PlanStage.PLAN_STAGE_VALIDATED, f"request_id {run.request.request_id}")
        work = asyncio.create_task(self._work(run, emit, lambda: events.put_nowait(None)))
        try:
            while (event := await events.get()) is not None:
                yield event
            await work  # raises what the work raised
        finally:
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)

    async def _work(self, run: _Run, emit: Emit, done: Callable[[], None]) -> None:
        try:
            async with self._idempotency.claim(run.request.request_id, run.fresh_id) as stored:
                if stored is not None:
                    _same_request_or_conflict(run.request, stored)
                    run.trip.CopyFrom(stored)
                    emit(
                        PlanStage.PLAN_STAGE_COMPLETED,
                        f"request {run.request.request_id} was planned before: {stored.name}",
                    )
                    return
                await self._plan(run, emit)
        finally:
            done()

    async def _plan(self, run: _Run, emit: Emit) -> None:
        started = time.monotonic()
        drafted = await self._planner.draft(run.request, run.clock.timeout("planner"))
        run.trip.itinerary.CopyFrom(drafted.itinerary)
        add_usage(run.trip.usage, drafted.usage)
        add_warnings(run.trip, drafted.warnings)
        emit(PlanStage.PLAN_STAGE_ITINERARY_DRAFTED, lambda: _describe_itinerary(run.trip))
        guide = asyncio.create_task(self._advise(run, emit))
        try:
            await self._estimate(run, emit)
            run.round_seconds = time.monotonic() - started
            await self._fit_budget(run, emit)
            await guide
        finally:
            guide.cancel()
        await self._store(run, emit)

    async def _estimate(self, run: _Run, emit: Emit) -> None:
        priced = await self._budget.estimate(
            run.request, run.trip.itinerary, run.clock.timeout("budget")
        )
        run.trip.estimate.CopyFrom(priced.estimate)
        add_usage(run.trip.usage, priced.usage)
        add_warnings(run.trip, priced.warnings)
        emit(
            PlanStage.PLAN_STAGE_BUDGET_ESTIMATED,
            lambda: describe_estimate(priced.estimate, run.request.budget),
        )

    async def _advise(self, run: _Run, emit: Emit) -> None:
        """Local advice, optional: a failure or timeout leaves a warning, never an error.

        The guide gets a share of the time the budget path has, so that waiting
        for it never costs the whole deadline.
        """
        share = self._settings.guide_timeout_share
        try:
            advised = await self._guide.advise(
                run.request, run.trip.itinerary, run.clock.timeout("guide", share)
            )
        except Exception as exc:  # any failure of an optional hop degrades the answer
            code = failure_code(exc)
            logger.warning("guide failed (%s): trip without advice", code)
            add_warnings(run.trip, [_guide_warning(code)])
            emit(PlanStage.PLAN_STAGE_GUIDE_READY, f"no local advice ({code})")
            return
        run.trip.guide.CopyFrom(advised.guide)
        add_usage(run.trip.usage, advised.usage)
        add_warnings(run.trip, advised.warnings)
        emit(
            PlanStage.PLAN_STAGE_GUIDE_READY,
            f"{len(advised.guide.tips)} tip(s), {len(advised.guide.phrases)} phrase(s)",
        )

    async def _fit_budget(self, run: _Run, emit: Emit) -> None:
        """Revision rounds while over budget, bounded in number and by the clock."""
        trip = run.trip
        while not trip.estimate.within_budget and trip.revisions < self._settings.max_revisions:
            if run.clock.left() < ROUND_TIME_FACTOR * run.round_seconds:
                add_warnings(trip, ["Stopped revising to fit the budget: too little time left."])
                break
            before = amount(trip.estimate.total)
            try:
                await self._revise(run)
            except Exception as exc:
                if not is_deadline_exceeded(exc):
                    raise
                # The last priced plan stands; better an answer over budget than none.
                add_warnings(trip, ["Stopped revising to fit the budget: the deadline came."])
                break
            trip.revisions += 1
            emit(
                PlanStage.PLAN_STAGE_REVISED,
                f"revision {trip.revisions}:"
                f" {describe_estimate(trip.estimate, run.request.budget)}",
            )
            if amount(trip.estimate.total) >= before:
                break  # the planner found nothing more to cut; another round would repeat it
        if not trip.estimate.within_budget:
            rounds = f" after {trip.revisions} revision(s)" if trip.revisions else ""
            verdict = describe_estimate(trip.estimate, trip.request.budget)
            add_warnings(trip, [f"Still over budget{rounds}: {verdict}."])

    async def _revise(self, run: _Run) -> None:
        """One round: the planner cuts towards the budget, the budget agent prices the result."""
        trip = run.trip
        revised = await self._planner.revise(
            ReviseItineraryRequest(
                trip=run.request,
                itinerary=trip.itinerary,
                target_total=run.request.budget,
                cut_categories=cut_categories(trip.estimate),
                estimate=trip.estimate,
            ),
            run.clock.timeout("planner"),
        )
        add_usage(trip.usage, revised.usage)
        priced = await self._budget.estimate(
            run.request, revised.itinerary, run.clock.timeout("budget")
        )
        add_usage(trip.usage, priced.usage)
        trip.itinerary.CopyFrom(revised.itinerary)
        trip.estimate.CopyFrom(priced.estimate)
        add_warnings(trip, [*revised.warnings, *priced.warnings])

    async def _store(self, run: _Run, emit: Emit) -> None:
        run.trip.create_time.GetCurrentTime()
        run.trip.trace_id = current_trace_id()  # the monitor's executions of it, by this id
        stored = await self._idempotency.record(run.trip, run.fresh_id)
        if stored.name != run.trip.name:
            _same_request_or_conflict(run.request, stored)
            logger.info("a concurrent request with the same request_id stored %s", stored.name)
        else:
            trip_planned(stored, time.monotonic() - run.started)
            logger.info(
                "planned %s: %d revision(s), %d warning(s)",
                stored.name,
                stored.revisions,
                len(stored.warnings),
                extra={"request_id": run.request.request_id, "trip": stored.name},
            )
        run.trip.CopyFrom(stored)
        emit(PlanStage.PLAN_STAGE_STORED, stored.name)
        emit(PlanStage.PLAN_STAGE_COMPLETED, "trip ready")


def _same_request_or_conflict(request: PlanTripRequest, stored: Trip) -> None:
    """A request id names one request (AIP-155): reused for another, it is a conflict."""
    if stored.request != request:
        raise AlreadyExists(
            f"request_id {request.request_id[:64]!r} was used for a different request"
            f" ({stored.name}); send a new request_id",
            reason="REQUEST_ID_REUSED",
            field="request_id",
            metadata={"trip": stored.name},
        )


def _normalized(request: PlanTripRequest) -> PlanTripRequest:
    """The request as stored: pace spelled out, a request id always present."""
    result = PlanTripRequest()
    result.CopyFrom(request)
    if result.pace == Pace.PACE_UNSPECIFIED:
        result.pace = Pace.PACE_BALANCED
    if not result.request_id:
        result.request_id = uuid.uuid4().hex
    return result


def _describe_itinerary(trip: Trip) -> str:
    activities = sum(len(day.activities) for day in trip.itinerary.days)
    place = trip.itinerary.destination.name or trip.request.destination
    return f"{len(trip.itinerary.days)} days, {activities} activities in {place}"


def _guide_warning(code: str) -> str:
    if code == "DEADLINE_EXCEEDED":
        return "No local advice: the guide did not answer in time."
    return f"No local advice: the guide could not answer ({code})."
