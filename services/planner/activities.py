"""Activity choice shared by drafting and revising: the pool of templates for a place,
their deterministic order, and their prices in the itinerary's currency.
"""

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache

from services.agents.pricing import activity_currency, costs_for
from services.agents.request import TripRequest
from services.agents.schemas import ActivityDraft
from services.travel import fx
from services.travel.activity_templates import (
    GENERAL,
    TIER_FACTOR,
    Template,
    catalogue,
    focused_templates,
    interests,
)
from services.travel.geography import surroundings
from services.travel.money import round_nicely
from services.travel.place_index import place_index
from services.travel.places import Place
from services.travel.seasons import snow_season, swimming_weather
from services.travel.text import stable_hash

_TRIP_RADIUS_KM = 120
_TRIP_MIN_KM = 15
_TRIP_MIN_POPULATION = 20000
_TRIPS = 4
# A template may be shortened to fit a slot, but not by more than an hour.
_MAX_SHORTENING = 60


class Pool:
    """Templates for one place, by interest, in the order a request's seed gives them.

    Each interest is ordered when first asked for: most plans draw on a few interests,
    and ordering one costs a SHA-256 per template.
    """

    def __init__(self, templates: Mapping[str, tuple[Template, ...]], seed: int) -> None:
        self._templates = templates
        self._seed = str(seed)
        self._ordered: dict[str, tuple[Template, ...]] = {}

    def ordered(self, interest: str) -> tuple[Template, ...]:
        found = self._ordered.get(interest)
        if found is None:
            found = tuple(sorted(self._templates.get(interest, ()), key=self._rank))
            self._ordered[interest] = found
        return found

    def _rank(self, template: Template) -> tuple[int, str]:
        return stable_hash(self._seed, template.key), template.key


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@lru_cache(maxsize=1024)
def _nearby_towns(place: Place) -> tuple[tuple[int, int, str, int, float, float], ...]:
    """The largest towns near a place (real towns from geonames), largest first."""
    found = []
    nearby = place_index().cities.near(
        place.latitude, place.longitude, _TRIP_RADIUS_KM, min_population=_TRIP_MIN_POPULATION
    )
    for city in nearby:
        if city.geoname_id == place.geoname_id:
            continue
        km = _distance_km(place.latitude, place.longitude, city.latitude, city.longitude)
        if _TRIP_MIN_KM <= km <= _TRIP_RADIUS_KM:
            found.append(
                (
                    -city.population,
                    city.geoname_id,
                    city.name,
                    round(km),
                    city.latitude,
                    city.longitude,
                )
            )
    found.sort()
    return tuple(found[:_TRIPS])


def half_day_trip_towns(place: Place) -> dict[str, tuple[float, float]]:
    """Name → (latitude, longitude) of the towns that half-day trips from `place` go to."""
    return {name: (lat, lon) for _, _, name, _, lat, lon in _nearby_towns(place)}


@lru_cache(maxsize=1024)
def half_day_trips(place: Place) -> tuple[Template, ...]:
    """Half-day trips to the largest towns near a place (real towns from geonames)."""
    return tuple(
        Template(
            key=f"{GENERAL}.trip-{geoname_id}",
            interest=GENERAL,
            title=f"Half-day trip to {name}".replace("{", "(").replace("}", ")"),
            description=f"Local transport to {name}, about {km} km away, for a change of scene.",
            tier="mid",
            minutes=240,
            parts=frozenset("m"),
            light="day",
            km=km,
        )
        for _, geoname_id, name, km, _, _ in _nearby_towns(place)
    )


def what_the_place_offers(place: Place, request: TripRequest) -> frozenset[str]:
    """The needs of templates (see Template.needs) that the place and the trip's dates meet:
    "sea", "lake", "river" when near, "shore" for the sea or a lake, "water" for any of
    them; "hills" and "mountains" around; "warm" in swimming weather and "snow" in snow
    season (see seasons.snow_season), both at the start and the end of the trip."""
    return _offered(place, frozenset({request.start_date.month, request.end_date.month}))


@lru_cache(maxsize=4096)  # asked several times per trip: drafting, checks, warnings
def _offered(place: Place, months: frozenset[int]) -> frozenset[str]:
    around = surroundings(place.geoname_id)
    offered = {
        "sea": around.sea,
        "lake": around.lake,
        "river": around.river,
        "shore": around.shore,
        "water": around.water,
        "hills": around.hills,
        "mountains": around.mountains,
        "warm": all(swimming_weather(place.latitude, month) for month in months),
        "snow": all(snow_season(place.latitude, m, around.highest_m) for m in months),
    }
    return frozenset(need for need, met in offered.items() if met)


def pool_for(place: Place, request: TripRequest) -> Pool:
    """Every template usable at `place` on the request's dates, each interest's in the
    order the request's seed gives."""
    return Pool(_usable(place, what_the_place_offers(place, request)), request.seed())


@lru_cache(maxsize=1024)  # as _offered's: the same for every trip to a place in a season
def _usable(place: Place, offered: frozenset[str]) -> Mapping[str, tuple[Template, ...]]:
    """The templates of each interest whose needs `offered` meets; shared by every trip
    there, so read-only (a Mapping, which Pool only reads)."""
    templates = {**catalogue(), **focused_templates()}
    templates[GENERAL] = templates.get(GENERAL, ()) + half_day_trips(place)
    return {
        interest: tuple(t for t in found if t.needs <= offered)
        for interest, found in templates.items()
    }


# Interests close to each other, to draw from when a wanted interest runs out.
_RELATED = {
    "food": ("culture", "shopping"),
    "history": ("architecture", "culture"),
    "art": ("architecture", "culture"),
    "nature": ("adventure", "beach"),
    "nightlife": ("food", "culture"),
    "shopping": ("food", "culture"),
    "family": ("nature", "culture"),
    "culture": ("history", "art"),
    "beach": ("nature", "adventure"),
    "adventure": ("nature", "beach"),
    "architecture": ("history", "art"),
    "wellness": ("nature", "food"),
    "wildlife": ("nature", "family"),
    "hiking": ("nature", "adventure"),
}


def preference(wanted: list[str], turn: int) -> list[str]:
    """Interests to draw from for one slot: the wanted ones rotated by `turn`, then related
    ones, then general sightseeing, then everything else.
    """
    rotated = wanted[turn % len(wanted) :] + wanted[: turn % len(wanted)] if wanted else []
    related = [r for w in rotated for r in _RELATED.get(w, ())]
    order = [*rotated, *related, GENERAL, *interests()]
    return list(dict.fromkeys(order))


def fits(template: Template, part: str, max_minutes: int) -> bool:
    """Whether a template suits a part of the day and can be fitted into `max_minutes`."""
    return part in template.parts and template.minutes <= max_minutes + _MAX_SHORTENING


def pick(
    pool: Pool,
    order: Iterable[str],
    used: set[str],
    part: str,
    max_minutes: int,
    tiers: frozenset[str],
) -> Template | None:
    """The first unused template in interest order that fits, among `tiers`."""
    for interest in order:
        for template in pool.ordered(interest):
            if template.key in used or template.tier not in tiers:
                continue
            if fits(template, part, max_minutes):
                return template
    return None


def price(template: Template, place: Place, request: TripRequest, style: str) -> Decimal:
    """Per-traveller price of a template, in the itinerary's currency, as posted prices look."""
    return _tier_price(template.tier, place, style, activity_currency(place, request))


@lru_cache(maxsize=4096)  # a handful of tiers per place and style, asked for every activity
def _tier_price(tier: str, place: Place, style: str, currency: str) -> Decimal:
    usd = costs_for(place, style).activity_unit * TIER_FACTOR[tier]
    return round_nicely(fx.convert(usd, "USD", currency).amount, currency)


def activity(
    template: Template,
    place: Place,
    request: TripRequest,
    style: str,
    start: str,
    max_minutes: int,
) -> ActivityDraft:
    """A template placed at a time of a day."""
    return ActivityDraft(
        title=template.title_for(place.name),
        category=template.interest,
        start_time=start,
        duration_minutes=min(template.minutes, max_minutes),
        cost=price(template, place, request, style),
        currency=activity_currency(place, request),
        description=template.description,
    )
