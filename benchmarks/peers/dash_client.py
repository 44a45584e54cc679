"""Calling a Dash app's callbacks over HTTP as its browser would, knowing only output ids.

A callback is found in `/_dash-dependencies` by the id of a component it writes, so the harness
follows whatever the server's callbacks read and write today rather than a copy of them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import requests


@dataclass(frozen=True)
class Callback:
    """One entry of `/_dash-dependencies`: its output key and what it reads."""

    output: str
    outputs: tuple[tuple[Any, str], ...]
    inputs: tuple[tuple[Any, str], ...]
    state: tuple[tuple[Any, str], ...]
    multi: bool

    def writes(self, component_id: str) -> bool:
        return any(cid == component_id for cid, _ in self.outputs)


def _split(key: str) -> tuple[Any, str]:
    component, prop = key.rsplit(".", 1)
    return (json.loads(component) if component.startswith("{") else component), prop.split("@")[0]


def parse_output(output: str) -> tuple[tuple[tuple[Any, str], ...], bool]:
    """The (id, property) pairs of a Dash output key ("a.b" or "..a.b...c.d..")."""
    if output.startswith("..") and output.endswith(".."):
        return tuple(_split(part) for part in output[2:-2].split("...")), True
    return (_split(output),), False


def callbacks_from(dependencies: list[dict]) -> list[Callback]:
    out = []
    for entry in dependencies:
        outputs, multi = parse_output(entry["output"])
        out.append(
            Callback(
                output=entry["output"],
                outputs=outputs,
                inputs=tuple((i["id"], i["property"]) for i in entry.get("inputs", [])),
                state=tuple((s["id"], s["property"]) for s in entry.get("state", [])),
                multi=multi,
            )
        )
    return out


def find_callback(dependencies: list[dict], component_id: str) -> Callback:
    """The callback that draws `component_id` on page load: of those writing it, the one with
    the fewest inputs that are not the URL (a click handler writing the same id comes second)."""
    writers = [c for c in callbacks_from(dependencies) if c.writes(component_id)]
    if not writers:
        raise LookupError(f"no callback writes {component_id!r}")
    return min(writers, key=lambda c: (sum(cid != "url" for cid, _ in c.inputs), len(c.inputs)))


def _value(component_id: Any, prop: str, base: str, path: str, search: str) -> Any:
    if component_id == "url":
        return {"search": search, "pathname": path, "href": base + path + search, "hash": ""}.get(prop)
    return None


def request_body(callback: Callback, base: str, path: str, search: str) -> dict:
    """The body Dash's renderer posts for this callback when the URL is `path` + `search`:
    the URL's properties filled in, every other input and state left empty (None)."""

    def items(pairs):
        return [
            {"id": cid, "property": prop, "value": _value(cid, prop, base, path, search)}
            for cid, prop in pairs
        ]

    outputs = [{"id": cid, "property": prop} for cid, prop in callback.outputs]
    changed = [f"{cid}.{prop}" for cid, prop in callback.inputs if cid == "url" and prop == "search"]
    if not changed and callback.inputs:
        cid, prop = callback.inputs[0]
        changed = [f"{cid}.{prop}"]
    return {
        "output": callback.output,
        "outputs": outputs if callback.multi else outputs[0],
        "inputs": items(callback.inputs),
        "state": items(callback.state),
        "changedPropIds": changed,
    }


@dataclass(frozen=True)
class Answer:
    seconds: float
    size: int
    status: int
    ok: bool


def call(session: requests.Session, base: str, body: dict) -> Answer:
    """POST the body to the Dash callback endpoint; ok when it answered 200 with a response."""
    started = time.perf_counter()
    response = session.post(base + "/_dash-update-component", json=body, timeout=600)
    elapsed = time.perf_counter() - started
    ok = response.status_code == 200 and b'"response"' in response.content
    return Answer(elapsed, len(response.content), response.status_code, ok)
