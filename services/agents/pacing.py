"""What a pace means for a day: how many activities, when they start, how long they may run."""

from dataclasses import dataclass

from services.agents.request import Pace


@dataclass(frozen=True)
class Slot:
    """A place for one activity in a day."""

    start: str  # "HH:MM"
    part: str  # "m", "a" or "e": morning, afternoon, evening
    max_minutes: int  # until the next slot, leaving time to get there


# relaxed: two activities with long breaks; balanced: morning, afternoon, evening;
# packed: five, with short gaps to move between them.
_SLOTS = {
    Pace.RELAXED: (Slot("10:00", "m", 240), Slot("19:00", "e", 180)),
    Pace.BALANCED: (Slot("09:30", "m", 180), Slot("14:30", "a", 180), Slot("19:30", "e", 180)),
    Pace.PACKED: (
        Slot("08:30", "m", 120),
        Slot("11:00", "m", 120),
        Slot("14:00", "a", 120),
        Slot("16:30", "a", 120),
        Slot("19:30", "e", 150),
    ),
}

# How many activities a day of each pace may hold when a model plans it (the offline
# engine uses exactly len(slots(pace))).
_BOUNDS = {Pace.RELAXED: (1, 3), Pace.BALANCED: (2, 4), Pace.PACKED: (3, 7)}

EARLIEST_START = 6 * 60  # minutes after midnight
LATEST_END = 24 * 60


def slots(pace: Pace) -> tuple[Slot, ...]:
    """The slots of a day at `pace`."""
    return _SLOTS[pace]


def bounds(pace: Pace) -> tuple[int, int]:
    """(fewest, most) activities a day at `pace` may have."""
    return _BOUNDS[pace]


def minutes(hhmm: str) -> int:
    """Minutes after midnight of "HH:MM"."""
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def hhmm(total: int) -> str:
    """ "HH:MM" of minutes after midnight."""
    return f"{total // 60:02d}:{total % 60:02d}"


def part_of_day(start: str) -> str:
    """ "m", "a" or "e" for a start time."""
    at = minutes(start)
    if at < 12 * 60:
        return "m"
    return "a" if at < 18 * 60 else "e"
