"""Who the request is for: the API key's name (never the secret) and its model budget.

The gateway puts them in the gRPC metadata of its call; every server reads them into
a context variable, and every outgoing call carries them on, beside the request id
and the deadline, so that the model chain of any hop charges the right key.
"""

import contextvars
import math
from collections.abc import Mapping
from dataclasses import dataclass

KEY_HEADER = "x-tripmesh-key"
BUDGET_HEADER = "x-tripmesh-key-usd-per-day"


@dataclass(frozen=True)
class Caller:
    key: str  # the key's name in TRIPMESH_API_KEY_FILE
    usd_per_day: float | None = None  # None: no spend limit

    def metadata(self) -> list[tuple[str, str]]:
        pairs = [(KEY_HEADER, self.key)]
        if self.usd_per_day is not None:
            pairs.append((BUDGET_HEADER, repr(self.usd_per_day)))
        return pairs


caller_var: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("caller", default=None)


def caller_of(metadata: Mapping[str, object]) -> Caller | None:
    """The caller a call's metadata names, or None (a malformed budget counts as none)."""
    key = metadata.get(KEY_HEADER)
    if not isinstance(key, str) or not key:
        return None
    budget: float | None = None
    raw = metadata.get(BUDGET_HEADER)
    if isinstance(raw, str):
        try:
            budget = float(raw)
        except ValueError:
            budget = None
        if budget is not None and (not math.isfinite(budget) or budget < 0):
            budget = None
    return Caller(key, budget)
