"""The composition root: the only code that knows every layer and wires them together.

`create_server` builds the Flask side (proxy awareness, logging, sign-in, downloads,
findings-pack jobs, security headers, health, caching); `create_app` puts the Dash app on it,
hands the Dash side the web services it needs (`layouts.context`) and registers the callbacks.
Nothing imports this module back.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import dash
from flask import Flask, Response, abort, g, request
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import theme
from data_access import db, snapshot
from data_access.cache import answers
from layouts import context
from smq_monitor import observability
from smq_monitor.config import Settings, assets_dir, load_settings, snapshot_folder_from_environment
from smq_monitor.web import auth, downloads, plotly_bundle, report_jobs, security

log = logging.getLogger("smq_monitor")

# Dash's own routes that a page needs; every other `/_dash…`, `/_reload-hash`, `/_mcp` and
# `/_alive_…` route is refused outside debug mode (hot reload, dev tools, the MCP listing of
# every callback).
DASH_ROUTES = ("/_dash-layout", "/_dash-dependencies", "/_dash-update-component", "/_dash-component-suites/")
DEBUG_ONLY_PREFIXES = ("/_dash", "/_reload-hash", "/_mcp", "/_alive_")


class DatabaseProbe:
    """Asks the database whether it answers, waiting at most `timeout` seconds.

    The ping runs on a helper thread so that a database that hangs (accepts the connection but
    never replies) costs the health check `timeout`, not a worker thread forever; while one ping
    is still out, later checks wait on the same one instead of starting more."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-probe")
        self._lock = threading.Lock()
        self._pending: Future | None = None

    def answers(self) -> bool:
        with self._lock:
            if self._pending is None or self._pending.done():
                self._pending = self._pool.submit(db.ping)
            pending = self._pending
        try:
            return bool(pending.result(timeout=self.timeout))
        except FutureTimeout:
            return False


def _plain(text: str, status: int = 200) -> Response:
    return Response(text, status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def create_server(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    observability.configure_logging(settings.log_format, settings.log_level)
    db.configure(settings.database_url, settings.db_timeouts.statement_ms, settings.db_timeouts.lock_ms)
    snapshot.configure(snapshot_folder_from_environment())
    server = Flask("smq_monitor", static_folder=None)
    server.config.update(settings.flask_config())
    server.config["SMQ_SETTINGS"] = settings
    if settings.trusted_proxies:
        # The one place the app believes a reverse proxy: X-Forwarded-For/Proto/Host/Port from
        # that many proxies in front (SMQ_TRUSTED_PROXIES), so request.host_url (the Origin
        # check), request.remote_addr (rate limits, lockouts) and Secure cookies are right.
        n = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]
    answers.init_app(server)
    observability.install(server, settings.slow_request_ms, auth.viewer_role)
    security.install(server)
    plotly_bundle.install(server)
    server.register_blueprint(auth.bp)
    server.register_blueprint(downloads.bp)
    server.register_blueprint(report_jobs.bp)
    report_jobs.init_app(server)
    probe = DatabaseProbe(settings.health_timeout_s)

    @server.get("/livez")
    def livez() -> Response:
        """The process answers; the database is not asked."""
        return _plain("ok\n")

    @server.get("/readyz")
    def readyz() -> Response:
        """Ready for traffic: the database answers within the health timeout."""
        return _plain("ok\n") if probe.answers() else _plain("database unavailable\n", 503)

    @server.get("/healthz")
    def healthz() -> Response:
        """Contract §4: 200 `ok` while the database answers, 503 otherwise."""
        return _plain("ok\n") if probe.answers() else _plain("database unavailable\n", 503)

    if not settings.debug:

        @server.before_request
        def refuse_debug_routes() -> None:
            path = request.path
            if path.startswith(DEBUG_ONLY_PREFIXES) and not path.startswith(DASH_ROUTES):
                abort(404)

    return server


def _index_with_token(app: dash.Dash):
    """Dash's index page with the sign-in form token as `<meta name="csrf-token">`, so a script
    can sign in as a browser does: GET /login, read the token, POST it with the form; and the
    plotly.js bundle the charts draw with (`plotly_bundle`)."""
    render = app.interpolate_index

    def interpolate_index(**parts) -> str:
        token = auth.csrf_token()
        parts["metas"] = (
            parts.get("metas", "")
            + f'<meta name="csrf-token" content="{escape(token)}">'
            + plotly_bundle.meta_tag(app.config.requests_pathname_prefix)
        )
        return render(**parts)

    return interpolate_index


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Build the whole app."""
    server = create_server(settings)
    settings = server.config["SMQ_SETTINGS"]
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
    # Callback answers, scripts, styles and CSV go compressed. HTML does not: the page carries the
    # form token, and a compressed secret beside text an attacker chooses leaks its length (BREACH).
    server.config.update(
        COMPRESS_MIMETYPES=[
            "application/json",
            "application/javascript",
            "text/javascript",
            "text/css",
            "text/csv",
        ],
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_STREAMS=False,
    )
    app = dash.Dash(
        "smq_monitor",
        server=server,
        title="smq-monitor",
        update_title=None,
        assets_folder=str(assets_dir()),
        serve_locally=True,
        suppress_callback_exceptions=True,
        compress=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        # An anonymous endpoint that lists every callback: never on, whatever DASH_MCP_ENABLED says.
        enable_mcp=False,
        health_endpoint=None,
    )
    if not settings.debug:
        # Dash reads DASH_UI, DASH_HOT_RELOAD, … from the environment: production ignores them.
        app.enable_dev_tools(
            debug=False,
            dev_tools_ui=False,
            dev_tools_props_check=False,
            dev_tools_serve_dev_bundles=False,
            dev_tools_hot_reload=False,
            dev_tools_prune_errors=True,
            dev_tools_validate_callbacks=False,
        )
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">', 1)
    app.interpolate_index = _index_with_token(app)  # type: ignore[method-assign]
    app.layout = shell.layout
    # Dash finishes setting itself up on the first request, after flagging it done; with
    # threaded workers a concurrent first request could be served half set up ("dash is not a
    # registered library"). Doing it here, once, before any request arrives closes that race.
    # Setting up evaluates the layout once; `smq_setup` tells it not to read the database, which
    # may be down, empty or not yet migrated while the app starts.
    with server.test_request_context("/"):
        g.smq_setup = True
        app._setup_server()
    # Every inline script is known now (renderer, clientside callbacks): allow exactly those.
    security.allow_inline_scripts(server, list(app.csp_hashes()))
    return app
