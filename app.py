"""Entry point for gunicorn: `gunicorn app:server`."""

from dashboard.app_factory import create_app

app = create_app()
server = app.server
