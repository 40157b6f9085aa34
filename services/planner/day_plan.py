"""When an activity can take place on a given day: daylight, sunset, meal hours, travel.

The offline engine fills a day in order. Each activity starts once the previous one
has ended and the traveller has got there; outdoor daytime activities lie between
sunrise and sunset, sunset activities end just after the sun goes down, meals start
at the country's usual hours, and each activity keeps its full usual duration.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.agents import pacing
from services.agents.meals import is_meal
from services.agents.pricing import activity_currency
from services.agents.request import TripRequest
from services.agents.schemas import ActivityDraft
from services.planner.activities import Pool, activity
from services.travel.activity_templates import IN_TOWN_KM, Template
from services.travel.daylight import Daylight, daylight_by_day
from services.travel.meal_hours import meal_hours
from services.travel.money import round_money
from services.travel.places import Place
from services.travel.text import stable_hash

# Keep outdoor daytime activities this far inside sunrise and sunset: the days between
# a trip's first and last are interpolated (see daylight_by_day), and dusk is no time to
# start down a trail.
DAYLIGHT_MARGIN = 15
# A sunset activity ends this long after the sun has set.
AFTER_SUNSET = 15
# How much later than its nominal time a slot's activity may start (a late dinner, the
# sunset) before the slot is given up.
SLOT_SLACK = 120
# A meal may start this much before its slot's nominal time, to be at the usual hour.
MEAL_PULL = 120
# The day must be over by then.
DAY_END = 23 * 60 + 30
# The first activity of a day starts up to this much before or after the pace's time,
# day by day, so that the days do not all look alike.
_SHIFTS = (-30, -15, 0, 15, 30)
_WALK_KMH = 4.5
_WALK_UP_TO_KM = 1.5
_TRANSIT_KMH = 25.0
_ROAD_KMH = 60.0
_ROAD_FROM_KM = 30.0
_WAIT = 10  # minutes of waiting for a bus, a tram or a taxi
FREE_TIME = "free time"
_PART_NAMES = {"m": "morning", "a": "afternoon", "e": "evening"}
_FREE_MINUTES = 120
_MIN_FREE_MINUTES = 60
_FREE_TEXT = "Time of your own: rest, go back to a favourite spot or follow a local tip."


@dataclass(frozen=True)
class DayContext:
    """What a day offers: its daylight, its meal hours and how much its start shifts."""

    light: Daylight
    lunch: int
    dinner: int
    shift: int


def day_contexts(place: Place, days: list[date], seed: int) -> list[DayContext]:
    """The context of every day of a trip at a place."""
    lunch, dinner = meal_hours(place.country_code)
    lights = daylight_by_day(place.latitude, place.longitude, place.time_zone, days)
    return [
        DayContext(light, lunch, dinner, _SHIFTS[stable_hash(str(seed), day.isoformat()) % 5])
        for day, light in zip(days, lights, strict=True)
    ]


def travel_minutes(km: float) -> int:
    """Door to door between two places `km` apart: on foot when close, else by public
    transport in town or by road further out (waiting included), in whole 5 minutes."""
    if km <= _WALK_UP_TO_KM:
        minutes = km / _WALK_KMH * 60
    else:
        speed = _ROAD_KMH if km > _ROAD_FROM_KM else _TRANSIT_KMH
        minutes = _WAIT + km / speed * 60
    return _round_up(minutes)


def between(previous: Template | None, template: Template) -> int:
    """Travel before `template`: from the previous activity (through the centre, as
    neither has coordinates), or from a central hotel for a day's first one out of town."""
    if previous is None:
        return 0 if template.distance_km <= IN_TOWN_KM else travel_minutes(template.distance_km)
    return travel_minutes(previous.distance_km + template.distance_km)


def start_at(
    template: Template, ready: int, nominal: int, latest: int, day: DayContext
) -> int | None:
    """When `template` starts on `day` in a slot planned for `nominal`, the traveller being
    there from `ready`, starting by `latest` and ending in time (minutes after midnight);
    None when it cannot take that slot."""
    light, minutes = day.light, template.minutes
    if template.light == "sunset":
        if not light.has_sunrise:
            return None
        start = _round_down(light.sunset + AFTER_SUNSET - minutes)
    elif template.light == "sunrise":
        if not light.has_sunrise:
            return None
        start = _round_up(light.sunrise)
    else:
        meal = _meal_start(template, ready, nominal, latest, day)
        if meal is None:
            return None
        start = meal
    if template.light == "day":
        start = max(start, _round_up(light.sunrise + DAYLIGHT_MARGIN))
        if start + minutes > light.sunset - DAYLIGHT_MARGIN:
            return None
    if not ready <= start <= latest or start + minutes > DAY_END:
        return None
    return start


# When a named meal may start at all, whatever the country (a lunch at 16:35 is not one).
_MEAL_WINDOWS = {
    "breakfast": (6 * 60 + 30, 10 * 60 + 30),
    "lunch": (11 * 60, 15 * 60),
    "dinner": (17 * 60 + 30, 22 * 60 + 30),
}


def _meal_start(
    template: Template, ready: int, nominal: int, latest: int, day: DayContext
) -> int | None:
    """When an activity starts in its slot: at the usual local hour when it is a lunch or
    a dinner the slot reaches, never outside its meal's window; None when it cannot."""
    plain = max(ready, nominal)
    if not is_meal(template.title, template.description):
        return plain
    words = f"{template.title} {template.description}".lower()
    named = next((meal for meal in ("breakfast", "lunch", "dinner") if meal in words), None)
    hours = {"lunch": [day.lunch], "dinner": [day.dinner], "breakfast": []}.get(
        named or "", [day.lunch, day.dinner]
    )
    earliest = max(ready, nominal - MEAL_PULL)
    usual = next((hour for hour in hours if earliest <= hour <= latest), None)
    if usual is not None:
        return usual
    if named is None:
        return plain
    first, last = _MEAL_WINDOWS[named]
    return plain if first <= plain <= last else None


def _round_up(minutes: float) -> int:
    return math.ceil(minutes / 5) * 5


def _round_down(minutes: float) -> int:
    return math.floor(minutes / 5) * 5


@dataclass
class DayFiller:
    """Fills one day's slots in order, from a pool of templates."""

    place: Place
    request: TripRequest
    style: str
    pool: Pool
    used: set[str]  # template keys already in the trip

    def fill(
        self, day: date, context: DayContext, orders: list[list[str]], tiers: list[frozenset[str]]
    ) -> list[ActivityDraft]:
        """The day's activities: for each slot of the pace, the first template in that
        slot's interest `order` that fits, trying each set of `tiers` in turn; free time
        when none does (the catalogue ran out)."""
        planned: list[ActivityDraft] = []
        clock, previous = pacing.EARLIEST_START, None
        for slot, order in zip(pacing.slots(self.request.pace), orders, strict=True):
            nominal = pacing.minutes(slot.start) + context.shift
            latest = max(nominal, clock) + SLOT_SLACK
            found = None
            for allowed in tiers:
                found = found or self._first(order, allowed, slot.part, clock, previous, nominal,
                                             latest, context)  # fmt: skip
            if found is None:
                start = max(nominal, clock)
                if start + _MIN_FREE_MINUTES > DAY_END:
                    continue  # the day is full: a slot fewer (the pace allows it)
                planned.append(self._free(day, slot.part, start))
                clock, previous = start + _FREE_MINUTES, None
                continue
            template, start = found
            self.used.add(template.key)
            planned.append(
                activity(template, self.place, self.request, self.style, pacing.hhmm(start),
                         template.minutes)
            )  # fmt: skip
            clock, previous = start + template.minutes, template
        return planned

    def _first(
        self,
        order: Iterable[str],
        tiers: frozenset[str],
        part: str,
        clock: int,
        previous: Template | None,
        nominal: int,
        latest: int,
        context: DayContext,
    ) -> tuple[Template, int] | None:
        for interest in order:
            for template in self.pool.ordered(interest):
                if template.key in self.used or template.tier not in tiers:
                    continue
                if part not in template.parts and template.light not in ("sunset", "sunrise"):
                    continue
                ready = clock + between(previous, template)
                start = start_at(template, ready, nominal, latest, context)
                if start is not None:
                    return template, start
        return None

    def _free(self, day: date, part: str, start: int) -> ActivityDraft:
        """A slot left to the traveller, titled by its date and time so no title repeats."""
        currency = activity_currency(self.place, self.request)
        at = pacing.hhmm(start)
        return ActivityDraft(
            title=f"Free {_PART_NAMES[part]} in {self.place.name} ({day.isoformat()}, {at})",
            category=FREE_TIME,
            start_time=at,
            duration_minutes=min(_FREE_MINUTES, DAY_END - start),
            cost=round_money(Decimal(0), currency),
            currency=currency,
            description=_FREE_TEXT,
        )
