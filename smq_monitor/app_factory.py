"""The composition root: the only code that knows every layer and wires them together.

`create_server` builds the Flask side (sign-in, downloads, findings-pack jobs, security headers,
health, caching); `create_app` puts the Dash app on it, hands the Dash side the web services it
needs (`layouts.context`) and registers the callbacks. Nothing imports this module back.
"""

from __future__ import annotations

import logging

import dash
from flask import Flask, Response, g

from dashboard import theme
from data_access import db
from data_access.cache import answers
from layouts import context
from smq_monitor.config import PROJECT_ROOT, Settings, load_settings
from smq_monitor.web import auth, downloads, report_jobs, security


def create_server(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    db.configure(settings.database_url)
    server = Flask("smq_monitor")
    server.config.update(settings.flask_config())
    server.config["SMQ_SETTINGS"] = settings
    answers.init_app(server)
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
    """Build the whole app."""
    server = create_server(settings)
    context.install(
        context.WebServices(
            viewer=auth.current_viewer,
            csrf_token=auth.csrf_token,
            start_pack=report_jobs.start_job,
            pack_status=report_jobs.job_status,
        )
    )
    import callbacks  # noqa: F401 - registers the callbacks (Dash's global registry)
    from layouts import shell

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
    # Setting up evaluates the layout once; `smq_setup` tells it not to read the database, which
    # may be down, empty or not yet migrated while the app starts.
    with server.test_request_context("/"):
        g.smq_setup = True
        app._setup_server()
    logging.getLogger("smq_monitor").setLevel(logging.INFO)
    return app
