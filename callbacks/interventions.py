"""Callbacks of the interventions page."""
