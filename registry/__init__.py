"""Service discovery: one interface, a static backend and a Consul backend."""

from registry.base import Discovery, Endpoint, Registration
from registry.known_services import KNOWN_SERVICES, KnownService, discovery_name, known_service

__all__ = [
    "KNOWN_SERVICES",
    "Discovery",
    "Endpoint",
    "KnownService",
    "Registration",
    "discovery_name",
    "known_service",
]
