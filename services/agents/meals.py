"""Meals that an itinerary pays for as activities, so the food allowance is not paid twice.

A paid food tour at dinner time is the traveller's dinner: the estimate's food line
then leaves out that day's dinner share. Whether an activity is a meal is read from
its words and its start time, so that it works the same for the offline engine's
activities and for a model's.
"""

import re
from collections.abc import Iterable
from decimal import Decimal

from services.agents import pacing
from services.agents.schemas import DayDraft

# Share of a day's food allowance that each meal takes (a light breakfast, a bigger dinner).
MEAL_SHARE = {"breakfast": Decimal("0.20"), "lunch": Decimal("0.35"), "dinner": Decimal("0.45")}

# Words that make an activity a meal rather than a snack or a drink: a wine tasting or a
# coffee round is not lunch, a food tour or a tasting menu is.
_MEAL_WORDS = re.compile(
    r"\b(breakfast|brunch|lunch|dinner|supper|picnic|food tour|street food|food crawl|"
    r"tasting menu|cooking class|food hall|restaurant|meal)\b",
    re.IGNORECASE,
)
_LUNCH_FROM = pacing.minutes("10:30")
_DINNER_FROM = pacing.minutes("16:30")


def meal_at(start_time: str) -> str:
    """The meal a food activity starting at `start_time` stands for."""
    at = pacing.minutes(start_time)
    if at < _LUNCH_FROM:
        return "breakfast"
    return "lunch" if at < _DINNER_FROM else "dinner"


def is_meal(title: str, description: str = "") -> bool:
    """Whether an activity's words say it feeds the traveller."""
    return bool(_MEAL_WORDS.search(title) or _MEAL_WORDS.search(description))


def paid_meals(days: Iterable[DayDraft]) -> list[tuple[str, str]]:
    """(date, meal) of every meal paid as an activity, each meal of a day once."""
    found: dict[tuple[str, str], None] = {}
    for day in days:
        for activity in day.activities:
            if activity.cost > 0 and is_meal(activity.title, activity.description):
                found[(day.date.isoformat(), meal_at(activity.start_time))] = None
    return list(found)


def meals_share(meals: Iterable[tuple[str, str]]) -> Decimal:
    """How many days' food allowance the meals stand for (two dinners: 0.90)."""
    return sum((MEAL_SHARE[meal] for _, meal in meals), Decimal(0))
