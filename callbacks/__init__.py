"""Importing this package registers every callback with dash's global registry."""

from callbacks import shell  # noqa: F401
