"""Offline engine benchmark (part of `make bench`): CPU per DraftItinerary, asserts nothing.

The planner's servicer in this process, over the offline model only: each call parses
the proto request, resolves the destination, drafts and checks the itinerary and
builds the proto answer. Destinations repeat (a server's caches of places are warm, as
they are for popular destinations) but no request does: every call has its own dates,
interests or pace. CPU time (time.process_time) rather than wall time, so that other
work on the machine does not skew it.

Usage: python bench/offline_bench.py [--scale 0.5]
"""

import argparse
import asyncio
import time
from datetime import date, timedelta
from typing import Any, cast

from google.type import money_pb2
from tripmesh.v1 import planner_service_pb2, trip_pb2

from services.llm import LLMSettings, create_model_chain
from services.planner.planner import Planner
from services.planner.servicer import PlannerServiceServicer
from services.travel import warm_up

DESTINATIONS = (
    ("Lisbon", "EUR", 2000),
    ("Nairobi", "USD", 1500),
    ("Reykjavik", "EUR", 800),
    ("Kyoto", "JPY", 150000),
    ("Sydney", "AUD", 4000),
    ("Denver", "USD", 2500),
    ("Cape Town", "ZAR", 30000),
    ("Zermatt", "CHF", 3000),
    ("Bangkok", "THB", 40000),
    ("Buenos Aires", "USD", 1800),
)
INTERESTS = (("food", "history"), ("nature", "wildlife"), ("art", "nightlife"), ("beach",))
PACES = (trip_pb2.PACE_RELAXED, trip_pb2.PACE_BALANCED, trip_pb2.PACE_PACKED)
FIRST_DAY = date(2027, 1, 15)
CALLS = 600


def request(n: int) -> planner_service_pb2.DraftItineraryRequest:
    destination, currency, amount = DESTINATIONS[n % len(DESTINATIONS)]
    trip = trip_pb2.PlanTripRequest(
        destination=destination,
        start_date=(FIRST_DAY + timedelta(days=(n * 7) % 360)).isoformat(),
        days=4,
        travelers=2,
        budget=money_pb2.Money(currency_code=currency, units=amount),
        interests=INTERESTS[n % len(INTERESTS)],
        pace=PACES[n % len(PACES)],
    )
    return planner_service_pb2.DraftItineraryRequest(trip=trip)


async def main(scale: float) -> None:
    warm_up()
    servicer = PlannerServiceServicer(Planner(create_model_chain(LLMSettings())))
    context = cast(Any, None)  # the servicer never touches its context
    for n in range(len(DESTINATIONS) * 2):  # every destination's caches, as in a warm server
        await servicer.DraftItinerary(request(n + 100_000), context)
    count = max(50, int(CALLS * scale))
    started = time.process_time()
    for n in range(count):
        await servicer.DraftItinerary(request(n), context)
    per_call = (time.process_time() - started) * 1000 / count
    print("\nOffline DraftItinerary (planner servicer in process, offline model)")
    print(f"  {count} calls over {len(DESTINATIONS)} destinations: {per_call:.2f} ms CPU per call")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    asyncio.run(main(parser.parse_args().scale))
