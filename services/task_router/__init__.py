"""The task router service."""
