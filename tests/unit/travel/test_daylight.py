"""Sunrise and sunset offline, in the destination's own time zone."""

import datetime as dt

from services.travel.daylight import MIDNIGHT_SUN, POLAR_NIGHT, daylight, daylight_by_day

REYKJAVIK = (64.13548, -21.89541, "Atlantic/Reykjavik")
TROMSO = (69.6489, 18.95508, "Europe/Oslo")
LISBON = (38.71667, -9.13333, "Europe/Lisbon")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def test_reykjavik_in_january_has_a_short_late_day() -> None:
    light = daylight(*REYKJAVIK, dt.date(2027, 1, 15))
    assert "10:50" <= _hhmm(light.sunrise) <= "11:00"
    assert "16:10" <= _hhmm(light.sunset) <= "16:25"
    assert light.has_sunrise


def test_polar_night_and_midnight_sun() -> None:
    assert daylight(*TROMSO, dt.date(2027, 12, 10)) == POLAR_NIGHT
    assert daylight(*TROMSO, dt.date(2027, 6, 21)) == MIDNIGHT_SUN
    assert not POLAR_NIGHT.covers(720, 780)
    assert MIDNIGHT_SUN.covers(0, 24 * 60)


def test_local_clock_follows_summer_time() -> None:
    # Lisbon moves to summer time on 2027-03-28: sunrise jumps by about an hour
    before = daylight(*LISBON, dt.date(2027, 3, 27))
    after = daylight(*LISBON, dt.date(2027, 3, 28))
    assert 55 <= after.sunrise - before.sunrise <= 62


def test_a_trip_over_the_clock_change_is_computed_day_by_day() -> None:
    days = [dt.date(2027, 3, 20) + dt.timedelta(days=i) for i in range(14)]
    assert daylight_by_day(*LISBON, days) == [daylight(*LISBON, day) for day in days]


def test_interpolated_days_stay_within_minutes_of_the_real_ones() -> None:
    days = [dt.date(2027, 5, 1) + dt.timedelta(days=i) for i in range(30)]
    exact = [daylight(*REYKJAVIK, day) for day in days]
    for got, real in zip(daylight_by_day(*REYKJAVIK, days), exact, strict=True):
        assert abs(got.sunrise - real.sunrise) <= 10
        assert abs(got.sunset - real.sunset) <= 10
