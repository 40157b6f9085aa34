"""Public holidays of a country during a trip, from the `holidays` library (offline).

National holidays only: the place knows its country, not the subdivision codes the
library would need for regional ones.
"""

import importlib.util
import logging
import sys
import threading
from datetime import date
from functools import lru_cache
from types import ModuleType

logger = logging.getLogger(__name__)

_import_lock = threading.Lock()


def _library() -> ModuleType:
    """The `holidays` package, set up to import each country's module alone.

    The library finds a country's class lazily, by importing its module
    (holidays.countries.portugal); but importing any module of that package first runs
    the package's __init__, which imports all 250 countries (8 MB more in the guide, for
    the few countries trips go to). An unexecuted module of the package, with the
    package's own spec and path, stands in for it, so that each country module loads on
    its own, the same code as otherwise (modules of countries that build on another,
    such as France's territories, import that one as they would anyway).
    """
    with _import_lock:
        import holidays  # imported on first use: ~80 ms, and only the guide needs it

        if "holidays.countries" not in sys.modules:
            spec = importlib.util.find_spec("holidays.countries")
            if spec is not None and spec.submodule_search_locations is not None:
                sys.modules["holidays.countries"] = importlib.util.module_from_spec(spec)
    return holidays


@lru_cache(maxsize=512)  # building a country's year takes milliseconds; trips repeat them
def _year(country_code: str, year: int) -> tuple[tuple[date, str], ...]:
    holidays = _library()
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
