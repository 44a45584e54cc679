"""gunicorn settings for production; override any of them with GUNICORN_CMD_ARGS."""

import multiprocessing
import os

from smq_monitor.observability import gunicorn_logconfig

bind = os.environ.get("SMQ_BIND", "0.0.0.0:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("SMQ_THREADS", 4))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
# Workers are recycled now and then (memory hygiene); findings packs survive it (report_jobs).
max_requests = 2000
max_requests_jitter = 200
loglevel = os.environ.get("SMQ_LOG_LEVEL", "info")
# gunicorn's own lines in the app's format (SMQ_LOG_FORMAT=json or text). The app logs every
# request itself, with its request id, role and duration, so gunicorn's access log is off unless
# asked for (SMQ_ACCESS_LOG=1); it never holds a password: sign-in is a POST body.
_access = os.environ.get("SMQ_ACCESS_LOG", "").strip().lower() in ("1", "true", "yes")
logconfig_dict = gunicorn_logconfig(
    os.environ.get("SMQ_LOG_FORMAT", "text").strip().lower(), loglevel.upper(), access=_access
)
accesslog = "-" if _access else None
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
# Proxies are believed in one place only, the app (SMQ_TRUSTED_PROXIES, ProxyFix): gunicorn's own
# X-Forwarded-Proto handling, which trusts loopback by default, is off.
forwarded_allow_ips = ""
preload_app = False


def post_worker_init(worker):
    """A new worker reads the tables first visits need, and again after every import."""
    from smq_monitor.web import warmup

    warmup.start(worker.wsgi)


def worker_exit(server, worker):
    """A worker leaving (recycled, or stopped) lets its table warmer finish (a worker leaving
    in the middle of it can hang: smq_monitor.web.warmup.stop) and hands its unfinished findings
    packs to the others."""
    from smq_monitor.web import report_jobs, warmup

    warmup.stop()
    report_jobs.hand_back_jobs()
