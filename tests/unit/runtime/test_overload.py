"""The adaptive limit and its admission queue, on an injected clock."""

import asyncio

import pytest

from services.runtime import errors
from services.runtime.overload import MAX_QUEUE_WAIT, Admission, GradientLimit, LimitOptions


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_latency_far_above_the_baseline_shrinks_the_limit_to_its_floor() -> None:
    limit = GradientLimit(LimitOptions(initial=100, min_limit=10, max_limit=200))
    limit.observe("/m", 0.010, inflight=100)
    for _ in range(200):
        limit.observe("/m", 0.100, inflight=100)  # 10 x the cheapest: a queue is building
    assert limit.limit == 10


def test_latency_at_the_baseline_under_full_use_grows_the_limit() -> None:
    limit = GradientLimit(LimitOptions(initial=20, min_limit=10, max_limit=200))
    for _ in range(200):
        limit.observe("/m", 0.010, inflight=limit.limit)
    assert limit.limit > 40


def test_an_idle_process_does_not_grow_its_limit() -> None:
    limit = GradientLimit(LimitOptions(initial=20, min_limit=10, max_limit=200))
    for _ in range(200):
        limit.observe("/m", 0.010, inflight=1)
    assert limit.limit == 20


def test_methods_are_compared_with_their_own_baseline() -> None:
    limit = GradientLimit(LimitOptions(initial=50, min_limit=10, max_limit=200))
    for _ in range(200):  # a cheap read and a costly plan, each at its usual latency
        limit.observe("/cheap", 0.001, inflight=50)
        limit.observe("/costly", 0.050, inflight=50)
    assert limit.limit >= 50


async def test_beyond_the_limit_calls_are_refused_with_a_retry_delay() -> None:
    admission = Admission(LimitOptions(initial=2, min_limit=2, max_limit=2, max_wait=0))
    await admission.enter("/m", None)
    await admission.enter("/m", None)
    with pytest.raises(errors.ResourceExhausted) as refused:
        await admission.enter("/m", None)
    assert refused.value.reason == "OVERLOADED"
    assert refused.value.retry_after is not None
    assert refused.value.retry_after > 0


async def test_a_waiting_call_gets_the_next_free_slot() -> None:
    clock = Clock()
    admission = Admission(LimitOptions(initial=1, min_limit=1, max_limit=1, max_wait=60), clock)
    started = await admission.enter("/m", None)
    waiting = asyncio.create_task(admission.enter("/m", None))
    await asyncio.sleep(0)
    assert not waiting.done()
    admission.leave("/m", started, learn=True)
    await waiting
    assert admission.inflight == 1


async def test_a_queued_call_may_wait_as_long_as_its_method_typically_takes() -> None:
    clock = Clock()
    admission = Admission(LimitOptions(initial=1, min_limit=1, max_limit=1, max_wait=0.05), clock)
    assert admission.longest_wait("/slow") == MAX_QUEUE_WAIT  # nothing learnt yet
    for method, took in (("/slow", 0.400), ("/quick", 0.001), ("/hung", 30.0)):
        started = await admission.enter(method, None)
        clock.now += took
        admission.leave(method, started, learn=True)
    assert admission.longest_wait("/slow") == pytest.approx(0.400)  # a slot frees by then
    assert admission.longest_wait("/quick") == 0.05  # never less than max_wait
    assert admission.longest_wait("/hung") == MAX_QUEUE_WAIT  # never more than the cap
    never = Admission(LimitOptions(max_wait=0), clock)
    assert never.longest_wait("/slow") == 0.0  # 0: refused at once, never queued


async def test_beyond_a_full_queue_calls_are_refused_at_once() -> None:
    admission = Admission(LimitOptions(initial=1, min_limit=1, max_limit=1, max_wait=60))
    await admission.enter("/m", None)
    queued = asyncio.create_task(admission.enter("/m", None))
    await asyncio.sleep(0)
    with pytest.raises(errors.ResourceExhausted):  # the queue holds half the limit, or one
        await admission.enter("/m", None)
    queued.cancel()
    with pytest.raises(asyncio.CancelledError):
        await queued


async def test_a_call_that_gives_up_waiting_leaves_no_slot_behind() -> None:
    admission = Admission(LimitOptions(initial=1, min_limit=1, max_limit=1, max_wait=60))
    started = await admission.enter("/m", None)
    waiting = asyncio.create_task(admission.enter("/m", None))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    admission.leave("/m", started, learn=False)
    assert admission.inflight == 0
    await admission.enter("/m", None)
    assert admission.inflight == 1


async def test_a_deadline_shorter_than_the_cheapest_call_is_refused_up_front() -> None:
    clock = Clock()
    admission = Admission(LimitOptions(), clock)
    started = await admission.enter("/m", 10.0)
    clock.now += 0.200
    admission.leave("/m", started, learn=True)
    with pytest.raises(errors.DeadlineExceeded) as refused:
        await admission.enter("/m", 0.100)
    assert refused.value.reason == "DEADLINE_TOO_SHORT"
    assert admission.inflight == 0
    await admission.enter("/m", 0.300)
