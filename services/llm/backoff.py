"""Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff
and Jitter"): spreads the retries of many clients instead of synchronising them."""

import random


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait before retry number `attempt` (1 for the first retry)."""
    return rng.uniform(0.0, min(cap, base * 2 ** (attempt - 1)))
