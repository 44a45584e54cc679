"""Configuration from environment variables (contract §1), decided once, here.

Every setting the web side reads comes from `load_settings()`; nothing else reads the
environment. A setting that cannot work (a weak `SECRET_KEY` in production, a malformed number)
is a `ConfigError` at start, never a surprise at the first request.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import string
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# The secret key must carry at least this much entropy in production (32 bytes).
MIN_SECRET_BITS = 256


class ConfigError(RuntimeError):
    """A setting that cannot work; the message says which and how to fix it."""


def in_source_tree() -> bool:
    """True when running from a checkout (editable install or PYTHONPATH), False from a wheel."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and "site-packages" not in PROJECT_ROOT.parts


def assets_dir() -> Path:
    """The CSS, fonts and scripts Dash serves: `assets/` of the checkout, or the copy a wheel
    installs as package data (`smq_monitor/assets`)."""
    for candidate in (PROJECT_ROOT / "assets", PACKAGE_DIR / "assets"):
        if candidate.is_dir():
            return candidate
    raise ConfigError("the assets folder is missing: reinstall smq-monitor")


def _user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".local" / "share") / "smq-monitor"


def instance_dir() -> Path:
    """Where local state lives (the SQLite file, a generated secret key, findings packs).

    `SMQ_INSTANCE_DIR` when set; else `instance/` of the checkout; else, installed, the user's
    data folder (`$XDG_DATA_HOME/smq-monitor`, `~/.local/share/smq-monitor`): never inside
    site-packages. Created readable by its owner only, since it may hold the secret key.
    """
    configured = os.environ.get("SMQ_INSTANCE_DIR", "").strip()
    if configured:
        path = Path(configured)
    elif in_source_tree():
        path = PROJECT_ROOT / "instance"
    else:
        path = _user_data_dir()
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def database_url_from_environment() -> str:
    """`DATABASE_URL`, or the embedded SQLite file under the instance folder (contract §1)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{instance_dir() / 'smq-monitor.sqlite3'}"


def snapshot_folder_from_environment() -> Path | None:
    """Where each data version's first-view tables are kept on disk (`data_access.snapshot`):
    `snapshots/` of the instance folder, unless `SMQ_SNAPSHOTS` is 0/false/no/off."""
    if os.environ.get("SMQ_SNAPSHOTS", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    return instance_dir() / "snapshots"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


_BASE64 = frozenset(string.ascii_letters + string.digits + "+/=-_")
_CLASSES = (
    (frozenset(string.ascii_lowercase), 26),
    (frozenset(string.ascii_uppercase), 26),
    (frozenset(string.digits), 10),
)


def secret_entropy_bits(key: str) -> float:
    """A conservative estimate of the entropy of a secret key, in bits: the smaller of two.

    - Alphabet: each character is worth log2 of the smallest alphabet that holds the whole key:
      16 for a hexadecimal key, 64 for base64 or base64url, else the union of the character
      classes it uses (26 lower-case letters, 26 capitals, 10 digits, 33 other printable
      characters, 128 for anything beyond ASCII).
    - Repetition: what is left after zlib compression, in bits (less zlib's 6 bytes of header
      and checksum), so `"changeme-" * 8` or `"ab" * 40` is worth little however long.

    This catches short, repetitive and small-alphabet keys; it cannot prove a key random, so
    generate one: `python -c "import secrets; print(secrets.token_hex(32))"` (256 bits).
    """
    if not key:
        return 0.0
    chars = set(key)
    if chars <= set(string.digits + "abcdef") or chars <= set(string.digits + "ABCDEF"):
        alphabet = 16
    elif chars <= _BASE64 and len(key) >= 22:
        alphabet = 64
    else:
        alphabet = sum(size for members, size in _CLASSES if chars & members)
        if chars & set(string.punctuation + " "):
            alphabet += 33
        if any(ord(c) > 127 for c in chars):
            alphabet += 128
    by_alphabet = len(key) * math.log2(max(alphabet, 2))
    by_compression = 8 * max(0, len(zlib.compress(key.encode("utf-8"), 9)) - 6)
    return min(by_alphabet, by_compression)


def _secret_key(debug: bool, local_default: bool, production: bool) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        bits = secret_entropy_bits(key)
        if bits < MIN_SECRET_BITS:
            if production:
                raise ConfigError(
                    f"SECRET_KEY is too weak for production: about {bits:.0f} bits of entropy, at least "
                    f"{MIN_SECRET_BITS} needed. Generate one with: "
                    'python -c "import secrets; print(secrets.token_hex(32))"'
                )
            print(
                f"warning: SECRET_KEY has about {bits:.0f} bits of entropy; production refuses under "
                f"{MIN_SECRET_BITS}",
                file=sys.stderr,
            )
        return key
    if debug or local_default:
        # The embedded default keeps a generated key in instance/, so sessions survive restarts.
        path = instance_dir() / "secret_key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        return path.read_text().strip()
    raise ConfigError("SECRET_KEY must be set when not in debug mode (DATABASE_URL is not the local default)")


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


@dataclass(frozen=True)
class DatabaseTimeouts:
    """How long the database may keep a caller waiting (PostgreSQL; 0 means no limit).

    A web request's statement runs at most `statement_ms` and waits at most `lock_ms` for a lock,
    then ends as an outage (the banner), so no worker thread hangs behind a held lock. An import
    waits up to `import_wait_s` for another import to finish, and its own statements may run for
    `import_statement_s` (a large first import takes minutes)."""

    statement_ms: int = 30_000
    lock_ms: int = 5_000
    import_wait_s: int = 600
    import_statement_s: int = 3600


def database_timeouts_from_environment() -> DatabaseTimeouts:
    """`SMQ_DB_STATEMENT_TIMEOUT_MS`, `SMQ_DB_LOCK_TIMEOUT_MS`, `SMQ_IMPORT_WAIT_S`,
    `SMQ_IMPORT_STATEMENT_TIMEOUT_S`, each a whole number (0: no limit)."""
    default = DatabaseTimeouts()
    return DatabaseTimeouts(
        statement_ms=_int("SMQ_DB_STATEMENT_TIMEOUT_MS", default.statement_ms),
        lock_ms=_int("SMQ_DB_LOCK_TIMEOUT_MS", default.lock_ms),
        import_wait_s=_int("SMQ_IMPORT_WAIT_S", default.import_wait_s),
        import_statement_s=_int("SMQ_IMPORT_STATEMENT_TIMEOUT_S", default.import_statement_s),
    )


@dataclass(frozen=True)
class Settings:
    database_url: str
    debug: bool
    secret_key: str
    cache_redis_url: str | None
    secure_cookies: bool
    cache_timeout: int = 3600
    # Reverse proxies in front of the app whose X-Forwarded-* headers are believed (ProxyFix).
    trusted_proxies: int = 0
    log_format: str = "text"
    log_level: str = "INFO"
    slow_request_ms: int = 1000
    # Absolute lifetime of a sign-in: counted from the sign-in, never extended by use.
    session_hours: int = 12
    # Each gunicorn worker reads the tables first visits need at start and after each import.
    warm_tables: bool = True
    # Sign-in attempts per client (flask-limiter notation), the password checks one process makes
    # at once, and the lockout per account and client.
    login_rate_limit: str = "30 per minute; 300 per hour"
    signin_concurrency: int = 2
    lockout_failures: int = 5
    lockout_minutes: int = 15
    # Findings packs: per-client quotas, and the bounded queue of each process.
    pack_quota_public: str = "5 per hour"
    pack_quota_signed_in: str = "30 per hour"
    pack_threads: int = 2
    pack_queue: int = 4
    # How long /healthz and /readyz wait for the database before answering 503.
    health_timeout_s: float = 2.0
    db_timeouts: DatabaseTimeouts = DatabaseTimeouts()

    @property
    def production(self) -> bool:
        """Served over HTTPS to real users: the strict checks apply."""
        return self.secure_cookies and not self.debug

    @property
    def rate_limit_storage(self) -> str:
        """flask-limiter's storage: Redis shared by workers and replicas, else this process."""
        return self.cache_redis_url or "memory://"

    def flask_config(self) -> dict:
        cache: dict = {"CACHE_DEFAULT_TIMEOUT": self.cache_timeout}
        prefix = "smq:" + hashlib.sha256(self.database_url.encode()).hexdigest()[:10] + ":"
        if self.cache_redis_url:
            cache.update(
                CACHE_TYPE="data_access.cache.fault_tolerant_redis",
                CACHE_REDIS_URL=self.cache_redis_url,
                CACHE_KEY_PREFIX=prefix,
                CACHE_OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            )
        else:
            cache.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=500, CACHE_KEY_PREFIX=prefix)
        return {
            "SECRET_KEY": self.secret_key,
            "SESSION_COOKIE_NAME": "smq_session",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "PERMANENT_SESSION_LIFETIME": self.session_hours * 3600,
            "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
            **cache,
        }


def load_settings(**overrides) -> Settings:
    """Read the environment once; `overrides` replace single fields (tests)."""
    debug = _truthy(os.environ.get("SMQ_DEBUG")) or _truthy(os.environ.get("FLASK_DEBUG"))
    database_url = database_url_from_environment()
    local_default = not os.environ.get("DATABASE_URL", "").strip()
    # Secure cookies need HTTPS; the local default and debug serve plain HTTP on loopback.
    secure = not (debug or local_default) and not _truthy(os.environ.get("SMQ_INSECURE_COOKIES"))
    production = secure and not debug
    log_format = os.environ.get("SMQ_LOG_FORMAT", "text").strip().lower() or "text"
    if log_format not in ("text", "json"):
        raise ConfigError(f"SMQ_LOG_FORMAT must be text or json, not {log_format!r}")
    values = {
        "database_url": database_url,
        "debug": debug,
        "secret_key": _secret_key(debug, local_default, production),
        "cache_redis_url": os.environ.get("CACHE_REDIS_URL", "").strip() or None,
        "secure_cookies": secure,
        "trusted_proxies": _int("SMQ_TRUSTED_PROXIES", 0),
        "log_format": log_format,
        "log_level": os.environ.get("SMQ_LOG_LEVEL", "info").strip().upper() or "INFO",
        "slow_request_ms": _int("SMQ_SLOW_REQUEST_MS", 1000),
        "session_hours": _int("SMQ_SESSION_HOURS", 12, minimum=1),
        "warm_tables": os.environ.get("SMQ_WARM_TABLES", "1").strip().lower() not in ("0", "false", "no"),
        "login_rate_limit": os.environ.get("SMQ_LOGIN_RATE_LIMIT", "").strip() or Settings.login_rate_limit,
        "signin_concurrency": _int("SMQ_SIGNIN_CONCURRENCY", 2, minimum=1),
        "lockout_failures": _int("SMQ_LOCKOUT_FAILURES", 5, minimum=1),
        "lockout_minutes": _int("SMQ_LOCKOUT_MINUTES", 15, minimum=1),
        "pack_quota_public": os.environ.get("SMQ_PACK_QUOTA_PUBLIC", "").strip()
        or Settings.pack_quota_public,
        "pack_quota_signed_in": os.environ.get("SMQ_PACK_QUOTA_SIGNED_IN", "").strip()
        or Settings.pack_quota_signed_in,
        "pack_threads": _int("SMQ_PACK_THREADS", 2, minimum=1),
        "pack_queue": _int("SMQ_PACK_QUEUE", 4, minimum=0),
        "db_timeouts": database_timeouts_from_environment(),
    }
    values.update(overrides)
    return Settings(**values)
