"""What pages and their callbacks need from the web side, handed over once by the app factory.

`layouts/` and `callbacks/` sit below the Flask side in the layers, so they cannot import
sign-in or the findings-pack jobs; the app factory (the composition root) installs those here at
start-up. Until it does, everyone is the public and no pack can be made, which is what a unit
test of a layout wants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from data_access.filters import Filters
from data_access.viewer import PUBLIC, Viewer


def _no_packs(*_args) -> None:
    raise RuntimeError("findings packs are not available: the app factory installs them")


@dataclass(frozen=True)
class WebServices:
    """The web side's functions the Dash side calls."""

    viewer: Callable[[], Viewer] = lambda: PUBLIC
    csrf_token: Callable[[], str] = lambda: ""
    start_pack: Callable[[Viewer, Filters], str] = _no_packs
    pack_status: Callable[[str, Viewer], dict | None] = lambda _job, _viewer: None


_services = WebServices()


def install(services: WebServices) -> None:
    """Called once by the app factory, before the first request."""
    global _services
    _services = services


def services() -> WebServices:
    return _services


def viewer() -> Viewer:
    """Who is asking, in this request."""
    return _services.viewer()
