"""What the door costs: CPU time (`time.process_time`, best of seven) of the bounds check of
a PlanTripRequest and of a 7-day EstimateBudgetRequest (28 activities), beside decoding the
same bytes. Prints figures, asserts nothing."""

import time
import timeit
from collections.abc import Callable

from google.type import money_pb2
from tripmesh.v1 import budget_service_pb2, trip_pb2

from services.runtime.bounds import violations
from services.runtime.bounds_table import BOUNDS


def week_in_lisbon() -> budget_service_pb2.EstimateBudgetRequest:
    trip = trip_pb2.PlanTripRequest(
        destination="Lisbon",
        start_date="2027-05-01",
        days=7,
        travelers=2,
        budget=money_pb2.Money(currency_code="EUR", units=2000),
        interests=["food", "history"],
    )
    request = budget_service_pb2.EstimateBudgetRequest(trip=trip)
    request.itinerary.destination.name = "Lisbon"
    request.itinerary.destination.latitude = 38.7
    for day_number in range(1, 8):
        day = request.itinerary.days.add(date=f"2027-05-0{day_number}", summary="Alfama")
        for _ in range(4):
            activity = day.activities.add(title="Walk", category="food", start_time="10:00")
            activity.description = "A walk through the old town. " * 6
            activity.duration.seconds = 3600
            activity.cost.currency_code = "EUR"
            activity.cost.units = 20
    return request


def best_microseconds(action: Callable[[], object], number: int) -> float:
    runs = timeit.repeat(action, number=number, repeat=7, timer=time.process_time)
    return min(runs) / number * 1e6


def main() -> None:
    week = week_in_lisbon()
    data = week.SerializeToString()
    decode = budget_service_pb2.EstimateBudgetRequest.FromString
    figures = [
        ("PlanTripRequest", best_microseconds(lambda: violations(week.trip, BOUNDS), 3000)),
        ("7-day EstimateBudgetRequest", best_microseconds(lambda: violations(week, BOUNDS), 300)),
        (f"decoding its {len(data)} bytes", best_microseconds(lambda: decode(data), 300)),
    ]
    print("bounds check at the door (CPU time, best of 7):")
    for name, microseconds in figures:
        print(f"  {name:<30} {microseconds:8.1f} µs")


if __name__ == "__main__":
    main()
