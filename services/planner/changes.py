"""What a revision changed, in words for the traveller."""

from services.agents.schemas import ItineraryDraft
from services.travel.text import fold

_MAX_NOTES = 6


def revision_notes(original: ItineraryDraft, revised: ItineraryDraft) -> list[str]:
    """ "Replaced ... with ...", "Dropped ...", "Lowered the travel style ..."."""
    notes: list[str] = []
    if revised.travel_style != original.travel_style:
        notes.append(
            f"Lowered the travel style from {original.travel_style} to {revised.travel_style} "
            "(lodging, food and transport)."
        )
    changes: list[str] = []
    for before, after in zip(original.days, revised.days, strict=False):
        kept = {fold(a.title) for a in after.activities}
        had = {fold(a.title) for a in before.activities}
        gone = [a for a in before.activities if fold(a.title) not in kept]
        new = {a.start_time: a for a in after.activities if fold(a.title) not in had}
        for activity in gone:
            replacement = new.get(activity.start_time)
            if replacement is not None:
                changes.append(
                    f'{before.date}: replaced "{activity.title}" with "{replacement.title}".'
                )
            else:
                changes.append(f'{before.date}: dropped "{activity.title}".')
    notes += changes[:_MAX_NOTES]
    if len(changes) > _MAX_NOTES:
        notes.append(f"... and {len(changes) - _MAX_NOTES} more changes.")
    return notes
