"""Logs an operator can use: one format for the app and gunicorn, a request id on every line.

`SMQ_LOG_FORMAT=json` writes one JSON object a line (for a log collector); otherwise readable
text. Every line logged while a request is served carries its `request_id`, which is also sent
back as `X-Request-ID` (a well-formed incoming one is kept, so a proxy's id follows the request
through). Each request is logged once when it ends, with its status, duration and the viewer's
role; a request slower than `SMQ_SLOW_REQUEST_MS` is logged as a warning. Nothing secret is ever
logged: no password, cookie, session or form body, and query strings only of GET requests (they
hold filters).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("smq_request_id", default="-")
role_var: contextvars.ContextVar[str] = contextvars.ContextVar("smq_role", default="-")
# Attributes of a LogRecord that are not extra fields worth printing.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
request_log = logging.getLogger("smq_monitor.requests")


class ContextFilter(logging.Filter):
    """Stamps every record with the request id and role of the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "role"):
            record.role = role_var.get()
        return True


def _extras(record: logging.LogRecord) -> dict:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, role, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_extras(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """`time level [request-id] logger: message key=value …` for people reading a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        extras = _extras(record)
        request_id = extras.pop("request_id", "-")
        fields = " ".join(f"{k}={v}" for k, v in extras.items() if v not in (None, "-"))
        line = f"{stamp} {record.levelname} [{request_id}] {record.name}: {record.getMessage()}"
        if fields:
            line += f" ({fields})"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure_logging(log_format: str = "text", level: str = "INFO", stream=None) -> None:
    """Send the app's logs (`smq_monitor.*`) to stderr in the chosen format, stamped by
    `ContextFilter`. Safe to call twice: the handler is replaced, not added again."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(ContextFilter())
    handler.set_name("smq-monitor")
    for name in ("smq_monitor", "data_access", "callbacks", "layouts"):
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if h.get_name() != "smq-monitor"]
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False


def gunicorn_logconfig(log_format: str, level: str = "INFO", access: bool = False) -> dict:
    """`logconfig_dict` for gunicorn.conf.py: gunicorn's own lines in the app's format; its
    access log only when `access` (the app logs each request itself, with its request id)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"smq": {"()": JsonFormatter if log_format == "json" else TextFormatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "smq",
                "filters": ["context"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {
                "handlers": ["console"],
                "level": level if access else "CRITICAL",
                "propagate": False,
            },
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
    }


def incoming_request_id(value: str | None) -> str:
    """The caller's request id when well formed (a proxy's, say), else a new random one."""
    if value and _WELL_FORMED_ID.match(value):
        return value
    return uuid.uuid4().hex


def install(server: Flask, slow_request_ms: int, role_of: Callable[[], str]) -> None:
    """Request ids, the per-request log line and slow-request warnings on `server`.

    `role_of()` names the viewer's role (never who they are beyond it, nor their session)."""

    @server.before_request
    def start() -> None:
        g.request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()
        g.request_tokens = (request_id_var.set(g.request_id), role_var.set("-"))

    @server.after_request
    def finish(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id is None:
            return response
        response.headers[REQUEST_ID_HEADER] = request_id
        elapsed_ms = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        try:
            role = role_of()
        except Exception:  # noqa: BLE001 - the log line must not fail the request
            role = "-"
        role_var.set(role)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed_ms, 1),
            "role": role,
            "client": request.remote_addr,
        }
        if request.method == "GET" and request.query_string:
            fields["query"] = request.query_string.decode("utf-8", "replace")[:500]
        if request.path == "/_dash-update-component":
            fields["callback"] = _callback_name()
        slow = elapsed_ms >= slow_request_ms > 0
        request_log.log(
            logging.WARNING if slow else logging.INFO,
            "slow request %s %s" if slow else "%s %s",
            request.method,
            request.path,
            extra=fields,
        )
        return response

    @server.teardown_request
    def reset(_error: BaseException | None) -> None:
        tokens = g.pop("request_tokens", None)
        if tokens:
            for var, token in zip((request_id_var, role_var), tokens, strict=True):
                # ValueError: set in another context (a streamed response), harmless
                with contextlib.suppress(ValueError):
                    var.reset(token)


def _callback_name() -> str:
    """Which callback a Dash request is for (its output), so a slow one can be found."""
    body = request.get_json(silent=True, cache=True)
    if isinstance(body, Mapping):
        output = body.get("output")
        if isinstance(output, str):
            return output[:200]
    return "-"


log = logging.getLogger("smq_monitor.imports")


def log_import(rows: Mapping[str, int], elapsed_s: float, source: str, check_only: bool = False) -> None:
    """One line for an import (or a `--check`), with the rows per file: for the CLI to call."""
    log.info(
        "%s %s: %s",
        "checked" if check_only else "imported",
        source,
        ", ".join(f"{stem} {count:,}" for stem, count in rows.items()) or "nothing",
        extra={
            "event": "import_checked" if check_only else "import",
            "source": source,
            "rows": dict(rows),
            "total_rows": sum(rows.values()),
            "duration_ms": round(elapsed_s * 1000, 1),
        },
    )


def log_import_rejected(problems: int, source: str) -> None:
    """One line for a rejected import: how many problems (the problems go to stderr)."""
    log.warning(
        "import of %s rejected: %d problem(s); nothing was written",
        source,
        problems,
        extra={"event": "import_rejected", "source": source, "problems": problems},
    )
