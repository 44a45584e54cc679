"""Callbacks of the trajectories page."""
