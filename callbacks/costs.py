"""Callbacks of the costs page."""
