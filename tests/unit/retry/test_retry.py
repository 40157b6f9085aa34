"""The shared retry (tripmesh_retry) on a fake clock: nothing here really sleeps."""

import asyncio
import random

import pytest

from tripmesh_retry import AsyncRetry, exponential_delays, if_exception_type


class FakeTime:
    """A clock that moves only when slept on, and a record of the sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Flaky:
    """Fails with the given errors in turn, then answers `done`."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, value: str = "done") -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return value


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def policy(fake: FakeTime, **options: object) -> AsyncRetry:
    settings: dict[str, object] = {
        "predicate": if_exception_type(ConnectionError),
        "initial": 1.0,
        "maximum": 4.0,
        "timeout": None,
        "sleep": fake.sleep,
        "clock": fake.clock,
        "rng": random.Random(7),
    }
    settings.update(options)
    return AsyncRetry(**settings)  # type: ignore[arg-type]


def test_full_jitter_stays_under_the_exponential_ceiling_and_spreads() -> None:
    for seed in range(50):
        delays = exponential_delays(0.5, 4.0, rng=random.Random(seed))
        assert all(0 <= next(delays) <= min(4.0, 0.5 * 2**n) for n in range(10))
    spread = exponential_delays(1.0, 1.0, rng=random.Random(3))
    assert len({round(next(spread), 6) for _ in range(20)}) > 10


def test_delays_never_overflow_in_a_loop_that_retries_for_ever() -> None:
    delays = exponential_delays(0.2, 5.0, multiplier=10.0)
    assert all(0 <= next(delays) <= 5.0 for _ in range(5000))


async def test_retries_a_matching_failure_until_it_answers(fake: FakeTime) -> None:
    seen: list[tuple[str, int, float]] = []
    retry = policy(fake, on_retry=lambda exc, n, delay: seen.append((str(exc), n, delay)))
    flaky = Flaky(ConnectionError("one"), ConnectionError("two"))
    assert await retry.call(flaky, "answer") == "answer"
    assert flaky.calls == 3
    assert [(what, n) for what, n, _ in seen] == [("one", 1), ("two", 2)]
    assert fake.slept == [delay for _, _, delay in seen]
    assert 0 <= fake.slept[0] <= 1.0
    assert 0 <= fake.slept[1] <= 2.0


async def test_other_failures_are_raised_at_once(fake: FakeTime) -> None:
    flaky = Flaky(ValueError("a bug"))
    with pytest.raises(ValueError, match="a bug"):
        await policy(fake).call(flaky)
    assert (flaky.calls, fake.slept) == (1, [])


async def test_attempts_count_every_call_and_the_last_failure_is_raised(fake: FakeTime) -> None:
    flaky = Flaky(*(ConnectionError(str(n)) for n in range(1, 6)))
    with pytest.raises(ConnectionError, match=r"^3$"):  # not wrapped in a RetryError
        await policy(fake, attempts=3).call(flaky)
    assert (flaky.calls, len(fake.slept)) == (3, 2)


async def test_a_delay_that_would_reach_the_timeout_ends_the_retrying(fake: FakeTime) -> None:
    flaky = Flaky(*(ConnectionError(str(n)) for n in range(1, 50)))
    retry = policy(fake, timeout=10.0, hint=lambda exc: 3.0)  # 3 s each: calls at 0, 3, 6, 9
    with pytest.raises(ConnectionError, match=r"^4$"):
        await retry.call(flaky)
    assert fake.slept == [3.0, 3.0, 3.0]


async def test_a_hinted_delay_replaces_the_backoff(fake: FakeTime) -> None:
    def hint(exc: Exception) -> float | None:
        return 30.0 if "slow" in str(exc) else None

    flaky = Flaky(ConnectionError("slow down"), ConnectionError("reset"))
    assert await policy(fake, hint=hint).call(flaky) == "done"
    assert fake.slept[0] == 30.0  # over `maximum`: the hint is the caller's to judge
    assert 0 <= fake.slept[1] <= 2.0  # the second backoff delay, as the attempt is the second


async def test_the_decorator_keeps_the_function_and_its_arguments(fake: FakeTime) -> None:
    flaky = Flaky(ConnectionError("reset"))

    @policy(fake)
    async def fetch(value: str) -> str:
        """Fetches."""
        return await flaky(value)

    assert (fetch.__name__, fetch.__doc__) == ("fetch", "Fetches.")
    assert await fetch("x") == "x"
    assert flaky.calls == 2


async def test_a_cancellation_is_never_retried(fake: FakeTime) -> None:
    async def cancelled() -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await policy(fake, predicate=lambda exc: True).call(cancelled)
    assert fake.slept == []


def test_with_methods_return_changed_copies() -> None:
    base = AsyncRetry(if_exception_type(ConnectionError))
    assert (base.initial, base.maximum, base.multiplier, base.timeout) == (1.0, 60.0, 2.0, 120.0)
    changed = (
        base.with_delay(maximum=5.0)
        .with_timeout(None)
        .with_attempts(2)
        .with_predicate(if_exception_type(OSError))
    )
    assert (changed.initial, changed.maximum, changed.timeout, changed.attempts) == (
        1.0,
        5.0,
        None,
        2,
    )
    assert changed.predicate(FileNotFoundError())
    assert not base.predicate(FileNotFoundError())
    assert (base.maximum, base.timeout, base.attempts) == (60.0, 120.0, None)
    with pytest.raises(AttributeError):
        base.initial = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(
    "options", [{"initial": 0.0}, {"maximum": -1.0}, {"multiplier": 0.5}, {"attempts": 0}]
)
def test_nonsense_is_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        AsyncRetry(if_exception_type(ConnectionError), **options)  # type: ignore[arg-type]
