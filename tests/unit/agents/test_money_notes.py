"""The planner says which travel style it planned for and why, and what a revision did."""

from decimal import Decimal

import pytest

from services.planner.planner import Planner
from services.travel.money import Money
from tests.unit.agents.support import ScriptedChain, trip


def _style_note(warnings: list[str]) -> str:
    (note,) = [w for w in warnings if w.startswith("Travel style: ")]
    return note


@pytest.mark.parametrize(
    ("destination", "budget", "style", "words"),
    [
        # Kyoto on 150,000 JPY: budget style, and the traveller learns what is left of it
        ("Kyoto", Money(Decimal(150000), "JPY"), "budget", ("mid-range would cost", "JPY (")),
        # Reykjavik on 800 EUR: hostel prices, said out loud
        ("Reykjavik", Money(Decimal(800), "EUR"), "budget", ("hostels", "mid-range would")),
        ("Reykjavik", Money(Decimal(400), "EUR"), "budget", ("above your budget",)),
        ("Lisbon", Money(Decimal(20000), "EUR"), "comfort", ("the most comfortable", "left")),
    ],
)
async def test_the_style_is_shown_with_its_reason(
    destination: str, budget: Money, style: str, words: tuple[str, ...]
) -> None:
    result = await Planner(ScriptedChain()).draft(trip(destination=destination, budget=budget))
    assert result.value.draft.travel_style == style
    note = _style_note(result.warnings)
    assert note.startswith(f"Travel style: {style} (")
    for word in words:
        assert word in note


async def test_a_revision_that_changes_nothing_says_so() -> None:
    request = trip(budget=Money(Decimal(100), "EUR"))
    planner = Planner(ScriptedChain())
    plan = (await planner.draft(request)).value
    target = Money(Decimal(100), "EUR")
    once = (await planner.revise(request, plan, target)).value
    again = await planner.revise(request, once, target)
    assert again.value.draft == once.draft
    assert any(w.startswith("The revision changed nothing") for w in again.warnings)
    assert not any("instead of" in w for w in again.warnings)
