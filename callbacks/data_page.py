"""Callbacks of the data_page page."""
