# smq-monitor production image: slim Python, dependencies in their own layer, the code installed
# once (as a wheel, not copied beside it), non-root, gunicorn.
#
# The base image is pinned by version. Pin it by digest too where you build:
#   docker pull python:3.11.14-slim-bookworm
#   docker inspect --format '{{index .RepoDigests 0}}' python:3.11.14-slim-bookworm
# and write FROM python:3.11.14-slim-bookworm@sha256:<digest> in both places below.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md app.py ./
COPY smq_monitor ./smq_monitor
COPY dashboard ./dashboard
COPY data_access ./data_access
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY assets ./assets
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SMQ_INSTANCE_DIR=/var/lib/smq-monitor \
    SMQ_BIND=0.0.0.0:8050

# 1. Dependencies, pinned: this layer is rebuilt only when they change, not when the code does.
COPY pyproject.toml constraints.txt /tmp/deps/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/deps/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/deps/requirements.txt \
 && pip install -r /tmp/deps/requirements.txt -c /tmp/deps/constraints.txt \
 && rm -rf /tmp/deps

# 2. The code, once: the wheel built above (assets inside it), no dependencies left to fetch.
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-deps /tmp/wheels/*.whl \
 && rm -rf /tmp/wheels \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin smq \
 && mkdir -p /var/lib/smq-monitor \
 && chown smq /var/lib/smq-monitor \
 && chmod 0700 /var/lib/smq-monitor

WORKDIR /app
COPY gunicorn.conf.py ./
USER smq
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8050/livez', timeout=4).status == 200 else 1)"
CMD ["sh", "-c", "smq-monitor init-db && exec gunicorn app:server --config gunicorn.conf.py"]
