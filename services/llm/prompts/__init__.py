"""Prompt files (<name>.v<N>.md), a package so that they ship as package data."""
