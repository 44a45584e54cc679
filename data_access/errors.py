"""The failures `data_access` reports upwards: upper layers catch these, never a driver's own."""

from __future__ import annotations


class DataAccessError(Exception):
    """Something went wrong reading or writing the database."""


class DatabaseUnavailable(DataAccessError):
    """The database did not answer, or answered with an error: try again later.

    Raised for every driver or SQLAlchemy failure met while talking to the database (connection
    refused, a dropped connection, a timeout, a lock that was not granted), with the original as
    its `__cause__` for the log.
    """


class DatabaseBusy(DatabaseUnavailable):
    """Another import or schema upgrade held the database's write lock for longer than this one
    would wait; nothing was written."""

    def __init__(self, waited_s: float):
        self.waited_s = waited_s
        super().__init__(f"another import or schema upgrade held the database for more than {waited_s:g} s")
