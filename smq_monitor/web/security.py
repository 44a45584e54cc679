"""Security headers on every response, the rate limiter, and who a client is.

The Content-Security-Policy allows no inline script but Dash's own, by hash: the renderer start-up
script and the clientside callbacks' scripts (`Dash.csp_hashes()`, computed once the callbacks
are registered). Dash's config block is `type="application/json"`, which a browser never runs.
No `'unsafe-eval'` either: the charts draw with plotly.js's cartesian bundle, which has no WebGL
trace (those compile code with `Function`), and AG Grid's function strings go through its own
parser (see docs/operating.md). Styles keep
`'unsafe-inline'`: React and plotly.js set element styles.

Per-user answers (pages, Dash layouts and callbacks, downloads, packs) are `Cache-Control:
private, no-store`, so no shared cache or browser history keeps a signed-in user's data; the
static files Dash fingerprints keep their own caching.
"""

from __future__ import annotations

import ipaddress

from flask import Flask, Response, request
from flask_limiter import Limiter

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/_smq-static/")
NO_STORE = "private, no-store"


def csp(script_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """The policy, allowing exactly these inline scripts (`'sha256-…'` sources)."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *script_hashes]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


CSP = csp()


def client_key() -> str:
    """Who a client is for rate limits and lockouts: its address (`request.remote_addr`, which
    ProxyFix sets from X-Forwarded-For when proxies are trusted), an IPv6 address by its /64
    (one machine holds a whole /64)."""
    address = request.remote_addr or "-"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


# One limiter for the app: routes declare their limits with `@limiter.limit(...)`; the storage is
# set by `install` (Redis when configured, so workers and replicas count together).
limiter = Limiter(key_func=client_key, default_limits=[])


def install(server: Flask) -> None:
    """Headers on every response and the rate limiter's storage, from `SMQ_SETTINGS`."""
    settings = server.config["SMQ_SETTINGS"]
    server.config.setdefault("SMQ_CSP", CSP)
    server.config.update(
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage,
        RATELIMIT_STORAGE_OPTIONS=(
            {"socket_connect_timeout": 0.5, "socket_timeout": 1.0} if settings.cache_redis_url else {}
        ),
        # Redis down: count in this process instead of failing sign-ins (answers are unchanged).
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_KEY_PREFIX=server.config.get("CACHE_KEY_PREFIX", "smq:") + "limits",
    )
    limiter.init_app(server)

    @server.errorhandler(429)
    def too_many(_error) -> Response:
        # flask-limiter adds Retry-After (seconds until the window frees a slot) to this answer.
        return Response(
            "Too many attempts from your address. Please wait a minute and try again.\n",
            status=429,
            mimetype="text/plain",
        )

    @server.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", server.config["SMQ_CSP"])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if server.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Everything not static may depend on who is asking; Dash's layout and callback answers
        # set no Cache-Control of their own.
        if not request.path.startswith(STATIC_PREFIXES) and (
            "Cache-Control" not in response.headers or request.path.startswith("/_dash-")
        ):
            response.headers["Cache-Control"] = NO_STORE
        return response


def allow_inline_scripts(server: Flask, script_hashes: list[str]) -> None:
    """Set the policy to allow exactly Dash's inline scripts (called by the app factory once
    the Dash app is complete)."""
    server.config["SMQ_CSP"] = csp(script_hashes)
