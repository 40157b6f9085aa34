"""Advice that depends on the region rather than on Europe's habits: how to eat well and
cheaply, how to get around, and what public holidays during the trip change."""

from datetime import date

from services.travel.places import Place
from services.travel.public_holidays import holidays_between

_BIG_CITY = 1_000_000
# fmt: off
_SOUTHERN_EUROPE = frozenset({"ES", "PT", "IT", "GR", "FR", "HR", "CY", "MT"})
_LATIN_AMERICA = frozenset({
    "AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "MX", "NI", "PA", "PE",
    "PY", "SV", "UY", "VE",
})
_STREET_FOOD_ASIA = frozenset({
    "TH", "VN", "MY", "SG", "ID", "PH", "KH", "LA", "MM", "TW", "HK", "IN", "LK", "BD", "NP",
})
_METRO_PASS = frozenset({
    "AT", "BE", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "HU", "IT", "NL", "NO", "PL",
    "PT", "SE", "JP", "KR", "SG", "HK", "TW", "CN", "CA", "US", "AU",
})
_MIDDLE_EAST = frozenset({
    "AE", "BH", "EG", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR",
    "YE", "MA", "TN", "DZ",
})
# fmt: on

_FOOD = {
    "southern-europe": "Set lunch menus of the day are often the best value; dinner starts "
    "late, and popular restaurants are worth booking ahead.",
    "europe": "Bakeries, markets and lunch specials keep food costs down; book popular "
    "restaurants ahead.",
    "latin-america": "Set lunches (menú del día, comida corrida, prato feito) are the best "
    "value; drink bottled or filtered water.",
    "street-food-asia": "Street stalls and food courts are where locals eat: choose busy "
    "stalls with food cooked to order, and carry small notes.",
    "east-asia": "Set lunches and department-store food floors are good value; many small "
    "places take cash only.",
    "north-america": "Menu prices usually leave out sales tax and tip; lunch specials and "
    "food trucks are the cheaper way to eat well.",
    "africa": "Eat where locals queue, choose food cooked hot in front of you, and drink "
    "bottled or filtered water.",
    "middle-east": "Mezze and street bakeries are cheap and good; during Ramadan many places "
    "close by day, so plan meals after sunset.",
    "oceania": "Cafés, pubs and market stalls are good value; tipping is not expected.",
}


def food_tip(place: Place) -> str:
    """Eating well and within budget, for the place's region."""
    return _FOOD[_food_region(place)]


def _food_region(place: Place) -> str:
    code, continent = place.country_code, place.continent
    if code in _SOUTHERN_EUROPE:
        return "southern-europe"
    if code in _MIDDLE_EAST:
        return "middle-east"
    if code in _LATIN_AMERICA or continent == "SA":
        return "latin-america"
    if code in _STREET_FOOD_ASIA:
        return "street-food-asia"
    by_continent = {
        "EU": "europe",
        "AS": "east-asia",
        "NA": "north-america",
        "AF": "africa",
        "OC": "oceania",
    }
    return by_continent.get(continent, "europe")


def transport_tip(place: Place) -> str:
    """Getting around: passes where big cities sell them, else how locals travel."""
    if place.population >= _BIG_CITY and place.country_code in _METRO_PASS:
        return (
            "Public transport is usually the quickest way around; buy a day or multi-day pass. "
            "Use licensed taxis or ride-hailing apps."
        )
    if place.continent == "AF" or (
        place.continent in ("AS", "SA") and place.population >= _BIG_CITY
    ):
        return (
            "Minibuses and shared taxis are how most people get around but can be confusing; "
            "ride-hailing apps or taxis booked through your lodging are simpler, and after "
            "dark safer. Agree the fare first where there is no meter."
        )
    if place.continent == "NA" and place.country_code in ("US", "CA"):
        return "Outside the centre, distances are long: plan on ride-hailing or a rental car."
    return (
        "The centre is best explored on foot; take buses further out, and licensed taxis or "
        "ride-hailing apps at night."
    )


def holiday_tip(place: Place, first: date, last: date) -> str | None:
    """The public holidays during the trip and what they change, or None when there are none."""
    found = holidays_between(place.country_code, first, last)
    if not found:
        return None
    listed = "; ".join(f"{day:%a %d %b}: {name}" for day, name in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return (
        f"Public holidays in {place.country} during your trip: {listed}{more}. Banks, offices "
        "and many shops close or keep short hours, museums and sights may change their "
        "hours, and transport and popular places get busier: book ahead and check times."
    )
