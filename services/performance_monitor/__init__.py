"""The performance monitor service."""
