"""Per-key model budgets in the chain: the worst case of a call is reserved before it is
made and settled with its real cost after (see services.runtime.state.spend).

The caller comes from the request's metadata (services.runtime.caller); a request
without a key, or a key without `usd_per_day`, is counted in the spend metric only.
"""

import time
from collections.abc import Callable

from services.llm.errors import Failure, ProviderError
from services.llm.pricing import PriceTable
from services.llm.providers.base import ModelRequest
from services.runtime.caller import caller_var
from services.runtime.state.spend import Reservation, SpendLedger, reset_time

# Without a cap on the answer, a call is assumed to write this much at most.
DEFAULT_MAX_OUTPUT_TOKENS = 4096
# Prompt tokens are estimated from characters, erring high (English runs near 4 a token).
CHARS_PER_TOKEN = 3


class SpendGuard:
    def __init__(
        self, ledger: SpendLedger, prices: PriceTable, clock: Callable[[], float] = time.time
    ) -> None:
        self._ledger = ledger
        self._prices = prices
        self._clock = clock

    async def reserve(self, request: ModelRequest, model: str) -> Reservation | None:
        """The reservation of a call for the caller's key (None without a caller).

        Raises ProviderError(BUDGET) when the worst case would pass the key's budget.
        """
        caller = caller_var.get()
        if caller is None:
            return None
        if caller.usd_per_day is None:
            return Reservation(caller.key, 0, 0, counted=False)
        worst = self._prices.cost(model, _input_tokens(request), _output_tokens(request))
        reservation = await self._ledger.reserve(caller.key, worst, caller.usd_per_day)
        if reservation is None:
            wait = reset_time(self._clock()) - self._clock()
            raise ProviderError(
                Failure.BUDGET, f"the model budget of key {caller.key} is spent", retry_after=wait
            )
        return reservation

    async def settle(self, reservation: Reservation | None, cost_usd: float) -> None:
        if reservation is not None:
            await self._ledger.settle(reservation, cost_usd)


def _input_tokens(request: ModelRequest) -> int:
    chars = len(request.system) + sum(len(m.text) for m in request.messages)
    return chars // CHARS_PER_TOKEN + 1


def _output_tokens(request: ModelRequest) -> int:
    return request.max_output_tokens or DEFAULT_MAX_OUTPUT_TOKENS
