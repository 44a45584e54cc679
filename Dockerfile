# smq-monitor production image: slim Python, non-root, gunicorn.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SMQ_INSTANCE_DIR=/var/lib/smq-monitor \
    SMQ_BIND=0.0.0.0:8050

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY app.py gunicorn.conf.py ./
COPY dashboard ./dashboard
COPY data_access ./data_access
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY assets ./assets
RUN pip install -c constraints.txt . \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin smq \
 && mkdir -p /var/lib/smq-monitor \
 && chown smq /var/lib/smq-monitor

USER smq
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8050/healthz', timeout=4).status == 200 else 1)"
CMD ["sh", "-c", "smq-monitor init-db && exec gunicorn app:server --config gunicorn.conf.py"]
