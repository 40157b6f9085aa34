"""Guardrails: checks on what goes into the agents and the models, and on what comes out.

validate_trip_request / parse_trip_request run before any model call; enforce()
applies the agents' rule checks to an answer before it is returned.
"""

from services.guardrails.output import enforce
from services.guardrails.safety import check_text_safety
from services.guardrails.validation import parse_trip_request, validate_trip_request

__all__ = ["check_text_safety", "enforce", "parse_trip_request", "validate_trip_request"]
