"""The guide service."""
