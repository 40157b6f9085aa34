"""Output guardrail: an answer that breaks the rules is never returned."""

import logging

from services.runtime.errors import Internal, InvalidArgument

logger = logging.getLogger(__name__)


def enforce(violations: list[str], what: str, *, provider: str) -> None:
    """Raises Internal OUTPUT_CHECK_FAILED when an answer has rule violations.

    The chain already rejects a model's rule-breaking answers; reaching this means the
    offline engine (or a cached answer) broke a rule, which is a bug worth a loud error.
    """
    if not violations:
        return
    logger.error("%s from %s failed its checks: %s", what, provider, "; ".join(violations))
    raise Internal(
        f"the {what} did not pass its checks",
        reason="OUTPUT_CHECK_FAILED",
        metadata={"provider": provider, "violations": "; ".join(violations[:5])},
    )


def reject_input(violations: list[str], field: str, what: str) -> None:
    """Raises InvalidArgument INVALID_<WHAT> when an input answer (an itinerary sent by a
    caller) breaks the rules.
    """
    if not violations:
        return
    reason = f"INVALID_{what.upper().replace(' ', '_')}"
    raise InvalidArgument(
        f"{field} is not valid: {'; '.join(violations[:5])}",
        reason=reason,
        field=field,
        metadata={"violations": "; ".join(violations[:10])},
    )
