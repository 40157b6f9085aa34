"""When people usually sit down for lunch and dinner in a country, as local time.

Hand-kept (no registry package ships meal times): the usual hours that travel guides
give for the countries where they differ clearly from the common 12:30 and 19:30, such
as Spain's 14:00 and 21:00 or Scandinavia's early evening meal. A meal planned as an
activity starts at these hours, so that a traveller does not arrive at a closed kitchen.
"""

_COMMON = ("12:30", "19:30")
_HOURS = {
    # late lunch and late dinner: southern Europe and much of Latin America
    "ES": ("14:00", "21:00"), "GR": ("14:00", "21:00"), "AR": ("13:30", "21:30"),
    "UY": ("13:30", "21:30"), "CL": ("13:30", "21:00"), "MX": ("14:00", "20:30"),
    "PT": ("13:00", "20:00"), "IT": ("13:00", "20:00"), "FR": ("12:30", "20:00"),
    "HR": ("13:00", "20:00"), "CY": ("13:00", "20:30"), "MT": ("13:00", "20:00"),
    "TR": ("13:00", "20:00"), "LB": ("13:30", "21:00"), "PH": ("12:00", "19:30"),
    # early dinner: northern Europe, North America, Japan
    "NO": ("11:30", "18:00"), "SE": ("11:30", "18:00"), "FI": ("11:00", "18:00"),
    "DK": ("12:00", "18:30"), "IS": ("12:00", "19:00"), "DE": ("12:00", "18:30"),
    "NL": ("12:30", "18:30"), "GB": ("12:30", "19:00"), "IE": ("12:30", "19:00"),
    "US": ("12:00", "18:30"), "CA": ("12:00", "18:30"), "JP": ("12:00", "19:00"),
    "KR": ("12:00", "18:30"), "AU": ("12:30", "19:00"), "NZ": ("12:30", "19:00"),
}  # fmt: skip


def meal_hours(country_code: str) -> tuple[int, int]:
    """(lunch, dinner) in minutes after local midnight."""
    lunch, dinner = _HOURS.get(country_code, _COMMON)
    return _minutes(lunch), _minutes(dinner)


def _minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)
