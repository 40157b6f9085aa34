"""Outlier detection and the retry budget, on an injected clock."""

from services.runtime.replicas import OutlierOptions, Replica, ReplicaSet
from services.runtime.retry_budget import RetryBudget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def two_replicas(clock: Clock) -> tuple[ReplicaSet, Replica, Replica]:
    replicas = ReplicaSet("tripmesh-planner", OutlierOptions(3, 2.0, 30.0, 5.0), clock)
    a, b = Replica("ipv4:127.0.0.1:1", None), Replica("ipv4:127.0.0.1:2", None)
    replicas.replicas = [a, b]
    return replicas, a, b


def test_three_strikes_in_a_row_eject_a_replica_until_its_time_is_up() -> None:
    clock = Clock()
    replicas, a, b = two_replicas(clock)
    for _ in range(3):
        replicas.failed(a, "stalled")
    assert {replicas.pick() for _ in range(20)} == {b}
    clock.now += 2.1
    assert replicas.admitted(a)


def test_a_success_between_strikes_keeps_a_replica_in() -> None:
    clock = Clock()
    replicas, a, _b = two_replicas(clock)
    for _ in range(5):
        replicas.failed(a, "unavailable")
        replicas.failed(a, "unavailable")
        replicas.succeeded(a, 1.0)
    assert replicas.admitted(a)


def test_a_readmitted_replica_that_fails_again_is_ejected_for_longer() -> None:
    clock = Clock()
    replicas, a, _b = two_replicas(clock)
    for _ in range(3):
        replicas.failed(a, "stalled")
    clock.now += 2.1
    replicas.failed(a, "stalled")  # on probation: one strike is enough
    clock.now += 2.1
    assert not replicas.admitted(a)
    clock.now += 2.0
    assert replicas.admitted(a)
    replicas.succeeded(a, 1.0)
    assert a.ejections == 0


def test_the_last_replica_is_never_ejected() -> None:
    clock = Clock()
    replicas, a, b = two_replicas(clock)
    for _ in range(3):
        replicas.failed(a, "stalled")
    for _ in range(10):
        replicas.failed(b, "stalled")
    assert replicas.admitted(b)
    assert replicas.pick() is b


def test_a_replica_far_slower_than_its_peer_is_ejected() -> None:
    clock = Clock()
    replicas, a, b = two_replicas(clock)
    for _ in range(20):
        replicas.succeeded(b, 0.5)
        replicas.succeeded(a, 8.0)
    assert not replicas.admitted(a)
    assert replicas.admitted(b)


def test_pick_prefers_the_replica_with_fewer_calls_in_flight() -> None:
    replicas, a, b = two_replicas(Clock())
    a.inflight = 5
    assert replicas.pick() is b
    assert replicas.pick(exclude=[b]) is a


def test_the_retry_budget_allows_a_tenth_of_the_calls_after_its_reserve() -> None:
    budget = RetryBudget(ratio=0.1, reserve=10)
    retries = 0
    for _ in range(1000):
        budget.deposit()
        retries += budget.withdraw()
    assert 100 <= retries <= 110
