"""gunicorn settings for production; override any of them with GUNICORN_CMD_ARGS."""

import multiprocessing
import os

bind = os.environ.get("SMQ_BIND", "0.0.0.0:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("SMQ_THREADS", 4))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SMQ_LOG_LEVEL", "info")
# Don't log query strings with passwords: sign-in is a POST body, so the access log is safe.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
preload_app = False
