"""The offline engine's local advice, from the shipped customs, seasons and phrases."""

from services.agents.itinerary import PlannedItinerary
from services.agents.request import TripRequest
from services.agents.schemas import GuideDraft, PhraseDraft, TipDraft
from services.guide.regional_tips import food_tip, holiday_tip, transport_tip
from services.travel import fx
from services.travel.customs import drives_on_left, emergency_number, etiquette, tipping
from services.travel.geography import surroundings
from services.travel.money import format_amount
from services.travel.phrases import language_name, phrase_language, phrases
from services.travel.places import Place
from services.travel.seasons import season_info, snow_season, swimming_weather, utc_offset

_BIG_CITY = 1_000_000

# Advice that follows from what the trip includes.
_INTEREST_TIPS = {
    "nightlife": "Nightlife starts late; carry ID, keep an eye on your drink and agree on "
    "how you get back before you go out.",
    "beach": "Swim at beaches with lifeguards and flags, and use high-factor sun protection "
    "even on cloudy days.",
    "adventure": "Check that your travel insurance covers the adventure activities you plan, "
    "and book with licensed operators.",
    "family": "Museums and transport often have child and family tickets; ask before paying.",
    "nature": "Tell someone your route before a hike, carry water, and check opening times "
    "of parks and reserves.",
    "food": "",  # by region: see regional_tips.food_tip
}


def advise(request: TripRequest, place: Place, itinerary: PlannedItinerary | None) -> GuideDraft:
    """Tips, season and phrases for a destination and the trip's dates."""
    start = season_info(place.latitude, request.start_date.month)
    tips = [
        TipDraft(category="etiquette", text=etiquette(place.country_code)),
        TipDraft(category="safety", text=_safety(place)),
        TipDraft(category="season", text=_season(request, place)),
        TipDraft(category="money", text=_money(request, place)),
        TipDraft(category="transport", text=_transport(place)),
        TipDraft(category="time", text=_time(request, place)),
        TipDraft(category="language", text=_language(place)),
    ]
    holidays = holiday_tip(place, request.start_date, request.end_date)
    if holidays is not None:
        tips.insert(3, TipDraft(category="holidays", text=holidays))
    for interest in _trip_interests(request, itinerary):
        text = {"food": food_tip(place), "beach": _beach(request, place)}.get(
            interest, _INTEREST_TIPS[interest]
        )
        tips.append(TipDraft(category=interest, text=text))
    found = phrases(place.languages, place.country_code)
    return GuideDraft(
        season=start.season,
        time_zone=place.time_zone,
        tips=tips,
        phrases=[PhraseDraft(english=p.english, local=p.local, language=p.language) for p in found],
    )


def _beach(request: TripRequest, place: Place) -> str:
    if swimming_weather(place.latitude, request.start_date.month):
        return _INTEREST_TIPS["beach"]
    return (
        "It is not swimming weather: on the coast, dress for wind and cold, and keep well "
        "back from the waterline, where waves can reach further than they seem."
    )


def _safety(place: Place) -> str:
    crowd = (
        f"In a city the size of {place.name}, keep valuables zipped and out of sight in crowds "
        "and on public transport."
        if place.population >= _BIG_CITY
        else "Keep valuables out of sight in busy places and at tourist sights."
    )
    return (
        f"Emergency number in {place.country}: {emergency_number(place.country_code)}. {crowd} "
        f"Check your government's travel advice for {place.country} before you go."
    )


def _season(request: TripRequest, place: Place) -> str:
    start = season_info(place.latitude, request.start_date.month)
    end = season_info(place.latitude, request.end_date.month)
    text = f"It will be {start.season} in {place.name}: {start.weather}."
    if end.season != start.season:
        text += f" By the end of the trip it turns to {end.season}: {end.weather}."
    return text + _mountains(request, place)


def _mountains(request: TripRequest, place: Place) -> str:
    """A sentence on the mountains near, from the shipped terrain ("" where there are none)."""
    around = surroundings(place.geoname_id)
    if not around.mountains:
        return ""
    height = f"{round(around.highest_m, -2):,}"
    if snow_season(place.latitude, request.start_date.month, around.highest_m):
        up_there = "expect snow up there, and much colder air than in town"
    else:
        up_there = "it is colder up there and the weather turns fast"
    return f" Mountains within about 30 km rise to some {height} m: {up_there}."


def _money(request: TripRequest, place: Place) -> str:
    local = place.currency_code or "the local currency"
    text = f"The local currency is {local}. {tipping(place.country_code, place.continent)}"
    home = request.budget.currency
    if place.currency_code and place.currency_code != home:
        if fx.is_supported(place.currency_code) and fx.is_supported(home):
            rate, when = fx.rate(home, place.currency_code)
            text += (
                f" 1 {home} is about {format_amount(rate, place.currency_code)} "
                f"{place.currency_code} (ECB rate of {when})."
            )
        else:
            text += f" Check a current {home}/{place.currency_code} rate before you go."
    return text


def _transport(place: Place) -> str:
    side = "left" if drives_on_left(place.country_code) else "right"
    return f"{transport_tip(place)} Traffic keeps to the {side}."


def _time(request: TripRequest, place: Place) -> str:
    offset = utc_offset(place.time_zone, request.start_date)
    suffix = f" ({offset} on your dates)" if offset else ""
    return f"Local time is {place.time_zone}{suffix}."


def _language(place: Place) -> str:
    names = [name for tag in place.languages[:3] if (name := language_name(tag))]
    spoken = " and ".join(dict.fromkeys(names[:2])) or "the local languages"
    chosen = language_name(phrase_language(place.languages, place.country_code)) or "English"
    return f"People speak {spoken}; the phrases below are in {chosen}."


def _trip_interests(request: TripRequest, itinerary: PlannedItinerary | None) -> list[str]:
    if itinerary is not None:
        found = [a.category for d in itinerary.draft.days for a in d.activities]
    else:
        found = list(request.interests)
    return [i for i in dict.fromkeys(found) if i in _INTEREST_TIPS]
