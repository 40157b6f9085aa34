"""Shipped travel knowledge: places, prices, currencies, seasons, phrases, activities.

Everything here is deterministic and offline. Data is loaded lazily, once per
process, on first use (never at import time).
"""
