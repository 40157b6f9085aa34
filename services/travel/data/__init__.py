"""Shipped JSON tables (a package so that setuptools ships them as package data)."""
