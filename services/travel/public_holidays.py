"""Public holidays of a country during a trip, from the `holidays` library (offline).

National holidays only: the place knows its country, not the subdivision codes the
library would need for regional ones.
"""

import logging
from datetime import date
from functools import lru_cache

logger = logging.getLogger(__name__)


@lru_cache(maxsize=512)  # building a country's year takes milliseconds; trips repeat them
def _year(country_code: str, year: int) -> tuple[tuple[date, str], ...]:
    import holidays  # imported on first use: ~80 ms, and only the guide needs it

    try:
        found = holidays.country_holidays(country_code, years=year, language="en_US")
    except NotImplementedError:  # a country the library does not cover
        return ()
    return tuple(sorted(found.items()))


def holidays_between(country_code: str, first: date, last: date) -> list[tuple[date, str]]:
    """(date, name) of each public holiday from `first` to `last`, in order."""
    days = [
        (day, name)
        for year in range(first.year, last.year + 1)
        for day, name in _year(country_code, year)
        if first <= day <= last
    ]
    return days


def warm_up() -> None:
    """Imports the library and builds one year now rather than on the first request."""
    _year("US", date.today().year)
