"""Instance scores, outlier ejection and the two choosers."""

import random

import pytest

from services.task_router.choice import PowerOfTwoChoices, RoundRobin
from services.task_router.routes import Candidate
from services.task_router.stats import EjectionPolicy, InstanceStats

POLICY = EjectionPolicy(failures=5, base=10.0, maximum=25.0)


def test_peak_ewma_jumps_up_and_decays_down() -> None:
    stats = InstanceStats(tau=10)
    stats.observe(0.0, 0.010, fault=False, policy=POLICY)
    stats.observe(0.0, 0.200, fault=False, policy=POLICY)
    assert stats.latency == pytest.approx(0.200)
    stats.observe(0.0, 0.010, fault=False, policy=POLICY)
    assert 0.010 < stats.latency < 0.200


def test_scores_prefer_fast_idle_healthy_instances_and_fade_when_unused() -> None:
    fast, slow, flaky, steady = (
        InstanceStats(tau=10),
        InstanceStats(tau=10),
        InstanceStats(tau=10),
        InstanceStats(tau=10),
    )
    fast.observe(0.0, 0.005, False, POLICY)
    slow.observe(0.0, 0.150, False, POLICY)
    for fault in (False, True, False, True):
        flaky.observe(0.0, 0.005, fault, POLICY)
        steady.observe(0.0, 0.005, False, POLICY)
    assert fast.score(0.0) < slow.score(0.0)
    assert steady.score(0.0) < flaky.score(0.0) < slow.score(0.0)
    fast.inflight = 40
    assert fast.score(0.0) > slow.score(0.0)  # a queue costs more than latency
    assert slow.score(60.0) < slow.score(0.0) / 100  # unused, it gets tried again


def test_failing_fast_looks_fast_so_it_is_chosen_and_ejected_soon() -> None:
    dead = InstanceStats(tau=10)
    dead.observe(0.0, 0.004, False, POLICY)
    ejected = [dead.observe(0.0, 0.0003, True, POLICY) for _ in range(5)]
    assert ejected[-1]
    assert dead.latency == 0.0  # back from ejection, it starts afresh


def test_five_consecutive_faults_eject_for_an_increasing_period() -> None:
    stats = InstanceStats(tau=10)
    ejected = [stats.observe(0.0, 0.001, True, POLICY) for _ in range(5)]
    assert ejected == [False] * 4 + [True]
    assert stats.ejected(9.9)
    assert not stats.ejected(10.0)
    for _ in range(5):
        stats.observe(10.0, 0.001, True, POLICY)
    assert stats.ejected(29.9)
    assert not stats.ejected(30.0)
    for _ in range(5):
        stats.observe(30.0, 0.001, True, POLICY)
    assert not stats.ejected(55.0)  # capped at the maximum


def test_a_success_resets_the_consecutive_count_and_health_forgives() -> None:
    stats = InstanceStats(tau=10)
    for _ in range(4):
        stats.observe(0.0, 0.001, True, POLICY)
    stats.observe(0.0, 0.001, False, POLICY)
    assert not stats.observe(0.0, 0.001, True, POLICY)
    for _ in range(5):
        stats.observe(0.0, 0.001, True, POLICY)
    assert stats.ejections == 1
    stats.observe(25.0, 0.001, False, POLICY)  # healthy for a base period after it
    assert stats.ejections == 0


CANDIDATES = [Candidate("s", f"i{n}", f"h:{n}") for n in range(3)]


def test_power_of_two_choices_picks_the_better_of_two() -> None:
    stats = {c.instance_id: InstanceStats(tau=10) for c in CANDIDATES}
    stats["i0"].observe(0.0, 0.500, False, POLICY)
    stats["i1"].observe(0.0, 0.001, False, POLICY)
    stats["i2"].observe(0.0, 0.002, False, POLICY)
    chooser = PowerOfTwoChoices(rng=random.Random(7))
    picks = [chooser.choose("t", CANDIDATES, stats, 0.0).instance_id for _ in range(300)]
    assert "i0" not in picks  # the slowest loses every pair it is in
    assert picks.count("i1") > picks.count("i2") > 0  # i2 wins the pairs with i0


def test_round_robin_cycles_per_tool() -> None:
    chooser = RoundRobin()
    picks = [chooser.choose("t", CANDIDATES, {}, 0.0).instance_id for _ in range(4)]
    assert picks == ["i0", "i1", "i2", "i0"]
    assert chooser.choose("other", CANDIDATES, {}, 0.0).instance_id == "i0"
