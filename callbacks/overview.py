"""Callbacks of the overview page."""
