"""public_holidays imports one country's module of the `holidays` library at a time: the
same holidays, names and all, as the library gives through its own package of every country,
for each country it covers; and the package's other countries stay unloaded."""

import json
import subprocess
import sys
from datetime import date

from services.travel.public_holidays import holidays_between

YEARS = (2026, 2027)

# Every country and year, through the library as it is normally imported.
_LIBRARY = f"""
import json, holidays
from holidays.registry import COUNTRIES
out = {{}}
for module, (name, code, *_) in sorted(COUNTRIES.items()):
    for year in {YEARS!r}:
        found = holidays.country_holidays(code, years=year, language="en_US")
        out[f"{{code}} {{year}}"] = [[d.isoformat(), n] for d, n in sorted(found.items())]
print(json.dumps(out))
"""

# The same through public_holidays, every country in one process (as a guide over many trips).
_OURS = f"""
import json
from holidays.registry import COUNTRIES
from services.travel import public_holidays
out = {{}}
for module, (name, code, *_) in sorted(COUNTRIES.items()):
    for year in {YEARS!r}:
        days = public_holidays._year(code, year)
        out[f"{{code}} {{year}}"] = [[d.isoformat(), n] for d, n in days]
print(json.dumps(out))
"""

_ONE = """
import json, sys
from services.travel import public_holidays
public_holidays.warm_up()
print(json.dumps([m for m in sys.modules if m.startswith("holidays.countries.")]))
"""


def _run(code: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(done.stdout)


def test_every_country_has_the_same_holidays_as_through_the_library() -> None:
    expected = _run(_LIBRARY)
    assert _run(_OURS) == expected


def test_one_country_loads_its_own_module_only() -> None:
    assert _run(_ONE) == ["holidays.countries.united_states"]


def test_holidays_between_dates() -> None:
    days = holidays_between("PT", date(2027, 4, 20), date(2027, 5, 2))
    assert (date(2027, 4, 25), "Freedom Day") in days
    assert (date(2027, 5, 1), "Labor Day") in days
    assert all(date(2027, 4, 20) <= d <= date(2027, 5, 2) for d, _ in days)
    assert holidays_between("XX", date(2027, 1, 1), date(2027, 12, 31)) == []
