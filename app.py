"""Entry point for gunicorn: `gunicorn app:server`."""

from smq_monitor.app_factory import create_app

app = create_app()
server = app.server
