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
    picks = [replicas.pick() for _ in range(200)]
    assert picks.count(b) > 120  # b, unless both random picks land on a (one in four)
    assert replicas.pick(exclude=[b]) is a


def test_the_retry_budget_allows_a_tenth_of_the_calls_after_its_reserve() -> None:
    budget = RetryBudget(ratio=0.1, reserve=10)
    retries = 0
    for _ in range(1000):
        budget.deposit()
        retries += budget.withdraw()
    assert 100 <= retries <= 110


def test_a_replica_is_not_ejected_while_its_peer_is_only_back_on_probation() -> None:
    clock = Clock()
    replicas, dead, alive = two_replicas(clock)
    for _ in range(3):
        replicas.failed(dead, "unavailable")
    clock.now += 2.1  # the dead one is readmitted, unproven
    for _ in range(3):
        replicas.failed(alive, "stalled")  # late on a crowded machine
    assert replicas.admitted(alive)


def test_a_retry_may_fall_back_on_an_ejected_replica() -> None:
    clock = Clock()
    replicas, a, b = two_replicas(clock)
    for _ in range(3):
        replicas.failed(a, "unavailable")
    assert replicas.pick(exclude=[b]) is None
    assert replicas.pick_ejected(exclude=[b]) is a


def test_a_replica_back_from_an_ejection_takes_one_probe_call_at_a_time() -> None:
    clock = Clock()
    replicas, back, other = two_replicas(clock)
    for _ in range(3):
        replicas.failed(back, "unavailable")
    clock.now += 2.1
    other.inflight = 50
    assert replicas.pick() is back
    back.inflight = 1  # its probe is out
    assert replicas.pick() is other
    back.inflight = 0
    replicas.succeeded(back, 1.0)
    back.inflight = 1
    # Proven again: an ordinary replica, picked by score (unless both random picks land on
    # the other, one time in four).
    assert sum(replicas.pick() is back for _ in range(200)) > 120


def test_a_replica_that_scores_worse_still_gets_a_share_of_calls() -> None:
    replicas, settled, new = two_replicas(Clock())
    settled.slowness, new.slowness = 0.8, 1.0  # the settled one answers a little faster
    picks = [replicas.pick() for _ in range(400)]
    # Two picks with replacement: the new one wins whenever both land on it (1 in 4).
    assert 60 < picks.count(new) < 160
    assert picks.count(settled) > picks.count(new)


def test_a_newcomer_shares_the_load_at_once_with_a_faster_than_usual_peer() -> None:
    replicas = ReplicaSet("tripmesh-planner", OutlierOptions(), Clock())
    old = Replica("ipv4:127.0.0.1:1", None)
    replicas.replicas = [old]
    for _ in range(20):
        replicas.succeeded(old, 0.5)  # its calls run at half the method's usual latency
    new = replicas.newcomer("ipv4:127.0.0.1:2", None)
    replicas.replicas.append(new)
    picks = [replicas.pick() for _ in range(2000)]
    assert 0.4 < picks.count(new) / len(picks) < 0.6
