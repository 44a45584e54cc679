"""Callbacks of the timelines page."""
