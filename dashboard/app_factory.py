"""The app factory: a Flask server with the Dash app, auth, downloads, health and caching."""

from __future__ import annotations

import logging

import dash
from flask import Flask, Response

from dashboard import auth, downloads, report_jobs, security
from dashboard.config import Settings, load_settings
from data_access import db
from data_access.cache import cache
from data_access.db import PROJECT_ROOT


def create_server(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    server = Flask("smq_monitor")
    server.config.update(settings.flask_config())
    server.config["SMQ_SETTINGS"] = settings
    cache.init_app(server)
    server.register_blueprint(auth.bp)
    server.register_blueprint(downloads.bp)
    server.register_blueprint(report_jobs.bp)
    security.install(server)

    @server.get("/healthz")
    def healthz() -> Response:
        if db.ping():
            return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})
        return Response(
            "database unavailable\n", status=503, mimetype="text/plain", headers={"Cache-Control": "no-store"}
        )

    return server


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Build the whole app. Callbacks register globally when `callbacks` is imported."""
    import callbacks  # noqa: F401 - registers the callbacks
    from dashboard import theme
    from layouts import shell

    server = create_server(settings)
    theme.apply_theme()
    app = dash.Dash(
        "smq_monitor",
        server=server,
        title="smq-monitor",
        update_title=None,
        assets_folder=str(PROJECT_ROOT / "assets"),
        serve_locally=True,
        suppress_callback_exceptions=True,
        compress=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">', 1)
    app.layout = shell.layout
    # Dash finishes setting itself up on the first request, after flagging it done; with
    # threaded workers a concurrent first request could be served half set up ("dash is not a
    # registered library"). Doing it here, once, before any request arrives closes that race.
    with server.test_request_context("/"):
        app._setup_server()
    logging.getLogger("smq_monitor").setLevel(logging.INFO)
    return app
