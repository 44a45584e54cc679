"""Callbacks of the trust page."""
