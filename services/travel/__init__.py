"""Shipped travel knowledge: places, prices, currencies, seasons, phrases, activities.

Everything here is deterministic and offline. Data is loaded lazily, once per
process, on first use (never at import time), or up front by warm_up().
"""


def warm_up(*, places: bool = True, free_text: bool = True) -> None:
    """Loads now what serving loads on first use, so the first request does not pay for it.

    A server calls it before it reports SERVING. Exchange rates, the activity catalogue
    and the phrases always load (the guardrails convert every budget); `places` adds the
    city table, what a process that receives resolved places needs (budget, guide);
    `free_text` adds the alternate names, for processes that resolve destinations typed
    by people (planner, guide tools). About 0.5 s and 30-45 MB in all, most of it the
    exchange rates.
    """
    # Imported here: importing the package must stay free of data loading.
    from services.travel import activity_templates, fx, geography, phrases
    from services.travel.place_index import place_index

    fx.supported_currencies()
    activity_templates.interests()
    activity_templates.canonical_interest("food")
    phrases.english()
    if places or free_text:
        place_index().load(alternates=free_text)
        geography.warm_up()
