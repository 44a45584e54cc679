"""smq-monitor: the application on top of the layers (app factory, command line, web side)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("smq-monitor")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
