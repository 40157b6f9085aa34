"""Reads a trip request from plain text, offline: "Plan 3 days in Lisbon from 1 May for 2
people, 1500 EUR, we love food".

A small pattern reader, not a language model: it finds what people usually write
(a destination after "in"/"to", or one the place index knows that leads the sentence or
stands alone, "Kyoto for 4 nights"; "3 days" or "from 1 May to 3 May", "2 people",
"1500 EUR" or "€1500", interest words, "relaxed"/"packed") and says which of the
required fields it could not find, so that the agent can ask for them.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from google.type import money_pb2
from tripmesh.v1 import trip_pb2

from services.travel.activity_templates import GENERAL, canonical_interest
from services.travel.places import names_a_place
from services.travel.text import fold

REQUIRED = ("destination", "start_date", "days", "travelers", "budget")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1,
}  # fmt: skip
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}
_NOT_PLACES = {*(m.capitalize() for m in _MONTHS), "I", "We", "My", "Our", "Plan"}

_COUNT = r"(\d{1,3}|" + "|".join(_NUMBERS) + r")"
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
# A year after a date, unless it is an amount ("1 May, 2000 EUR").
_YEAR = r"(?:,?\s+(20\d{2})(?![\d,.]*\s*(?:[A-Z]{3}\b|[€$£¥])))?"
_DATE_PATTERNS = (
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),  # ISO
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + _YEAR + r"\b", re.I),  # 1 May
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + _YEAR + r"\b", re.I),  # May 1st
)
_DAYS = re.compile(r"\b" + _COUNT + r"[\s-]+(day|night|week)s?\b", re.I)
_WEEKEND = re.compile(r"\b(?:a|the|long)?\s*weekend\b", re.I)
_TRAVELERS = re.compile(
    r"\b" + _COUNT + r"\s+(?:people|persons|travell?ers|adults|guests|friends|of us|pax)\b", re.I
)
_ALONE = re.compile(r"\b(?:solo|alone|just me|by myself)\b", re.I)
_COUPLE = re.compile(r"\b(?:couple|my (?:wife|husband|partner|girlfriend|boyfriend))\b", re.I)
_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)\s*(k)?"
# An amount that comes first is tried from the first digit of a run of digits and commas
# only: tried from every digit, a long run costs time squared in its length (a text of
# 4,000 digits took 8 s), and a later start never finds what the first one does not.
_RUN = r"(?<![\d,]),*"
_MAX_AMOUNT = 1e15  # far beyond any trip; a longer number is no budget (nor fits Money.units)
_BUDGET = (
    re.compile(_RUN + _AMOUNT + r"\s*([A-Z]{3})\b"),  # 1500 EUR
    re.compile(r"\b([A-Z]{3})\s*" + _AMOUNT + r"\b"),  # EUR 1500
    re.compile(r"([€$£¥])\s*" + _AMOUNT),  # €1500
    re.compile(_RUN + _AMOUNT + r"\s*([€$£¥])"),  # 1500€
)
_PLACE = re.compile(
    r"\b(?:in|to|visit|visiting|around)\s+((?:[A-Z][\w'\u2019.-]*)(?:(?:\s+|,\s*)(?:[A-Z][\w'\u2019.-]*))*)"
)
# A destination no preposition introduces ("Kyoto for 4 nights", "4 nights, Kyoto"): up to
# _RUN_TOKENS tokens of capitalized words (with commas and the particles of names, "Rio de
# Janeiro") that the place index knows, followed by the end, punctuation, a number, a
# currency code or one of _AFTER_PLACE; not after one of _BEFORE_NOT_PLACE (an origin, a
# person). A single word must not be a code in capitals (JPY, US) nor one of _COMMON_WORDS:
# words of a request that also name towns (Best, Temple, Holiday) or countries' codes (No).
_TOKEN = re.compile(r"[^\W\d_][\w'\u2019.-]*|\d|[^\w\s]")
_RUN_TOKENS = 6
_PARTICLES = {"de", "da", "do", "dos", "das", "del", "di", "du", "des", "la", "le", "of", "and"}
_PARTICLES |= {"upon", "sur", "am", "an", "im", "on", "en"}
_AFTER_PLACE = {"for", "from", "on", "in", "at", "during", "over", "this", "next", "with", "and"}
_AFTER_PLACE |= {"between", "starting", "until", "till", "trip", "holiday", "vacation"}
_AFTER_PLACE |= {"getaway", "break", "stay", "weekend", "please"}
_BEFORE_NOT_PLACE = {"from", "leaving", "departing", "via", "with", "am", "i'm", "i\u2019m"}
_BEFORE_NOT_PLACE |= {"im", "is", "named", "called"}
_COMMON_WORDS = {
    "a", "an", "the", "and", "or", "but", "so", "for", "from", "of", "to", "in", "on", "at",
    "by", "me", "us", "it", "we", "my", "our", "you", "yes", "no", "ok", "okay", "hi", "hey",
    "hello", "please", "thanks", "sure", "also", "can", "make", "get", "let", "send", "best",
    "long", "big", "spring", "holiday", "tour", "day", "date", "solo", "art", "temple",
    "golden", "independence", "valentine", "wedding", "university", "pax", "max", "mid", "one",
    "nine", "ten", "north", "central", "downtown", "car", "bus", "mon", "wed", "sat",
    "ramadan",
}  # fmt: skip
_PACES = (
    (trip_pb2.PACE_RELAXED, re.compile(r"\b(?:relax(?:ed|ing)?|slow|easy|laid[- ]back)\b", re.I)),
    (trip_pb2.PACE_PACKED, re.compile(r"\b(?:packed|busy|intense|fast|see everything)\b", re.I)),
    (trip_pb2.PACE_BALANCED, re.compile(r"\b(?:balanced|moderate)\b", re.I)),
)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]+")


@dataclass
class TextReading:
    """What was read, and the required fields that were not."""

    request: trip_pb2.PlanTripRequest
    missing: list[str] = field(default_factory=list)


def read_trip_text(text: str, today: date) -> TextReading:
    """The PlanTripRequest in `text`; dates without a year are the next such date from `today`."""
    request = trip_pb2.PlanTripRequest()
    if destination := _destination(text):
        request.destination = destination
    dates = list(_dates(text, today))
    if dates:
        request.start_date = dates[0].isoformat()
    days = _days(text)
    if days is None and len(dates) >= 2 and dates[1] >= dates[0]:
        days = (dates[1] - dates[0]).days + 1
    if days:
        request.days = days
    if travelers := _travelers(text):
        request.travelers = travelers
    if budget := _budget(text):
        request.budget.CopyFrom(budget)
    request.interests.extend(_interests(_DAYS.sub(" ", text)))  # "4 nights" is no nightlife
    request.pace = _pace(text)
    return reading_of(request)


def reading_of(request: trip_pb2.PlanTripRequest) -> TextReading:
    """The request with the required fields it lacks."""
    present = {f.name for f, _ in request.ListFields()}
    return TextReading(request, [name for name in REQUIRED if name not in present])


def _destination(text: str) -> str:
    """The first place after a preposition that the place index knows, else the first one
    it knows standing alone elsewhere, else the first after a preposition (which the
    planner then refuses with the names closest to it: "Prto, Portugal" is not Portugal)."""
    introduced = list(_introduced_places(text))
    for place, _ in introduced:
        if names_a_place(place):
            return place
    taken = [span for _, span in introduced]
    return _standing_place(text, taken) or next((place for place, _ in introduced), "")


def _introduced_places(text: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """Each place after a preposition, and where its words are in `text`."""
    for match in _PLACE.finditer(text):
        words = [w for w in re.split(r"\s+", match.group(1).replace(",", ", ")) if w]
        kept: list[str] = []
        for word in words:
            if word.strip(",.") in _NOT_PLACES:
                break
            kept.append(word)
        place = " ".join(kept).strip(" ,.")
        if place:
            yield place, match.span(1)


def _standing_place(text: str, taken: list[tuple[int, int]]) -> str:
    tokens = list(_TOKEN.finditer(text))
    for first, token in enumerate(tokens):
        if not _capitalized(token.group()) or any(a <= token.start() < b for a, b in taken):
            continue
        if first and tokens[first - 1].group().lower() in _BEFORE_NOT_PLACE:
            continue
        ends: list[int] = []
        for last in range(first, min(len(tokens), first + _RUN_TOKENS)):
            word = tokens[last].group()
            if _capitalized(word):
                ends.append(last)
            elif word != "," and word.lower() not in _PARTICLES:
                break
        for last in reversed(ends):
            place = " ".join(text[token.start() : tokens[last].end()].split()).rstrip(".")
            if _stands(tokens, last) and _may_name(place) and names_a_place(place):
                return place
    return ""


def _capitalized(word: str) -> bool:
    return word[0].isupper() and word.rstrip(".") not in _NOT_PLACES


def _stands(tokens: list[re.Match[str]], last: int) -> bool:
    """Whether what follows the token at `last` ends the place rather than continues it."""
    if tokens[last].group().endswith(".") or last + 1 == len(tokens):
        return True
    after = tokens[last + 1].group()
    return (
        not after[0].isalpha()
        or after.lower() in _AFTER_PLACE
        or (len(after) == 3 and after.isupper())  # a currency code: "Kyoto JPY 300000"
    )


def _may_name(place: str) -> bool:
    if " " in place or "," in place:
        return True
    return not (len(place) > 1 and place.isupper()) and fold(place) not in _COMMON_WORDS


def _dates(text: str, today: date) -> Iterator[date]:
    found: list[tuple[int, date]] = []
    for index, pattern in enumerate(_DATE_PATTERNS):
        for match in pattern.finditer(text):
            parsed = _date_of(index, match.groups(), today)
            if parsed is not None:
                found.append((match.start(), parsed))
    return (day for _, day in sorted(found))


def _date_of(kind: int, groups: tuple[str | None, ...], today: date) -> date | None:
    if kind == 0:
        year, month, day = (int(g or 0) for g in groups)
        explicit_year: int | None = year
    elif kind == 1:
        day, month, explicit_year = int(groups[0] or 0), _MONTHS[str(groups[1]).lower()], None
        explicit_year = int(groups[2]) if groups[2] else None
    else:
        month, day = _MONTHS[str(groups[0]).lower()], int(groups[1] or 0)
        explicit_year = int(groups[2]) if groups[2] else None
    try:
        if explicit_year is not None:
            return date(explicit_year, month, day)
        this_year = date(today.year, month, day)
        return this_year if this_year >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _days(text: str) -> int | None:
    if match := _DAYS.search(text):
        count, unit = _count(match.group(1)), match.group(2).lower()
        return {"day": count, "night": count + 1, "week": 7 * count}[unit]
    if _WEEKEND.search(text):
        return 2
    return None


def _travelers(text: str) -> int | None:
    if match := _TRAVELERS.search(text):
        return _count(match.group(1))
    if _ALONE.search(text):
        return 1
    if _COUPLE.search(text):
        return 2
    return None


def _budget(text: str) -> money_pb2.Money | None:
    for index, pattern in enumerate(_BUDGET):
        match = pattern.search(text)
        if match is None:
            continue
        if index in (0, 3):
            amount, thousands, currency = match.group(1), match.group(2), match.group(3)
        else:
            currency, amount, thousands = match.group(1), match.group(2), match.group(3)
        value = float(amount.replace(",", "")) * (1000 if thousands else 1)
        if not value < _MAX_AMOUNT:  # hundreds of digits were infinity: OverflowError
            continue
        units = int(value)
        return money_pb2.Money(
            currency_code=_SYMBOLS.get(currency, currency),
            units=units,
            nanos=round((value - units) * 1e9),
        )
    return None


def _interests(text: str) -> list[str]:
    found: dict[str, None] = {}
    words = [w.lower() for w in _WORDS.findall(text)]
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            interest = canonical_interest(" ".join(words[start : start + size]))
            if interest is not None and interest != GENERAL:
                found.setdefault(interest)
    return list(found)


def _pace(text: str) -> "trip_pb2.Pace":
    for pace, pattern in _PACES:
        if pattern.search(text):
            return pace
    return trip_pb2.PACE_UNSPECIFIED
