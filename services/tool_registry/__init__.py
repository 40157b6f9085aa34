"""The tool registry service."""
